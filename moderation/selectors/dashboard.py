"""The figures on Coram staff's dashboard, each in a fixed number of queries
whatever the number of applications, and the filters of the lists behind them."""

from dataclasses import dataclass
from datetime import date
from statistics import median

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from applications.lifecycle import Status, statuses_that
from applications.models.agencies import Agency, Invitation
from applications.models.submissions import Application
from qualitymark.core.freshness import until_next_write
from qualitymark.users.models import User

from ..models.awards import LIVE_AWARD_STATUSES, Award, AwardStatus
from ..models.workflow import Assignment, FeeStatus, InformationRequest, PanelMeeting
from ..services.awards import add_months
from ..services.expiry import REMINDER_MONTHS
from .profiles import active_moderators

__all__ = [
    "APPLICATION_FLAGS",
    "AWARD_EXPIRY_FILTERS",
    "Dashboard",
    "StatusFigure",
    "application_flag",
    "award_expiry_filter",
    "scheme_counts",
    "staff_dashboard",
    "status_counts",
]


def _overdue_reviews(today: date) -> Q:
    """An active review not submitted, past its due date, on an application in
    review (a paused one, waiting for the agency, is never overdue)."""
    return Q(
        application__status__in=statuses_that("review_clock_runs"),
        removed_at__isnull=True,
        declared_conflict=False,
        due_on__lt=today,
    ) & ~Q(review__submitted_at__isnull=False)


def _overdue_requests(today: date) -> Q:
    return Q(status=InformationRequest.Status.OPEN, due_on__lt=today)


def _fee_unpaid() -> Q:
    return Q(status__in=statuses_that("fee_may_be_outstanding")) & (
        Q(screening__isnull=True) | Q(screening__fee_status=FeeStatus.AWAITING)
    )


# The application list's extra filters (?flag=...), one per dashboard figure.
APPLICATION_FLAGS = {
    "overdue_reviews": "A review is overdue",
    "overdue_information": "The agency's answers are overdue",
    "fee_unpaid": "Fee not yet paid or waived",
}


def application_flag(applications: QuerySet[Application], flag: str) -> QuerySet[Application]:
    today = timezone.localdate()
    if flag == "overdue_reviews":
        overdue = Assignment.objects.filter(_overdue_reviews(today), application=OuterRef("pk"))
        return applications.filter(Exists(overdue))
    if flag == "overdue_information":
        overdue = InformationRequest.objects.filter(
            _overdue_requests(today), application=OuterRef("pk")
        )
        return applications.filter(Exists(overdue))
    if flag == "fee_unpaid":
        return applications.filter(_fee_unpaid())
    return applications


AWARD_EXPIRY_FILTERS = {
    **{
        str(months): f"Expiring within {months} month{'s' if months > 1 else ''}"
        for months in sorted(REMINDER_MONTHS)
    },
    "expired_not_renewed": "Expired and not renewed",
}


def _expiring_within(today: date, months: int) -> Q:
    return Q(
        status__in=LIVE_AWARD_STATUSES,
        expires_on__gte=today,
        expires_on__lte=add_months(today, months),
    )


def _expired_not_renewed() -> Q:
    renewed = Award.objects.filter(agency=OuterRef("agency"), status__in=LIVE_AWARD_STATUSES)
    return Q(status=AwardStatus.EXPIRED) & ~Q(Exists(renewed))


def award_expiry_filter(awards: QuerySet[Award], expiry: str) -> QuerySet[Award]:
    if expiry == "expired_not_renewed":
        return awards.filter(_expired_not_renewed())
    if expiry in AWARD_EXPIRY_FILTERS:
        return awards.filter(_expiring_within(timezone.localdate(), int(expiry)))
    return awards


@dataclass(frozen=True)
class StatusFigure:
    status: str
    label: str
    count: int
    median_days: float | None
    oldest_days: int | None


class _MedianDays(Aggregate):
    """PostgreSQL's median of whole days (statistics.median's value)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _days_in_status(today: date) -> RawSQL:
    """Whole days since the application entered its status, in the scheme's time zone."""
    return RawSQL(
        "(%s::date - (COALESCE(status_changed_at, submitted_at) AT TIME ZONE %s)::date)",
        (today, settings.TIME_ZONE),
        output_field=IntegerField(),
    )


def status_counts() -> dict[str, int]:
    """How many applications staff can see are in each status: counted once
    for each state of the database (qualitymark/core/freshness.py), so never
    out of date, and not counted again on every look at the list."""
    return until_next_write(
        "application-status-counts",
        lambda: dict(
            Application.objects.that("shows_to_staff")
            .order_by()
            .values_list("status")
            .annotate(count=Count("*"))
            .values_list("status", "count")
        ),
    )


def _ages_by_status(today: date) -> dict[str, tuple[int, float | None, int | None]]:
    """(count, median days, oldest days) per status, counted by the database.
    Days in status are worked out for the open statuses only, where an
    application waits on someone: a decided or withdrawn one stays so, and
    their ages would be worked out over the whole history on every look."""
    applications = Application.objects.that("shows_to_staff").order_by()
    counts = dict(
        applications.values_list("status").annotate(n=Count("*")).values_list("status", "n")
    )
    waiting = applications.filter(status__in=statuses_that("is_open"))
    if connection.vendor == "postgresql":
        days = _days_in_status(today)
        rows = waiting.values("status").annotate(median=_MedianDays(days), oldest=Max(days))
        ages = {row["status"]: (row["median"], row["oldest"]) for row in rows}
    else:
        days_by_status: dict[str, list[int]] = {}
        for status, since in waiting.values_list(
            "status", Coalesce("status_changed_at", "submitted_at")
        ):
            days = (today - timezone.localdate(since)).days if since else 0
            days_by_status.setdefault(status, []).append(days)
        ages = {status: (median(days), max(days)) for status, days in days_by_status.items()}
    return {status: (count, *ages.get(status, (None, None))) for status, count in counts.items()}


def pipeline(today: date) -> list[StatusFigure]:
    ages = _ages_by_status(today)
    figures = []
    for value in statuses_that("shows_to_staff"):
        count, median_days, oldest_days = ages.get(value, (0, None, None))
        figures.append(
            StatusFigure(
                status=value,
                label=Status(value).label,
                count=count,
                median_days=median_days,
                oldest_days=oldest_days,
            )
        )
    return figures


@dataclass
class Dashboard:
    today: date
    pipeline: list[StatusFigure]
    overdue_reviews: int
    overdue_review_applications: int
    overdue_requests: int
    fees_unpaid: int
    meetings: list[PanelMeeting]
    expiring: list[tuple[str, int]]
    expired_not_renewed: int

    @property
    def waiting_for_screening(self) -> StatusFigure:
        return next(figure for figure in self.pipeline if figure.status == Status.SUBMITTED)


def _award_counts(today: date) -> dict:
    return Award.objects.aggregate(
        **{
            f"within_{months}": Count("pk", filter=_expiring_within(today, months))
            for months in REMINDER_MONTHS
        },
        expired_not_renewed=Count("pk", filter=_expired_not_renewed()),
    )


def staff_dashboard(*, today: date | None = None, meetings: int = 3) -> Dashboard:
    today = today or timezone.localdate()
    reviews = Assignment.objects.filter(_overdue_reviews(today)).aggregate(
        reviews=Count("pk"), applications=Count("application", distinct=True)
    )
    awards = _award_counts(today)
    upcoming = (
        PanelMeeting.objects.filter(held_on__gte=today)
        .select_related("chair__user")
        .prefetch_related("agenda__agency")
        .order_by("held_on", "pk")[:meetings]
    )
    return Dashboard(
        today=today,
        pipeline=pipeline(today),
        overdue_reviews=reviews["reviews"],
        overdue_review_applications=reviews["applications"],
        overdue_requests=InformationRequest.objects.filter(_overdue_requests(today)).count(),
        fees_unpaid=Application.objects.filter(_fee_unpaid()).count(),
        meetings=list(upcoming),
        expiring=[(str(months), awards[f"within_{months}"]) for months in sorted(REMINDER_MONTHS)],
        expired_not_renewed=awards["expired_not_renewed"],
    )


def scheme_counts() -> dict[str, int]:
    """The staff home page's figures: active agencies, invitations waiting,
    active moderators and accounts."""
    return {
        "agency_count": Agency.objects.filter(is_active=True).count(),
        "pending_invitation_count": Invitation.objects.pending().count(),
        "moderator_count": active_moderators().count(),
        "people_count": User.objects.filter(is_active=True).count(),
    }
