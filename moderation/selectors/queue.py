"""A moderator's queue: their active assignments, filtered, sorted and cut to
a page in the database, and each row as the queue shows it."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    OuterRef,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from applications.lifecycle import statuses_that
from qualitymark.core.rows import TemplateRow

from ..access import moderator_profile_of
from ..conflicts import conflict_condition
from ..models.workflow import Assignment, Review
from ..review_progress import ReviewProgress, review_clock_is_paused, review_is_overdue

QUEUE_SORTS = {
    "due": ("due_on", "id"),
    "-due": ("-due_on", "id"),
    "agency": ("application__agency__name", "id"),
    "assigned": ("-assigned_at", "id"),
}

# A row's columns, read as values: fetching the applications' and reviews'
# other columns, and making model objects of them, took most of the page's time.
ROW_COLUMNS = (
    "application_id",
    "application__agency__name",
    "application__reference",
    "application__status",
    "role",
    "due_on",
    "assigned_at",
    "declared_at",
    "declared_conflict",
    "queue_state",
    "conflicted",
)


@dataclass(frozen=True)
class QueueRow(TemplateRow):
    """One assignment as moderation/queue.html shows it."""

    application_id: int
    agency: str
    reference: str
    role: str
    due_on: date
    assigned_at: datetime
    has_declared: bool
    declared_conflict: bool
    conflicted: bool
    status: ReviewProgress
    is_paused: bool  # the agency is answering questions: the review clock has stopped
    is_overdue: bool


def moderator_queue(
    user, *, sort: str = "due", status: str = "", today: date | None = None
) -> QuerySet[Assignment]:
    """The person's active assignments as ROW_COLUMNS values, each with its
    review state (`queue_state`), filtered and sorted in the database so a page
    of it costs the same however long the queue is. `queue_rows` turns a page
    into QueueRows."""
    profile = moderator_profile_of(user)
    if profile is None:
        return Assignment.objects.none()
    today = today or timezone.localdate()
    queued = statuses_that("shows_in_queues")
    decided = set(statuses_that("has_decision"))
    paused = set(statuses_that("review_clock_paused"))
    # Each filter names its statuses outright: "in the queue but not decided"
    # as two conditions made the planner guess twice too many rows and read
    # every application.
    if status == "overdue":
        queued = [s for s in queued if s not in decided and s not in paused]
    elif status == "paused":
        queued = [s for s in queued if s in paused and s not in decided]
    assignments = (
        Assignment.objects.filter(
            moderator=profile,
            removed_at__isnull=True,
            application__status__in=queued,
        )
        .annotate(
            queue_state=Case(
                When(application__status__in=decided, then=Value(ReviewProgress.DECIDED)),
                When(review__submitted_at__isnull=False, then=Value(ReviewProgress.SUBMITTED)),
                When(review__version__gt=0, then=Value(ReviewProgress.IN_PROGRESS)),
                default=Value(ReviewProgress.NOT_STARTED),
            ),
        )
        .order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS["due"]))
    )
    # Not started or in progress (`queue_state`), said on the stored columns
    # so that the planner can estimate it and walk the queue's index.
    not_submitted = ~Exists(
        Review.objects.filter(assignment=OuterRef("pk"), submitted_at__isnull=False)
    )
    conflicted = conflict_condition(profile, "application__")
    if status == "overdue":
        return (
            assignments.filter(not_submitted, due_on__lt=today)
            .exclude(conflicted)
            .annotate(conflicted=Value(False))
            .values(*ROW_COLUMNS)
        )
    # Worked out by PostgreSQL for the rows of the page only, after the sort.
    assignments = assignments.annotate(
        conflicted=ExpressionWrapper(conflicted, output_field=BooleanField())
    )
    if status == "paused":
        assignments = assignments.filter(not_submitted)
    elif status:
        assignments = assignments.filter(queue_state=status)
    return assignments.values(*ROW_COLUMNS)


def queue_rows(page, today: date | None = None) -> list[QueueRow]:
    today = today or timezone.localdate()
    rows = []
    for values in page:
        progress = ReviewProgress(values["queue_state"])
        paused = review_clock_is_paused(progress, values["application__status"])
        rows.append(
            QueueRow(
                application_id=values["application_id"],
                agency=values["application__agency__name"],
                reference=values["application__reference"],
                role=Assignment.Role(values["role"]).label,
                due_on=values["due_on"],
                assigned_at=values["assigned_at"],
                has_declared=values["declared_at"] is not None,
                declared_conflict=values["declared_conflict"],
                conflicted=values["conflicted"],
                status=progress,
                is_paused=paused,
                is_overdue=review_is_overdue(
                    progress,
                    paused=paused,
                    conflicted=values["conflicted"],
                    due_on=values["due_on"],
                    today=today,
                ),
            )
        )
    return rows
