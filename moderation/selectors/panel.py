"""The panel's consolidated view: descriptor × moderator ratings,
disagreements and the suggested outcome (rule in moderation/consolidation.py)."""

from dataclasses import dataclass

import rules
from django.db.models import QuerySet
from django.http import Http404

from applications.models.submissions import Application
from qualitymark.users.roles import roles_of

from ..access import is_conflicted_on
from ..consolidation import DescriptorLine, suggest_outcome
from ..models.workflow import Assignment, DescriptorRating, Review


@dataclass
class Consolidation:
    application: Application
    assignments: list[Assignment]
    reviews: dict[int, Review]  # assignment id -> submitted review
    lines: list[DescriptorLine]

    @property
    def suggested_outcome(self) -> str:
        return suggest_outcome(self.lines, self.application.level_sought)

    @property
    def disagreements(self) -> list[DescriptorLine]:
        return [line for line in self.lines if line.disagreement]


def consolidation_for(application: Application) -> Consolidation:
    """Built from submitted reviews only, in four queries."""
    assignments = list(
        Assignment.objects.filter(application=application, removed_at__isnull=True)
        .select_related("moderator__user")
        .order_by("role", "assigned_at")
    )
    reviews = {
        review.assignment_id: review
        for review in Review.objects.filter(assignment__in=assignments, submitted_at__isnull=False)
    }
    ratings = DescriptorRating.objects.filter(review__in=reviews.values()).select_related("review")
    by_descriptor: dict[int, dict[int, int | None]] = {}
    for rating in ratings:
        by_descriptor.setdefault(rating.descriptor_id, {})[rating.review.assignment_id] = (
            rating.rating
        )
    descriptors = application.framework.descriptors.order_by("number")
    lines = [
        DescriptorLine(descriptor, by_descriptor.get(descriptor.pk, {}))
        for descriptor in descriptors
    ]
    return Consolidation(application, assignments, reviews, lines)


def panel_applications_for(user) -> QuerySet[Application]:
    """Applications at panel: all for staff; for a chair, those they are not
    conflicted on."""
    applications = Application.objects.that("panel_may_decide").select_related("agency")
    roles = roles_of(user)
    if roles.coram_staff:
        return applications
    if not roles.panel_chair:
        return applications.none()
    allowed = [a.pk for a in applications if not is_conflicted_on(user, a)]
    return applications.filter(pk__in=allowed)


def application_for_chair(user, pk: int) -> Application:
    application = (
        Application.objects.that("panel_may_read")
        .filter(pk=pk)
        .select_related("agency", "framework")
        .first()
    )
    if application is None:
        raise Http404
    if roles_of(user).coram_staff or rules.has_perm("moderation.chair_panel", user, application):
        return application
    raise Http404
