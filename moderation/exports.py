"""What Coram staff can download: applications, reviews and ratings,
decisions, awards and fees, each filtered as on the lists, read in chunks.

Independence holds in exports as on every page: on an application where the
person downloading is an assigned moderator, the reviews come from
`reviews_visible_to` (their own only, until they have submitted it)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from applications.models.submissions import Application

from .models.workflow import Assignment, Decision, DescriptorRating, FeeStatus, Screening
from .ratings import LEVELS, rating_label
from .selectors.awards import awards_for_staff
from .selectors.dashboard import application_flag, award_expiry_filter
from .selectors.workflow import applications_for_staff, reviews_visible_to

CHUNK = 500


def _applications(user, params) -> QuerySet[Application]:
    applications = applications_for_staff(status=params.get("status", ""))
    return application_flag(applications, params.get("flag", "")).order_by("submitted_at", "pk")


def _outcome():
    return Subquery(
        Decision.objects.filter(application=OuterRef("pk"), superseded_by__isnull=True)
        .order_by("-recorded_at")
        .values("outcome")[:1]
    )


def _pounds(pence):
    return None if pence is None else pence / 100


def application_rows(user, params) -> Iterable[list]:
    outcomes = dict(Decision._meta.get_field("outcome").choices)
    fee_labels = dict(FeeStatus.choices)
    for application in _applications(user, params).annotate(outcome=_outcome()).iterator(CHUNK):
        screening: Screening | None = getattr(application, "screening", None)
        yield [
            application.reference,
            application.agency.name,
            application.agency.get_region_display(),
            application.agency.get_agency_type_display(),
            application.get_kind_display(),
            application.get_level_sought_display(),
            application.get_status_display(),
            application.submitted_at,
            application.accepted_at,
            application.decided_at,
            application.withdrawn_at,
            _pounds(application.fee_pence),
            fee_labels[screening.fee_status] if screening else "Not recorded",
            outcomes.get(application.outcome, ""),
        ]


def _visible_review_ids(user, applications: QuerySet[Application]) -> set[int] | None:
    """None: every review may be shown. Otherwise the reviews the person may
    see on the applications where they are an assigned moderator are added
    to the reviews of every other application."""
    assigned = Application.objects.filter(
        pk__in=Assignment.objects.filter(
            moderator__user=user, removed_at__isnull=True, application__in=applications
        ).values("application")
    )
    if not assigned.exists():
        return None
    hidden: set[int] = set()
    for application in assigned:
        everything = set(
            application.assignments.filter(
                removed_at__isnull=True, review__isnull=False
            ).values_list("review", flat=True)
        )
        allowed = set(reviews_visible_to(user, application).values_list("pk", flat=True))
        hidden |= everything - allowed
    return hidden


def review_rows(user, params) -> Iterable[list]:
    applications = _applications(user, params)
    hidden = _visible_review_ids(user, applications) or set()
    ratings = (
        DescriptorRating.objects.filter(
            review__assignment__application__in=applications,
            review__assignment__removed_at__isnull=True,
        )
        .exclude(review__in=hidden)
        .select_related(
            "descriptor",
            "review__assignment__moderator__user",
            "review__assignment__application__agency",
        )
        .order_by(
            "review__assignment__application__submitted_at", "review_id", "descriptor__number"
        )
    )
    for rating in ratings.iterator(CHUNK):
        review = rating.review
        assignment = review.assignment
        moderator = assignment.moderator.user
        yield [
            assignment.application.reference,
            assignment.application.agency.name,
            moderator.get_full_name() or moderator.email,
            assignment.get_role_display(),
            review.submitted_at,
            review.get_recommendation_display() if review.recommendation else "",
            rating.descriptor.code,
            LEVELS[rating.rating].order if rating.rating in LEVELS else "",
            rating_label(rating.rating, unrated=""),
            rating.strengths,
            rating.areas_to_develop,
            review.summary,
        ]


def decision_rows(user, params) -> Iterable[list]:
    decisions = (
        Decision.objects.filter(application__in=_applications(user, params))
        .select_related("application__agency", "meeting", "recorded_by", "supersedes")
        .order_by("recorded_at", "pk")
    )
    for decision in decisions.iterator(CHUNK):
        yield [
            decision.application.reference,
            decision.application.agency.name,
            decision.meeting.held_on if decision.meeting else None,
            decision.get_outcome_display(),
            decision.get_suggested_outcome_display(),
            decision.departure_reason,
            decision.rationale,
            decision.recorded_by.get_full_name() or decision.recorded_by.email,
            decision.recorded_at,
            "Yes" if decision.supersedes_id else "No",
            decision.correction_reason,
        ]


def award_rows(user, params) -> Iterable[list]:
    awards = awards_for_staff(
        user,
        query=params.get("query", "").strip(),
        status=params.get("status", ""),
        published=params.get("published", ""),
    )
    awards = award_expiry_filter(awards, params.get("expiry", ""))
    for award in awards.iterator(CHUNK):
        yield [
            award.number,
            award.agency.name,
            award.application.reference,
            award.get_level_display(),
            award.awarded_on,
            award.expires_on,
            award.get_status_display(),
            "Yes" if award.is_published else "No",
        ]


def fee_rows(user, params) -> Iterable[list]:
    fee_labels = dict(FeeStatus.choices)
    for application in _applications(user, params).iterator(CHUNK):
        screening = getattr(application, "screening", None)
        yield [
            application.reference,
            application.agency.name,
            application.submitted_at,
            _pounds(application.fee_pence),
            fee_labels[screening.fee_status] if screening else "Not recorded",
            screening.fee_paid_on if screening else None,
            screening.invoice_number if screening else "",
            screening.fee_waiver_reason if screening else "",
        ]


@dataclass(frozen=True)
class Export:
    name: str
    title: str
    header: list[str]
    rows: Callable
    list_name: str  # the list whose filters it takes


EXPORTS = {
    export.name: export
    for export in [
        Export(
            "applications",
            "Applications",
            [
                "Reference",
                "Agency",
                "Region",
                "Type of agency",
                "Kind",
                "Level sought",
                "Status",
                "Submitted",
                "Accepted",
                "Decided",
                "Withdrawn",
                "Fee (£)",
                "Fee status",
                "Outcome",
            ],
            application_rows,
            "staff:application_list",
        ),
        Export(
            "reviews",
            "Reviews and ratings",
            [
                "Application",
                "Agency",
                "Moderator",
                "Role",
                "Review submitted",
                "Recommendation",
                "Descriptor",
                "Rating (0 = lowest)",
                "Rating",
                "Strengths",
                "Areas to develop",
                "Summary",
            ],
            review_rows,
            "staff:application_list",
        ),
        Export(
            "decisions",
            "Decisions",
            [
                "Application",
                "Agency",
                "Panel meeting",
                "Outcome",
                "Suggested outcome",
                "Reason for departing from the suggestion",
                "Rationale",
                "Recorded by",
                "Recorded",
                "Correction",
                "Reason for the correction",
            ],
            decision_rows,
            "staff:application_list",
        ),
        Export(
            "awards",
            "Awards",
            [
                "Certificate number",
                "Agency",
                "Application",
                "Level",
                "Awarded",
                "Expires",
                "Status",
                "On the register",
            ],
            award_rows,
            "staff:award_list",
        ),
        Export(
            "fees",
            "Fees",
            [
                "Application",
                "Agency",
                "Submitted",
                "Fee (£)",
                "Fee status",
                "Paid on",
                "Invoice number",
                "Reason for waiving",
            ],
            fee_rows,
            "staff:application_list",
        ),
    ]
}
