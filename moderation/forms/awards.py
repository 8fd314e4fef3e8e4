"""Forms for the register's filters and for Coram staff's award actions."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from applications.models.agencies import AgencyType, Region
from applications.models.submissions import Level
from qualitymark.core.forms import gds_helper

from ..award_states import register_states
from ..models.awards import AwardStatus
from ..selectors.register import DEFAULT_SORT, REGISTER_SORTS, RegisterFilters


def _any(label: str, choices) -> list:
    return [("", label), *choices]


class RegisterFilterForm(forms.Form):
    """The public register's search, filters and sort (a GET form, written out
    in the template so that the public pages carry no session or CSRF token)."""

    q = forms.CharField(label="Agency name", max_length=100, required=False, strip=True)
    region = forms.ChoiceField(
        label="Region", choices=_any("All regions", Region.choices), required=False
    )
    type = forms.ChoiceField(
        label="Type of agency", choices=_any("All types", AgencyType.choices), required=False
    )
    level = forms.ChoiceField(
        label="Level", choices=_any("Any level", Level.choices), required=False
    )
    # Only the statuses an award on the register can have ("Awaiting publication" never is).
    status = forms.ChoiceField(
        label="Status",
        choices=_any("Any status", [(state.status, state.label) for state in register_states()]),
        required=False,
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[(key, label) for key, (label, _) in REGISTER_SORTS.items()],
        required=False,
    )

    def filters(self) -> RegisterFilters:
        """The filters asked for; anything invalid is ignored rather than refused."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = getattr(self, "cleaned_data", {})
        return RegisterFilters(
            query=(data.get("q") or "").strip(),
            region=data.get("region") or "",
            agency_type=data.get("type") or "",
            level=data.get("level") or "",
            status=data.get("status") or "",
            sort=data.get("sort") or DEFAULT_SORT,
        )


class AwardReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Give a reason"},
    )

    def __init__(self, *args, label: str = "Reason", hint: str = "", submit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = hint
        self.helper = gds_helper(
            Field.textarea("reason", label_size=Size.SMALL, max_characters=2000),
            submit_label=submit_label,
        )


class PublishAwardForm(forms.Form):
    reason = forms.CharField(
        label="Note for the record (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="Kept in the award's history; not shown to the public.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("reason", label_size=Size.SMALL, max_characters=2000),
            submit_label="Publish to the register",
        )


class StaffAwardFilterForm(forms.Form):
    query = forms.CharField(
        label="Agency, certificate number or application reference",
        max_length=100,
        required=False,
    )
    status = forms.ChoiceField(
        label="Status", choices=_any("Any status", AwardStatus.choices), required=False
    )
    published = forms.ChoiceField(
        label="On the register",
        choices=[("", "Published or not"), ("yes", "Published"), ("no", "Not published")],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("query"),
            Field.select("status"),
            Field.select("published"),
            submit_label="Filter",
            method="get",
        )
