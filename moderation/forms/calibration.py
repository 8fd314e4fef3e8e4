"""The calibration report's scope: a panel meeting's agenda, or a period."""

from datetime import timedelta

from crispy_forms_gds.layout import Field
from django import forms
from django.utils import timezone

from qualitymark.core.forms import gds_helper

from ..models.workflow import PanelMeeting

PERIODS = {"3": 91, "6": 182, "12": 365, "24": 730}


class CalibrationScopeForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label="Panel meeting",
        required=False,
        queryset=PanelMeeting.objects.order_by("-held_on"),
        empty_label="Any (use the period)",
        help_text="The applications on this meeting's agenda.",
    )
    period = forms.ChoiceField(
        label="Reviews submitted in the last",
        required=False,
        choices=[
            ("3", "3 months"),
            ("6", "6 months"),
            ("12", "12 months"),
            ("24", "24 months"),
            ("all", "Any time"),
        ],
        initial="12",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("meeting"), Field.select("period"), submit_label="Show", method="get"
        )

    def scope(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("meeting"):
            return {"meeting": data["meeting"]}
        period = data.get("period") or "12"
        if period == "all":
            return {}
        return {"since": timezone.localdate() - timedelta(days=PERIODS[period])}

    def describe(self) -> str:
        scope = self.scope()
        if "meeting" in scope:
            return f"Applications on the agenda of {scope['meeting']}"
        if "since" in scope:
            return f"Reviews submitted since {scope['since']:%-d %B %Y}"
        return "Every submitted review"
