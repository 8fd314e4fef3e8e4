"""Reads of action plans, for the agency and for those who acknowledge them,
and the facts the applicant side asks about awards (applications.award_facts)."""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.http import Http404

from applications.award_facts import HeldAward, PlannedActionFact, PreviousOutcome

from ..models.action_plans import PLAN_STATES, ActionPlan, PlannedAction, PlanState, midpoint_of
from ..models.awards import LIVE_AWARD_STATUSES, Award, AwardStatus
from ..models.workflow import Decision, DescriptorFeedback

__all__ = [
    "PlanArea",
    "PlanPage",
    "award_for_acknowledger",
    "plan_award_for",
    "latest_award",
    "plan_page",
    "previous_outcome",
    "working_towards_award",
]


@dataclass
class PlanArea:
    feedback: DescriptorFeedback
    actions: list[PlannedAction]


@dataclass
class PlanPage:
    award: Award
    plan: ActionPlan | None
    areas: list[PlanArea]

    @property
    def midpoint(self):
        return midpoint_of(self.award)

    def allows(self, step: str) -> bool:
        state = self.plan.state if self.plan else PlanState.WRITING
        return PLAN_STATES[PlanState(state)][step]

    @property
    def actions(self) -> list[PlannedAction]:
        return [action for area in self.areas for action in area.actions]


def working_towards_award(award: Award, user, perm: str) -> Award:
    """The award, when it is Working Towards and the rule holds for the person; else 404."""
    if not award.is_working_towards or not rules.has_perm(perm, user, award):
        raise Http404
    return award


def award_for_acknowledger(user, pk: int) -> Award:
    award = Award.objects.select_related("agency", "application", "decision").filter(pk=pk).first()
    if award is None:
        raise Http404
    return working_towards_award(award, user, "moderation.acknowledge_action_plan")


def plan_award_for(user, application) -> Award | None:
    """The Working Towards award made on `application`, when this person may
    acknowledge its action plan (a moderator who reviewed it, or Coram staff)."""
    award = Award.objects.filter(application=application).order_by("-pk").first()
    if award is None or not award.is_working_towards:
        return None
    return award if rules.has_perm("moderation.acknowledge_action_plan", user, award) else None


def plan_page(award: Award) -> PlanPage:
    """The plan beside the panel's areas to develop, in three queries."""
    plan = ActionPlan.objects.filter(award=award).select_related("reported_by").first()
    areas = list(
        DescriptorFeedback.objects.filter(decision_id=award.decision_id)
        .exclude(areas_to_develop="")
        .select_related("descriptor")
        .order_by("descriptor__number")
    )
    actions = (
        list(plan.actions.select_related("area__descriptor").order_by("target_on", "id"))
        if plan
        else []
    )
    return PlanPage(
        award=award,
        plan=plan,
        areas=[
            PlanArea(area, [action for action in actions if action.area_id == area.pk])
            for area in areas
        ],
    )


# --- What the applicant side asks ------------------------------------------------------------


def latest_award(agency) -> HeldAward | None:
    awards = Award.objects.filter(agency=agency).exclude(status=AwardStatus.SUPERSEDED)
    award = awards.filter(status__in=LIVE_AWARD_STATUSES).first() or awards.first()
    if award is None:
        return None
    return HeldAward(
        pk=award.pk,
        number=award.number,
        level=award.level,
        level_label=award.get_level_display(),
        application_id=award.application_id,
        expires_on=award.expires_on,
        is_live=award.is_live,
        is_suspended=award.status == AwardStatus.SUSPENDED,
        is_withdrawn=award.status == AwardStatus.WITHDRAWN,
    )


def previous_outcome(application_id: int | None) -> PreviousOutcome | None:
    if application_id is None:
        return None
    decision = (
        Decision.objects.filter(application_id=application_id, superseded_by__isnull=True)
        .select_related("application")
        .order_by("-recorded_at")
        .first()
    )
    if decision is None:
        return None
    feedback = decision.feedback.select_related("descriptor").order_by("descriptor__number")
    award = Award.objects.filter(decision=decision).first()
    page = plan_page(award) if award is not None and award.is_working_towards else None
    plan = page.plan if page else None
    return PreviousOutcome(
        reference=decision.application.reference or "",
        outcome_label=decision.get_outcome_display(),
        feedback=decision.rationale,
        areas_to_develop=[
            (f"{item.descriptor.code} {item.descriptor.title}", item.areas_to_develop)
            for item in feedback
            if item.areas_to_develop
        ],
        actions=[_action_fact(action) for action in page.actions] if page else [],
        plan_state_label=plan.get_state_display() if plan else "",
        progress_summary=plan.progress_summary if plan else "",
        acknowledgement=plan.acknowledgement if plan else "",
    )


def _action_fact(action: PlannedAction) -> PlannedActionFact:
    return PlannedActionFact(
        area=action.area.descriptor.code,
        description=action.description,
        owner=action.owner,
        target_on=action.target_on,
        progress_label=action.get_progress_display(),
        progress_note=action.progress_note,
    )
