"""Reads for screening, queues and reviews, scoped to the person asking.

Independence: a moderator sees another moderator's review of the same
application only after submitting their own. Every page, export and file
that shows reviews gets them from `reviews_visible_to`."""

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import (
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone

from applications.models.evidence import EvidenceFile
from applications.models.submissions import Application
from qualitymark.core.pagination import correlated_count
from qualitymark.users.roles import roles_of

from ..access import active_assignment_for, is_conflicted_on
from ..models.workflow import Assignment, DescriptorRating, InformationRequest, Review
from ..review_progress import ReviewProgress, review_clock_is_paused, review_is_overdue

# --- Coram staff ---------------------------------------------------------------------------


def screening_queue() -> QuerySet[Application]:
    """Submitted applications waiting for screening, oldest first."""
    return (
        Application.objects.that("staff_may_screen")
        .select_related("agency", "screening")
        .annotate(assignment_count=_assignment_count())
        .order_by("submitted_at", "pk")
    )


def _assignment_count(**conditions):
    active = Assignment.objects.filter(
        application=OuterRef("pk"), removed_at__isnull=True, **conditions
    )
    return correlated_count(active, by="application")


def applications_for_staff(*, status: str = "") -> QuerySet[Application]:
    applications = (
        Application.objects.that("shows_to_staff")
        .select_related("agency", "screening")
        .annotate(
            assignment_count=_assignment_count(),
            submitted_review_count=_assignment_count(review__submitted_at__isnull=False),
        )
        .order_by("-submitted_at")
    )
    if status:
        applications = applications.filter(status=status)
    return applications


def staff_application(user, pk: int) -> Application:
    if not roles_of(user).coram_staff:
        raise Http404
    try:
        return (
            Application.objects.that("shows_to_staff")
            .select_related("agency", "framework")
            .get(pk=pk)
        )
    except Application.DoesNotExist:
        raise Http404 from None


def active_assignments(application: Application) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(application=application, removed_at__isnull=True)
        .select_related("moderator__user", "review", "application")
        .order_by("role", "assigned_at")
    )


# --- Moderators ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    assignment: Assignment
    status: ReviewProgress
    conflicted: bool = False

    @property
    def is_paused(self) -> bool:
        return review_clock_is_paused(self.status, self.assignment.application.status)

    @property
    def is_overdue(self) -> bool:
        return review_is_overdue(
            self.status,
            paused=self.is_paused,
            conflicted=self.conflicted,
            due_on=self.assignment.due_on,
            today=timezone.localdate(),
        )

    @property
    def status_label(self) -> str:
        return self.status.label


def assignment_for_reviewer(user, application_pk: int) -> Assignment:
    """The person's active assignment on this application, or 404. A
    conflicted moderator gets 404: the application is not there for them."""
    application = (
        Application.objects.that("shows_in_queues")
        .filter(pk=application_pk)
        .select_related("agency", "framework")
        .first()
    )
    if application is None:
        raise Http404
    assignment = active_assignment_for(user, application)
    if assignment is None or is_conflicted_on(user, application):
        raise Http404
    assignment.application = application
    return assignment


def reviews_visible_to(user, application: Application) -> QuerySet[Review]:
    """The reviews of this application this person may read.

    - Anyone assigned to the application (whatever else they are: Coram
      staff, panel chair): only their own review until they have submitted it.
    - Coram staff: every review, submitted or not.
    - An assigned moderator who has submitted: their own and the others'
      submitted reviews.
    - A panel chair who is not conflicted: every submitted review once the
      application is at panel or decided.
    - Anyone else: none."""
    reviews = Review.objects.filter(
        assignment__application=application, assignment__removed_at__isnull=True
    ).select_related("assignment__moderator__user")
    roles = roles_of(user)
    assignment = active_assignment_for(user, application)
    own = reviews.filter(assignment=assignment) if assignment is not None else reviews.none()
    own_submitted = assignment is not None and own.filter(submitted_at__isnull=False).exists()
    if assignment is not None and not own_submitted:
        # Independence binds every role that is also a moderator here.
        return reviews.none() if is_conflicted_on(user, application) else own
    if roles.coram_staff:
        return reviews
    if is_conflicted_on(user, application):
        return reviews.none()
    if assignment is not None:
        return reviews.filter(Q(assignment=assignment) | Q(submitted_at__isnull=False))
    if roles.panel_chair and application.state.panel_may_read:
        return reviews.filter(submitted_at__isnull=False)
    return reviews.none()


def reviews_with_ratings(reviews: QuerySet[Review]) -> list[Review]:
    return list(
        reviews.prefetch_related(
            Prefetch(
                "ratings",
                queryset=DescriptorRating.objects.select_related("descriptor").order_by(
                    "descriptor__number"
                ),
            )
        ).order_by("assignment__role", "assignment__assigned_at")
    )


def evidence_for_reviewer(user, application_pk: int, file_pk: int) -> EvidenceFile:
    assignment = assignment_for_reviewer(user, application_pk)
    if not assignment.has_declared or assignment.declared_conflict:
        raise Http404
    evidence = EvidenceFile.objects.filter(
        pk=file_pk, application=assignment.application, removed_at__isnull=True
    ).first()
    if evidence is None or not evidence.is_servable:
        raise Http404
    return evidence


def information_requests_of(application: Application) -> QuerySet[InformationRequest]:
    return application.information_requests.select_related(
        "asked_by", "responded_by"
    ).prefetch_related("questions__descriptor")


class ExchangeItem(NamedTuple):
    """An information request and the files the agency sent with its answer."""

    request: InformationRequest
    files: list[EvidenceFile]


def information_exchange(application: Application, *, answered_only: bool = False):
    """Every information request on the application, newest first, with its
    questions and the files sent with the answer (evidence under the request's
    key), in three queries."""
    requests = list(information_requests_of(application))
    if answered_only:
        requests = [item for item in requests if item.status == InformationRequest.Status.ANSWERED]
    files: dict[str, list[EvidenceFile]] = {}
    if requests:
        for evidence in EvidenceFile.objects.current().filter(
            application=application,
            section_key__in=[item.evidence_section_key for item in requests],
        ):
            files.setdefault(evidence.section_key, []).append(evidence)
    return [ExchangeItem(item, files.get(item.evidence_section_key, [])) for item in requests]


def response_files(information_request: InformationRequest) -> list[EvidenceFile]:
    return list(
        EvidenceFile.objects.current()
        .filter(
            application_id=information_request.application_id,
            section_key=information_request.evidence_section_key,
        )
        .order_by("uploaded_at", "pk")
    )


def open_information_request(application: Application) -> InformationRequest | None:
    return application.information_requests.filter(status=InformationRequest.Status.OPEN).first()
