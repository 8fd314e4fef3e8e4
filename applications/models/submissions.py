from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from ..lifecycle import OPEN_STATUSES, State, Status, state_of, statuses_that
from .agencies import Agency


class ApplicationKind(models.TextChoices):
    NEW = "new", "New application"
    RENEWAL = "renewal", "Renewal of an award"
    UPGRADE = "upgrade", "Upgrade from Working Towards to Full"


class Level(models.TextChoices):
    FULL = "full", "Full"
    WORKING_TOWARDS = "working_towards", "Working Towards"


class ApplicationQuerySet(models.QuerySet):
    def that(self, capability: str) -> "ApplicationQuerySet":
        """The applications whose state allows `capability` (see lifecycle.STATES)."""
        return self.filter(status__in=statuses_that(capability))

    def drafts(self) -> "ApplicationQuerySet":
        return self.filter(status=Status.DRAFT)

    def decided(self) -> "ApplicationQuerySet":
        return self.filter(status=Status.DECIDED)

    def withdrawn(self) -> "ApplicationQuerySet":
        return self.filter(status=Status.WITHDRAWN)


class Application(models.Model):
    """One agency's application for the Quality Mark, written against one
    published version of the descriptor framework."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="applications")
    framework = models.ForeignKey(
        "descriptors.Framework", on_delete=models.PROTECT, related_name="applications"
    )
    kind = models.CharField(max_length=10, choices=ApplicationKind.choices)
    level_sought = models.CharField(max_length=20, choices=Level.choices)
    previous_application = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        help_text="The earlier application a renewal or upgrade was prefilled from.",
    )
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When it entered its current status (lifecycle.transition sets it).
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    declaration_name = models.CharField(max_length=150, blank=True)
    declaration_role = models.CharField(max_length=150, blank=True)
    declaration_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    declaration_signed_at = models.DateTimeField(null=True, blank=True)

    fee_pence = models.PositiveIntegerField(
        null=True, blank=True, help_text="The fee due, fixed when the application is submitted."
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The staff lists, newest first, and the screening and panel lists
            # (one status, oldest first): a page walks the index, no sort.
            models.Index(fields=["submitted_at"], name="applications_by_submission"),
            models.Index(fields=["status", "submitted_at", "id"], name="applications_by_status"),
            models.Index(fields=["status", "status_changed_at"], name="applications_status_since"),
            models.Index(fields=["decided_at"], name="applications_by_decision"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="applications_one_open_application_per_agency",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="applications_application_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ApplicationKind.values),
                name="applications_application_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(level_sought__in=Level.values),
                name="applications_application_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(reference__isnull=False),
                name="applications_submitted_application_has_reference",
            ),
        ]

    def __str__(self):
        return self.reference or f"Draft application by {self.agency}"

    @property
    def state(self) -> State:
        """What the application's status allows and how it is shown (lifecycle.STATES)."""
        return state_of(self.status)

    @property
    def is_locked(self) -> bool:
        """Submitted content is fixed: the agency cannot change it."""
        return self.state.is_locked

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    @property
    def is_new_application(self) -> bool:
        """Not a renewal or an upgrade of an earlier award."""
        return self.kind == ApplicationKind.NEW

    @property
    def is_declared(self) -> bool:
        return self.declaration_signed_at is not None

    @property
    def fee_pounds(self):
        return None if self.fee_pence is None else self.fee_pence / 100


class SectionAnswer(models.Model):
    """The answers to one section of an application. `version` goes up on every
    save; a save that names an older version is refused (optimistic locking)."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "Not yet started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField(max_length=20)
    data = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.NOT_STARTED)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "key"], name="applications_one_answer_per_section"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["not_started", "in_progress", "completed"]),
                name="applications_answer_state_valid",
            ),
        ]

    def __str__(self):
        return f"{self.application} – {self.key}"


class FeeBand(models.Model):
    """The fee schedule: the standard fee for one agency, and the scale for
    partnerships by number of member agencies. Edited by Coram staff in the
    admin; the fee is fixed on the application when it is submitted."""

    min_agencies = models.PositiveSmallIntegerField(
        unique=True,
        validators=[MinValueValidator(1)],
        help_text="The band applies from this number of agencies up to the next band.",
    )
    amount_pence = models.PositiveIntegerField()
    description = models.CharField(max_length=200)

    class Meta:
        ordering = ["min_agencies"]

    def __str__(self):
        return f"{self.description}: £{self.amount_pence / 100:,.2f}"


class ReferenceSequence(models.Model):
    """The last reference number used each year (EPQM-2026-0007)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"
