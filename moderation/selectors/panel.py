"""The panel's consolidated view: descriptor × moderator ratings,
disagreements and the suggested outcome (rule in moderation/consolidation.py)."""

from dataclasses import dataclass

import rules
from django.db.models import OuterRef, QuerySet
from django.http import Http404

from applications.models.submissions import Application
from qualitymark.core.pagination import correlated_count
from qualitymark.users.roles import roles_of

from ..consolidation import DescriptorLine, suggest_outcome
from ..models.workflow import Assignment, DescriptorRating, PanelMeeting, Review


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


def descriptor_lines(application: Application, descriptors=None) -> list[DescriptorLine]:
    """Each descriptor's ratings in the submitted reviews of the moderators
    still assigned, in two queries (one if the framework's `descriptors` are
    given, in order)."""
    ratings = DescriptorRating.objects.filter(
        review__submitted_at__isnull=False,
        review__assignment__application=application,
        review__assignment__removed_at__isnull=True,
    ).values_list("descriptor_id", "review__assignment_id", "rating")
    by_descriptor: dict[int, dict[int, str | None]] = {}
    for descriptor_id, assignment_id, rating in ratings:
        by_descriptor.setdefault(descriptor_id, {})[assignment_id] = rating
    if descriptors is None:
        descriptors = application.framework.descriptors.order_by("number")
    return [
        DescriptorLine(descriptor, by_descriptor.get(descriptor.pk, {}))
        for descriptor in descriptors
    ]


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
    lines = descriptor_lines(application)
    return Consolidation(application, assignments, reviews, lines)


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


def panel_meetings() -> QuerySet[PanelMeeting]:
    """Every meeting, latest first, with its members and agenda counted."""
    members = PanelMeeting.members_present.through.objects.filter(panelmeeting_id=OuterRef("pk"))
    agenda = PanelMeeting.agenda.through.objects.filter(panelmeeting_id=OuterRef("pk"))
    return (
        PanelMeeting.objects.select_related("chair__user")
        .annotate(
            member_count=correlated_count(members, by="panelmeeting_id"),
            agenda_count=correlated_count(agenda, by="panelmeeting_id"),
        )
        .order_by("-held_on", "-pk")
    )
