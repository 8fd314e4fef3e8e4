from crispy_forms_gds.layout import Field, Fixed, Fluid, Size
from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models

from qualitymark.core.forms import gds_helper
from qualitymark.users.models import User

from ..models import (
    Agency,
    AgencyType,
    Invitation,
    Membership,
    Region,
    validate_email_domain,
    validate_ofsted_urn,
)
from ..services import validate_partnership


class AgencyChoiceField(forms.ModelMultipleChoiceField):
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
    region = forms.ChoiceField(
        choices=[("", "All regions")] + list(Region.choices), required=False
    )
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


ROLE_REQUIRED = {"required": "Choose a role"}


class _InvitationFormBase(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Enter the e-mail address of the person you want to invite",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = (
            "We will send the invitation link to this address. It works once and expires "
            f"after {settings.INVITATION_VALID_DAYS} days."
        )

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()


class LeadInvitationForm(_InvitationFormBase):
    """An agency lead invites a colleague to their own agency."""

    role = forms.ChoiceField(
        label="What should they be able to do?",
        widget=forms.RadioSelect,
        choices=[
            (
                Invitation.Role.AGENCY_MEMBER,
                "Agency member – work on the application and upload evidence",
            ),
            (
                Invitation.Role.AGENCY_LEAD,
                "Agency lead – also invite colleagues, sign the declaration and submit",
            ),
        ],
        initial=Invitation.Role.AGENCY_MEMBER,
        error_messages=ROLE_REQUIRED,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            submit_label="Send invitation",
        )


class StaffInvitationForm(_InvitationFormBase):
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        choices=[
            (Invitation.Role.AGENCY_LEAD, "Agency lead"),
            (Invitation.Role.AGENCY_MEMBER, "Agency member"),
            (Invitation.Role.MODERATOR, "Moderator"),
            (Invitation.Role.PANEL_CHAIR, "Panel chair (a moderator who can run the panel)"),
            (Invitation.Role.CORAM_STAFF, "Coram staff"),
        ],
        error_messages=ROLE_REQUIRED,
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="Choose an agency",
        help_text="Only for agency leads and members. Leave this empty for other roles.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            Field.select("agency"),
            submit_label="Send invitation",
        )

    def clean(self):
        cleaned_data = super().clean()
        role = cleaned_data.get("role")
        if role in (Invitation.Role.AGENCY_LEAD, Invitation.Role.AGENCY_MEMBER):
            if not cleaned_data.get("agency") and not self.has_error("agency"):
                self.add_error("agency", "Choose the agency to invite them to")
        elif role:
            cleaned_data["agency"] = None
        return cleaned_data


class InvitationFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "All invitations")] + list(Invitation.Status.choices), required=False
    )
    query = forms.CharField(label="Search by e-mail address", required=False, max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("status"),
            Field.text("query", field_width=Fluid.TWO_THIRDS),
            submit_label="Filter invitations",
            method="get",
        )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        choices=[
            (Membership.Role.MEMBER, "Agency member – works on the application"),
            (
                Membership.Role.LEAD,
                "Agency lead – also invites colleagues, signs the declaration and submits",
            ),
        ],
        error_messages=ROLE_REQUIRED,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("role", legend_size=Size.SMALL), submit_label="Change role"
        )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="Colleagues and the Quality Mark team will see this name.",
        error_messages={"required": "Enter your full name"},
    )
    password1 = forms.CharField(
        label="Create a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Use at least 12 characters. A few unrelated words together work well.",
        error_messages={"required": "Create a password"},
    )
    password2 = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter your password again"},
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.helper = gds_helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS, autocomplete="name"),
            Field.text("password1", field_width=Fluid.ONE_HALF),
            Field.text("password2", field_width=Fluid.ONE_HALF),
            submit_label="Create account and accept",
        )

    def clean_full_name(self):
        return (self.cleaned_data.get("full_name") or "").strip()

    def clean(self):
        cleaned_data = super().clean()
        first, second = cleaned_data.get("password1"), cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The passwords do not match")
        elif first:
            try:
                validate_password(
                    first, user=User(email=self.email, full_name=cleaned_data.get("full_name", ""))
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data
