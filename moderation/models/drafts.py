"""The chair's draft of the decision and its feedback, kept between visits
until it is sent (recorded as a Decision)."""

from django.conf import settings
from django.db import models

from applications.models.submissions import Application

from .workflow import PanelMeeting, Recommendation


class DecisionDraft(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision_draft"
    )
    meeting = models.ForeignKey(
        PanelMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Recommendation.choices, blank=True)
    rationale = models.TextField(blank=True)
    departure_reason = models.TextField(blank=True)
    # Per feedback field ("strengths_<descriptor id>", "areas_<descriptor id>"): the
    # chair's text, and the text prefilled from the moderators' comments.
    sections = models.JSONField(default=dict, blank=True)
    prefill = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Draft decision on {self.application}"
