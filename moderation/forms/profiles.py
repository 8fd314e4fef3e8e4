from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from applications.forms.agencies import AgencyChoiceField
from applications.models.agencies import Agency, Region
from qualitymark.core.forms import gds_helper

from ..models.profiles import Expertise


class ModeratorProfileForm(forms.Form):
    expertise = forms.MultipleChoiceField(
        label="Your expertise",
        choices=Expertise.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply. Each application is reviewed by moderators "
        "with a mix of expertise.",
    )
    affiliated_regions = forms.MultipleChoiceField(
        label="Regions you work in or have worked in",
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply. We use this to avoid asking you to review an "
        "agency you may know.",
    )
    biography = forms.CharField(
        label="Short biography",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=2000,
        help_text="Your background in a few sentences, for the Quality Mark team and the panel.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.checkboxes("expertise", legend_size=Size.SMALL),
            Field.checkboxes("affiliated_regions", legend_size=Size.SMALL, small=True),
            Field.textarea("biography", max_characters=2000),
            submit_label="Save profile",
        )

    def clean_expertise(self):
        expertise = self.cleaned_data.get("expertise") or []
        if not expertise:
            raise forms.ValidationError("Select at least one area of expertise")
        return expertise


class RegionFilterForm(forms.Form):
    region = forms.ChoiceField(
        label="Show agencies in",
        choices=[("", "All regions")] + list(Region.choices),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("region"),
            submit_label="Show agencies",
            method="get",
            button_id="id_show_agencies",
        )


class AffiliatedAgenciesForm(forms.Form):
    """The agencies shown are those in the chosen region plus any the moderator
    is already linked to, so unticking is always possible and saving never drops
    an affiliation that was not on the page."""

    agencies = AgencyChoiceField(
        label="Agencies you work for, have worked for, or are otherwise linked to",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Include agencies where you have been employed, trained or consulted, or "
        "where a close family member works. Select all that apply.",
    )

    def __init__(self, *args, profile, region: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        current = profile.affiliated_agencies.all()
        shown = Agency.objects.filter(is_active=True)
        if region:
            shown = shown.filter(region=region)
        self.fields["agencies"].queryset = (
            (shown | Agency.objects.filter(pk__in=current.values("pk"))).distinct().order_by("name")
        )
        self.initial.setdefault("agencies", list(current))
        self.helper = gds_helper(
            Field.checkboxes("agencies", legend_size=Size.SMALL, small=True),
            submit_label="Save agencies",
        )


class ModeratorFilterForm(forms.Form):
    query = forms.CharField(label="Search by name or e-mail", required=False, max_length=200)
    expertise = forms.ChoiceField(
        choices=[("", "Any expertise")] + list(Expertise.choices), required=False
    )
    status = forms.ChoiceField(
        choices=[
            ("", "Everyone"),
            ("active", "Active moderators"),
            ("chair", "Panel chairs"),
            ("inactive", "Deactivated"),
        ],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("query", field_width=Fluid.FULL),
            Field.select("expertise"),
            Field.select("status"),
            submit_label="Filter moderators",
            method="get",
        )
