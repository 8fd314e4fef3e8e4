from crispy_forms_gds.layout import Field, Fixed, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from qualitymark.core.forms import RecordsChoiceField, gds_helper

from ..models.agencies import Agency, AgencyType, Region, validate_email_domain, validate_ofsted_urn
from ..services.agencies import validate_partnership


class AgencyChoiceField(RecordsChoiceField):
    def label_from_instance(self, agency):
        return f"{agency.name} ({agency.get_region_display()})"


def _partnership_member_field(agency: Agency | None) -> AgencyChoiceField:
    choices = Agency.objects.filter(is_active=True).exclude(agency_type=AgencyType.PARTNERSHIP)
    if agency is not None and agency.pk:
        choices = (
            choices | Agency.objects.filter(pk__in=agency.partnership_members.values("pk"))
        ).exclude(pk=agency.pk)
    return AgencyChoiceField(
        queryset=choices.distinct().order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Member agencies",
        help_text="For a partnership only: the agencies it applies on behalf of. "
        "Choose at least two.",
    )


class _AgencyFormMixin:
    def clean_ofsted_urn(self):
        urn = (self.cleaned_data.get("ofsted_urn") or "").strip().upper().replace(" ", "")
        if urn:
            validate_ofsted_urn(urn)
            holder = Agency.objects.filter(ofsted_urn=urn).exclude(pk=self.instance.pk).first()
            if holder is not None:
                raise ValidationError(f"{holder.name} already has this Ofsted URN")
        return urn

    def clean_email_domain(self):
        domain = (self.cleaned_data.get("email_domain") or "").strip().lower().lstrip("@")
        if domain:
            validate_email_domain(domain)
        return domain

    def _check_partnership(self, agency_type):
        if "partnership_members" not in self.fields or self.has_error("partnership_members"):
            return
        try:
            validate_partnership(
                agency_type=agency_type,
                members=self.cleaned_data.get("partnership_members") or [],
                agency=self.instance if self.instance.pk else None,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
        kwargs["widget"] = forms.TextInput(attrs={"autocomplete": "url", "spellcheck": "false"})
    return model_field.formfield(**kwargs)


OFSTED_URN_FORMAT_MESSAGE = validate_ofsted_urn.message
AGENCY_ERROR_MESSAGES = {
    "name": {"required": "Enter the agency's name"},
    "agency_type": {"required": "Choose the type of agency"},
    "region": {"required": "Choose the agency's region"},
    "ofsted_urn": {"max_length": OFSTED_URN_FORMAT_MESSAGE},
    "website": {
        "invalid": "Enter a website address in the correct format, like "
        "https://www.example.gov.uk/adoption"
    },
    "public_email": {
        "invalid": "Enter an e-mail address in the correct format, like adoption@example.gov.uk"
    },
}
WEBSITE_HELP = (
    "The page about your early permanence or adoption service, "
    "like https://www.example.gov.uk/adoption"
)


class AgencyProfileForm(_AgencyFormMixin, forms.ModelForm):
    """What an agency lead may change about their own agency."""

    class Meta:
        model = Agency
        fields = ["website", "email_domain", "public_email", "public_phone", "postcode"]
        labels = {
            "email_domain": "Staff e-mail domain",
            "public_email": "Contact e-mail address",
            "public_phone": "Contact phone number",
            "postcode": "Office postcode",
        }
        formfield_callback = _formfield
        error_messages = AGENCY_ERROR_MESSAGES
        help_texts = {
            "website": WEBSITE_HELP,
            "public_email": "Shown on the public register if your agency is awarded "
            "the Quality Mark.",
            "public_phone": "Shown on the public register if your agency is awarded "
            "the Quality Mark.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [
            Field.text("website", field_width=Fluid.TWO_THIRDS),
            Field.text("email_domain", field_width=Fluid.ONE_HALF),
            Field.text("public_email", field_width=Fluid.TWO_THIRDS),
            Field.text("public_phone", field_width=Fixed.TWENTY),
            Field.text("postcode", field_width=Fixed.TEN),
        ]
        if self.instance.is_partnership:
            self.fields["partnership_members"] = _partnership_member_field(self.instance)
            self.initial["partnership_members"] = list(self.instance.partnership_members.all())
            layout.append(Field.checkboxes("partnership_members", legend_size=Size.SMALL))
        self.helper = gds_helper(*layout, submit_label="Save changes")

    def clean(self):
        cleaned_data = super().clean()
        self._check_partnership(self.instance.agency_type)
        return cleaned_data


class StaffAgencyForm(_AgencyFormMixin, forms.ModelForm):
    """Everything about an agency, for Coram staff."""

    class Meta:
        model = Agency
        fields = [
            "name",
            "agency_type",
            "region",
            "ofsted_urn",
            "website",
            "email_domain",
            "public_email",
            "public_phone",
            "postcode",
        ]
        labels = {
            "name": "Agency name",
            "email_domain": "Staff e-mail domain",
            "agency_type": "Type of agency",
            "public_email": "Contact e-mail address",
            "public_phone": "Contact phone number",
            "postcode": "Office postcode",
        }
        formfield_callback = _formfield
        help_texts = {"website": WEBSITE_HELP}
        error_messages = AGENCY_ERROR_MESSAGES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership_members"] = _partnership_member_field(self.instance)
        if self.instance.pk:
            self.initial["partnership_members"] = list(self.instance.partnership_members.all())
        self.fields["agency_type"].widget = forms.RadioSelect()
        self.fields["agency_type"].choices = AgencyType.choices
        self.fields["region"].choices = [("", "Choose a region")] + list(Region.choices)
        self.fields["ofsted_urn"].required = False
        self.helper = gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("agency_type", legend_size=Size.SMALL),
            Field.select("region"),
            Field.text("ofsted_urn", field_width=Fixed.TEN),
            Field.text("website", field_width=Fluid.TWO_THIRDS),
            Field.text("email_domain", field_width=Fluid.ONE_HALF),
            Field.text("public_email", field_width=Fluid.TWO_THIRDS),
            Field.text("public_phone", field_width=Fixed.TWENTY),
            Field.text("postcode", field_width=Fixed.TEN),
            Field.checkboxes("partnership_members", legend_size=Size.SMALL, small=True),
            submit_label="Save agency",
        )

    def clean_name(self):
        return (self.cleaned_data.get("name") or "").strip()

    def clean(self):
        cleaned_data = super().clean()
        if not self.has_error("agency_type") and cleaned_data.get("agency_type"):
            self._check_partnership(cleaned_data["agency_type"])
        return cleaned_data


class AgencyFilterForm(forms.Form):
    query = forms.CharField(label="Search by name or Ofsted URN", required=False, max_length=200)
    region = forms.ChoiceField(choices=[("", "All regions")] + list(Region.choices), required=False)
    agency_type = forms.ChoiceField(
        label="Type of agency",
        choices=[("", "All types")] + list(AgencyType.choices),
        required=False,
    )
    status = forms.ChoiceField(
        choices=[("", "Active and deactivated"), ("active", "Active"), ("inactive", "Deactivated")],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("query", field_width=Fluid.TWO_THIRDS),
            Field.select("region"),
            Field.select("agency_type"),
            Field.select("status"),
            submit_label="Filter agencies",
            method="get",
        )
