"""The panel's consolidated view: descriptor × moderator ratings,
disagreements and the suggested outcome (rule in moderation/consolidation.py)."""

from dataclasses import dataclass

import rules
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from applications.models.submissions import Application
from qualitymark.core.pagination import correlated_count
from qualitymark.users.roles import roles_of

from ..access import moderator_profile_of
from ..conflicts import conflict_condition
from ..consolidation import DescriptorLine, suggest_outcome
from ..models.workflow import Assignment, Decision, DescriptorRating, PanelMeeting, Review


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


def panel_applications_for(user) -> QuerySet[Application]:
    """Applications at panel: all for staff; for a chair, those they are not
    conflicted on."""
    applications = (
        Application.objects.that("panel_may_decide")
        .select_related("agency")
        .only("agency__name", "level_sought", "reference", "status", "submitted_at")
    )
    roles = roles_of(user)
    if roles.coram_staff:
        return applications
    if not roles.panel_chair:
        return applications.none()
    profile = moderator_profile_of(user)
    if profile is None:
        return applications
    return applications.exclude(conflict_condition(profile))


def recent_decisions_for(user) -> QuerySet[Decision]:
    """Current decisions, newest first, leaving out those a chair is
    conflicted on (staff see all). "Not superseded" is a NOT EXISTS: the
    planner walks the newest decisions and stops at the page (as a LEFT JOIN
    it read every decision)."""
    decisions = (
        Decision.objects.filter(~Exists(Decision.objects.filter(supersedes=OuterRef("pk"))))
        .select_related("application__agency", "recorded_by")
        .only(
            "application__agency__name",
            "application__reference",
            "outcome",
            "recorded_at",
            "recorded_by__email",
            "recorded_by__full_name",
            "supersedes_id",
        )
        .order_by("-recorded_at")
    )
    profile = None if roles_of(user).coram_staff else moderator_profile_of(user)
    if profile is None:
        return decisions
    return decisions.exclude(conflict_condition(profile, "application__"))


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
