"""The action plan of a Working Towards award: the agency turns each area to
develop into actions with an owner and a target date, reports its progress at
the mid-point, and Coram staff or a moderator acknowledge the report."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from qualitymark.core.dates import add_months

from .awards import Award
from .workflow import DescriptorFeedback

__all__ = ["PLAN_STATES", "ActionPlan", "ActionProgress", "PlanState", "PlannedAction"]


class PlanState(models.TextChoices):
    WRITING = "writing", "Being written"
    REPORTED = "reported", "Progress reported"
    ACKNOWLEDGED = "acknowledged", "Progress acknowledged"


# The state table: what each state of a plan allows.
PLAN_STATES = {
    PlanState.WRITING: {"edit_actions": True, "report_progress": True, "acknowledge": False},
    PlanState.REPORTED: {"edit_actions": False, "report_progress": False, "acknowledge": True},
    PlanState.ACKNOWLEDGED: {"edit_actions": True, "report_progress": False, "acknowledge": False},
}


class ActionProgress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


def midpoint_of(award: Award):
    """The day progress is due: ACTION_PLAN_MIDPOINT_MONTHS after the award."""
    months = settings.QUALITYMARK.get("ACTION_PLAN_MIDPOINT_MONTHS", 12)
    return add_months(award.awarded_on, months)


class ActionPlan(models.Model):
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="action_plan")
    state = models.CharField(max_length=20, choices=PlanState.choices, default=PlanState.WRITING)
    progress_summary = models.TextField(blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=PlanState.values), name="moderation_action_plan_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=PlanState.WRITING) | ~Q(progress_summary=""),
                name="moderation_reported_plan_has_summary",
            ),
            models.CheckConstraint(
                condition=~Q(state=PlanState.ACKNOWLEDGED) | ~Q(acknowledgement=""),
                name="moderation_acknowledged_plan_has_comment",
            ),
        ]

    def __str__(self):
        return f"Action plan for {self.award.number}"

    def allows(self, step: str) -> bool:
        return PLAN_STATES[PlanState(self.state)][step]

    @property
    def midpoint(self):
        return midpoint_of(self.award)


class PlannedAction(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    area = models.ForeignKey(DescriptorFeedback, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    owner = models.CharField(max_length=150)
    target_on = models.DateField()
    progress = models.CharField(
        max_length=20, choices=ActionProgress.choices, default=ActionProgress.NOT_STARTED
    )
    progress_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area__descriptor__number", "target_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__in=ActionProgress.values),
                name="moderation_action_progress_valid",
            ),
            models.CheckConstraint(
                condition=~Q(owner="") & ~Q(description=""),
                name="moderation_action_has_owner_and_description",
            ),
        ]

    def __str__(self):
        return f"{self.description[:60]} ({self.owner})"
