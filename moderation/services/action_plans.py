"""Every write about an action plan: actions added and updated by the agency
lead, the mid-point progress report, its acknowledgement, and the reminders
before the mid-point."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qualitymark.audit.services import record_event
from qualitymark.core.permissions import require_perm

from ..models.action_plans import ActionPlan, ActionProgress, PlannedAction, PlanState
from ..models.awards import Award
from ..models.workflow import DescriptorFeedback

__all__ = ["acknowledge_progress", "add_action", "report_progress", "update_action"]

PAST_TARGET = "The target date must be today or in the future"


def _plan_for_edit(actor, award: Award, step: str) -> ActionPlan:
    require_perm(
        actor,
        "moderation.edit_action_plan",
        award,
        message="Only an agency lead can change the action plan of a current Working Towards "
        "award.",
    )
    plan, _ = ActionPlan.objects.select_for_update().get_or_create(award=award)
    if not plan.allows(step):
        raise PermissionDenied(
            "Your progress report is waiting to be acknowledged: the plan can be changed again "
            "once it has been."
        )
    return plan


def _check_action(award: Award, *, area: DescriptorFeedback, target_on: date, was=None) -> None:
    if area.decision_id != award.decision_id:
        raise ValidationError({"area": "Choose one of the panel's areas to develop"})
    if target_on < timezone.localdate() and target_on != was:
        raise ValidationError({"target_on": PAST_TARGET})


@transaction.atomic
def add_action(
    *,
    actor,
    award: Award,
    area: DescriptorFeedback,
    description: str,
    owner: str,
    target_on,
    progress: str = ActionProgress.NOT_STARTED,
    progress_note: str = "",
) -> PlannedAction:
    plan = _plan_for_edit(actor, award, "edit_actions")
    _check_action(award, area=area, target_on=target_on)
    action = PlannedAction.objects.create(
        plan=plan,
        area=area,
        description=description,
        owner=owner,
        target_on=target_on,
        progress=progress,
        progress_note=progress_note,
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="action_plan.action_added",
        target=award,
        changes={"action": action.pk, "area": area.pk, "target_on": target_on.isoformat()},
    )
    return action


ACTION_FIELDS = ("area", "description", "owner", "target_on", "progress", "progress_note")


@transaction.atomic
def update_action(*, actor, action: PlannedAction, **values) -> PlannedAction:
    """Change an action or record its progress. A target date already past may
    stay as it was; a new one must not be in the past."""
    award = action.plan.award
    _plan_for_edit(actor, award, "edit_actions")
    action = PlannedAction.objects.select_for_update().get(pk=action.pk)
    _check_action(award, area=values["area"], target_on=values["target_on"], was=action.target_on)
    changes = {}
    for name in ACTION_FIELDS:
        before, after = getattr(action, name), values[name]
        if before != after:
            changes[name] = [_plain(before), _plain(after)]
            setattr(action, name, after)
    if changes:
        action.save()
        record_event(
            actor=actor,
            action="action_plan.action_updated",
            target=award,
            changes={"action": action.pk, **changes},
        )
    return action


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value.pk if hasattr(value, "pk") else value


@transaction.atomic
def report_progress(*, actor, award: Award, summary: str) -> ActionPlan:
    plan = _plan_for_edit(actor, award, "report_progress")
    if not plan.actions.exists():
        raise ValidationError(
            {"summary": "Add at least one action to your plan before you report progress"}
        )
    plan.state = PlanState.REPORTED
    plan.progress_summary = summary
    plan.reported_at = timezone.now()
    plan.reported_by = actor
    plan.save()
    record_event(
        actor=actor,
        action="action_plan.progress_reported",
        target=award,
        changes={"state": [PlanState.WRITING, PlanState.REPORTED]},
    )
    from .action_plan_reminders import tell_staff_progress_reported

    tell_staff_progress_reported(plan)
    return plan


@transaction.atomic
def acknowledge_progress(*, actor, award: Award, comment: str) -> ActionPlan:
    require_perm(
        actor,
        "moderation.acknowledge_action_plan",
        award,
        message="Only Coram staff or a moderator of this award can acknowledge its progress.",
    )
    plan = ActionPlan.objects.select_for_update().filter(award=award).first()
    if plan is None or not plan.allows("acknowledge"):
        raise PermissionDenied("There is no progress report waiting to be acknowledged.")
    plan.state = PlanState.ACKNOWLEDGED
    plan.acknowledgement = comment
    plan.acknowledged_at = timezone.now()
    plan.acknowledged_by = actor
    plan.save()
    record_event(
        actor=actor,
        action="action_plan.progress_acknowledged",
        target=award,
        changes={"state": [PlanState.REPORTED, PlanState.ACKNOWLEDGED]},
    )
    from .action_plan_reminders import tell_agency_acknowledged

    tell_agency_acknowledged(plan)
    return plan
