"""A review of a panel decision (an appeal), asked for by the agency's lead,
recorded by Coram staff and decided by a chair who took no part in the decision."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from applications.models.submissions import Application

from .workflow import Decision, Recommendation


class AppealStatus(models.TextChoices):
    REQUESTED = "requested", "Asked for"
    ACKNOWLEDGED = "acknowledged", "Recorded by the Quality Mark team"
    DECIDED = "decided", "Decided"


class Appeal(models.Model):
    Status = AppealStatus

    # The appeal's state table: action -> (states it may start from, state it ends in).
    TRANSITIONS = {
        "acknowledge": ((Status.REQUESTED,), Status.ACKNOWLEDGED),
        "decide": ((Status.ACKNOWLEDGED,), Status.DECIDED),
    }

    class Grounds(models.TextChoices):
        PROCEDURE = "procedure", "The assessment did not follow the published process"
        EVIDENCE = "evidence", "The panel did not take account of evidence we submitted"
        FACTS = "facts", "The decision rests on a factual error"
        CONFLICT = "conflict", "Someone involved had a conflict of interest"

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "The decision is upheld"
        FULL = Recommendation.FULL, "Changed to Full"
        WORKING_TOWARDS = Recommendation.WORKING_TOWARDS, "Changed to Working Towards"
        NOT_AWARDED = Recommendation.NOT_AWARDED, "Changed to no award"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="appeals")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="appeal")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    grounds = models.JSONField(default=list)
    explanation = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    reasons = models.TextField(blank=True)
    new_decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="from_appeal"
    )

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # A decision is reviewed once: the review's outcome is final.
            models.UniqueConstraint(
                fields=["application"], name="moderation_one_appeal_per_application"
            ),
            models.CheckConstraint(
                condition=Q(status=AppealStatus.DECIDED, decided_at__isnull=False)
                & ~Q(outcome="")
                & ~Q(reasons="")
                | ~Q(status=AppealStatus.DECIDED),
                name="moderation_decided_appeal_has_outcome_and_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of the decision on {self.application}"

    @property
    def grounds_labels(self) -> list[str]:
        labels = dict(self.Grounds.choices)
        return [labels.get(ground, ground) for ground in self.grounds]

    @property
    def changed(self) -> bool:
        return self.status == self.Status.DECIDED and self.outcome != self.Outcome.UPHELD

    def may(self, action: str) -> bool:
        starts, _ = self.TRANSITIONS[action]
        return self.status in starts
