"""The chair's panel list: the applications at panel and the recent decisions,
read as values into flat rows (making model objects of them, and following
their relations in the template, took most of the page's time)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, QuerySet

from applications.models.submissions import Application, Level
from qualitymark.core.rows import TemplateRow
from qualitymark.users.roles import roles_of

from ..access import moderator_profile_of
from ..conflicts import conflict_condition
from ..models.choices import Recommendation
from ..models.workflow import Decision, PanelMeeting

AT_PANEL_COLUMNS = ("pk", "reference", "agency__name", "level_sought")
DECISION_COLUMNS = (
    "application_id",
    "application__reference",
    "application__agency__name",
    "outcome",
    "supersedes_id",
    "recorded_at",
    "recorded_by__full_name",
    "recorded_by__email",
)


@dataclass(frozen=True)
class AtPanelRow(TemplateRow):
    application_id: int
    reference: str
    agency: str
    level_sought: str
    meetings: list[date]  # the meetings it is on the agenda of, latest first


@dataclass(frozen=True)
class DecisionRow(TemplateRow):
    application_id: int
    reference: str
    agency: str
    outcome: Recommendation
    corrected: bool
    recorded_at: datetime
    recorded_by: str


def panel_applications_for(user) -> QuerySet[Application]:
    """Applications at panel as AT_PANEL_COLUMNS values, first submitted
    first: all for staff; for a chair, those they are not conflicted on."""
    applications = Application.objects.that("panel_may_decide").order_by("submitted_at", "pk")
    roles = roles_of(user)
    if not roles.coram_staff:
        if not roles.panel_chair:
            applications = applications.none()
        elif (profile := moderator_profile_of(user)) is not None:
            applications = applications.exclude(conflict_condition(profile))
    return applications.values(*AT_PANEL_COLUMNS)


def at_panel_rows(page) -> list[AtPanelRow]:
    """A page of panel_applications_for, with each one's meetings (one query)."""
    page = list(page)
    held: dict[int, list[date]] = {}
    if page:
        agenda = (
            PanelMeeting.agenda.through.objects.filter(
                application_id__in=[values["pk"] for values in page]
            )
            .order_by("-panelmeeting__held_on", "-panelmeeting_id")
            .values_list("application_id", "panelmeeting__held_on")
        )
        for application_id, held_on in agenda:
            held.setdefault(application_id, []).append(held_on)
    return [
        AtPanelRow(
            application_id=values["pk"],
            reference=values["reference"],
            agency=values["agency__name"],
            level_sought=Level(values["level_sought"]).label,
            meetings=held.get(values["pk"], []),
        )
        for values in page
    ]


def recent_decisions_for(user, count: int) -> list[DecisionRow]:
    """The newest `count` current decisions, leaving out those a chair is
    conflicted on (staff see all). "Not superseded" is a NOT EXISTS: the
    planner walks the newest decisions and stops at the page (as a LEFT JOIN
    it read every decision)."""
    decisions = Decision.objects.filter(
        ~Exists(Decision.objects.filter(supersedes=OuterRef("pk")))
    ).order_by("-recorded_at")
    profile = None if roles_of(user).coram_staff else moderator_profile_of(user)
    if profile is not None:
        decisions = decisions.exclude(conflict_condition(profile, "application__"))
    return [
        DecisionRow(
            application_id=values["application_id"],
            reference=values["application__reference"],
            agency=values["application__agency__name"],
            outcome=Recommendation(values["outcome"]),
            corrected=values["supersedes_id"] is not None,
            recorded_at=values["recorded_at"],
            recorded_by=values["recorded_by__full_name"] or values["recorded_by__email"],
        )
        for values in decisions.values(*DECISION_COLUMNS)[:count]
    ]
