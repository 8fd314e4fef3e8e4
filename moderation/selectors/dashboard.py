"""The figures on Coram staff's dashboard, each in a fixed number of queries
whatever the number of applications, and the filters of the lists behind them."""

from dataclasses import dataclass
from datetime import date
from statistics import median

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from applications.lifecycle import TRANSITIONS, Status, statuses_that
from applications.models.submissions import Application
from qualitymark.audit.models import AuditEvent

from ..models.awards import LIVE_AWARD_STATUSES, Award, AwardStatus
from ..models.workflow import Assignment, FeeStatus, InformationRequest, PanelMeeting
from ..services.awards import add_months
from ..services.expiry import REMINDER_MONTHS

__all__ = [
    "APPLICATION_FLAGS",
    "AWARD_EXPIRY_FILTERS",
    "Dashboard",
    "StatusFigure",
    "application_flag",
    "award_expiry_filter",
    "staff_dashboard",
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


def _entered_current_status():
    """When the application last moved (its latest lifecycle audit event)."""
    return Subquery(
        AuditEvent.objects.filter(
            target_type=Application._meta.label_lower,
            target_id=Cast(OuterRef("pk"), CharField()),
            action__in=[f"application.{name}" for name in TRANSITIONS],
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )


def pipeline(today: date) -> list[StatusFigure]:
    ages: dict[str, list[int]] = {value: [] for value in statuses_that("shows_to_staff")}
    rows = (
        Application.objects.that("shows_to_staff")
        .annotate(entered_at=_entered_current_status())
        .values_list("status", "entered_at", "submitted_at")
    )
    for status, entered_at, submitted_at in rows:
        since = entered_at or submitted_at
        ages[status].append((today - timezone.localdate(since)).days if since else 0)
    return [
        StatusFigure(
            status=value,
            label=Status(value).label,
            count=len(ages[value]),
            median_days=median(ages[value]) if ages[value] else None,
            oldest_days=max(ages[value]) if ages[value] else None,
        )
        for value in ages
    ]


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
