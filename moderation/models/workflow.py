"""Moderation: screening, conflicts, assignments, reviews, information
requests, panel meetings and decisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from applications.models.submissions import Application

from ..ratings import Rating
from .choices import FeeStatus, Recommendation
from .indexes import ASSIGNMENT_INDEXES, MEETING_INDEXES
from .profiles import ModeratorProfile


class Screening(models.Model):
    """Coram staff's checks on a submitted application: fee and eligibility."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="screening"
    )
    fee_status = models.CharField(
        max_length=10, choices=FeeStatus.choices, default=FeeStatus.AWAITING
    )
    fee_paid_on = models.DateField(null=True, blank=True)
    invoice_number = models.CharField(max_length=50, blank=True)
    fee_waiver_reason = models.TextField(blank=True)
    eligibility_confirmed = models.BooleanField(default=False)
    eligibility_notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_status__in=FeeStatus.values), name="moderation_fee_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(fee_status=FeeStatus.PAID)
                | (Q(fee_paid_on__isnull=False) & ~Q(invoice_number="")),
                name="moderation_paid_fee_has_date_and_invoice",
            ),
            models.CheckConstraint(
                condition=~Q(fee_status=FeeStatus.WAIVED) | ~Q(fee_waiver_reason=""),
                name="moderation_waived_fee_has_reason",
            ),
        ]

    def __str__(self):
        return f"Screening of {self.application}"

    @property
    def fee_settled(self) -> bool:
        return self.fee_status in (FeeStatus.PAID, FeeStatus.WAIVED)


class Assignment(models.Model):
    """A moderator assigned to review an application."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead moderator"
        SECOND = "second", "Second moderator"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    moderator = models.ForeignKey(
        ModeratorProfile, on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    due_on = models.DateField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.CharField(max_length=500, blank=True)
    # The moderator's own declaration, answered the first time they open it.
    declared_at = models.DateTimeField(null=True, blank=True)
    declared_conflict = models.BooleanField(default=False)
    declaration_details = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = ASSIGNMENT_INDEXES
        constraints = [
            models.UniqueConstraint(
                fields=["application", "moderator"],
                condition=Q(removed_at__isnull=True),
                name="moderation_one_active_assignment_per_moderator",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(removed_at__isnull=True, role="lead"),
                name="moderation_one_lead_moderator",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["lead", "second"]), name="moderation_assignment_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.moderator.user} on {self.application}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    @property
    def has_declared(self) -> bool:
        return self.declared_at is not None


class Review(models.Model):
    """One moderator's independent review of one application."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices, blank=True)
    summary = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | ~Q(recommendation=""),
                name="moderation_submitted_review_has_recommendation",
            )
        ]

    def __str__(self):
        return f"Review by {self.assignment.moderator.user} of {self.assignment.application}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class DescriptorRating(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    descriptor = models.ForeignKey(
        "descriptors.Descriptor", on_delete=models.PROTECT, related_name="+"
    )
    rating = models.CharField(max_length=20, choices=Rating.choices, null=True, blank=True)
    strengths = models.TextField(blank=True)
    areas_to_develop = models.TextField(blank=True)

    class Meta:
        ordering = ["descriptor__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "descriptor"], name="moderation_one_rating_per_descriptor"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__in=Rating.values),
                name="moderation_rating_is_a_level",
            ),
        ]

    def __str__(self):
        return f"{self.descriptor.code}: {self.rating}"


class ReviewRevision(models.Model):
    """What a review said each time it was submitted or amended: amendments
    are kept, never overwritten."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"], name="moderation_revision_numbers_unique"
            )
        ]

    def __str__(self):
        return f"{self.review} – revision {self.number}"


class InformationRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=InformationRequest.Status.OPEN)


class InformationRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the agency"
        ANSWERED = "answered", "Answered"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="open"),
                name="moderation_one_open_information_request",
            )
        ]

    def __str__(self):
        return f"Information request on {self.application}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_answered(self) -> bool:
        return self.status == self.Status.ANSWERED

    @property
    def evidence_section_key(self) -> str:
        """Files the agency sends with its response are evidence under this key."""
        return f"info-{self.pk}"


class InformationQuestion(models.Model):
    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="questions"
    )
    descriptor = models.ForeignKey(
        "descriptors.Descriptor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = models.TextField()
    answer = models.TextField(blank=True)
    draft_answer = models.TextField(
        blank=True, help_text="What the agency has typed but not sent; moderators do not see it."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["request", "position", "id"]

    def __str__(self):
        return self.question[:60]


class PanelMeeting(models.Model):
    held_on = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        ModeratorProfile, on_delete=models.PROTECT, related_name="chaired_meetings"
    )
    members_present = models.ManyToManyField(
        ModeratorProfile, blank=True, related_name="meetings_attended"
    )
    agenda = models.ManyToManyField(Application, blank=True, related_name="panel_meetings")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]
        indexes = MEETING_INDEXES

    def __str__(self):
        return self.title or f"Panel meeting on {self.held_on:%-d %B %Y}"


class Decision(models.Model):
    """The panel's decision on an application. Final once recorded: a
    correction is a new Decision that supersedes the old one."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(
        PanelMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(max_length=20, choices=Recommendation.choices)
    suggested_outcome = models.CharField(max_length=20, choices=Recommendation.choices)
    departure_reason = models.TextField(blank=True)
    rationale = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["-recorded_at"], name="moderation_decisions_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=models.F("suggested_outcome")) | ~Q(departure_reason=""),
                name="moderation_departure_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="moderation_correction_needs_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} for {self.application}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("A recorded decision is final; record a correction instead.")
        super().save(*args, **kwargs)

    @property
    def is_award(self) -> bool:
        return self.outcome in (Recommendation.FULL, Recommendation.WORKING_TOWARDS)

    @property
    def outcome_state(self) -> Recommendation:
        """The outcome with its `label` and GOV.UK `tag` (the govuk_tag filter)."""
        return Recommendation(self.outcome)


class DescriptorFeedback(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="feedback")
    descriptor = models.ForeignKey(
        "descriptors.Descriptor", on_delete=models.PROTECT, related_name="+"
    )
    strengths = models.TextField(blank=True)
    areas_to_develop = models.TextField(blank=True)

    class Meta:
        ordering = ["descriptor__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "descriptor"], name="moderation_one_feedback_per_descriptor"
            )
        ]

    def __str__(self):
        return f"Feedback on {self.descriptor.code}"
