"""E-mails about action plans: reminders to the agency before the mid-point,
word to Coram staff that a progress report has arrived, and word to the
agency that it was acknowledged."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse

from applications.models.submissions import Level
from applications.selectors.agencies import active_leads_of, active_memberships_of
from qualitymark.notifications.services import notify

from ..award_states import VALID_AWARD_STATUSES
from ..models.action_plans import ActionPlan, PlanState, midpoint_of
from ..models.awards import Award

# How many days before the mid-point the agency is reminded, most urgent last.
REMINDER_DAYS = (28, 7)


def plan_url(award: Award) -> str:
    return settings.SITE_URL + reverse("agency:action_plan", args=[award.agency.slug, award.pk])


def _recipients(award: Award) -> list[str]:
    leads = [membership.user.email for membership in active_leads_of(award.agency)]
    return leads or [membership.user.email for membership in active_memberships_of(award.agency)]


def reminder_stage(midpoint: date, today: date) -> int | None:
    """The most urgent reminder due today (days before the mid-point), if any."""
    if midpoint < today:
        return None
    due = [days for days in REMINDER_DAYS if midpoint - timedelta(days=days) <= today]
    return min(due) if due else None


def send_action_plan_reminders(today: date) -> int:
    """Remind the agency of each current Working Towards award whose progress
    report is not in yet. Each reminder goes once (its dedupe key names the
    award, the stage and the mid-point), however often this runs."""
    reported = ActionPlan.objects.exclude(state=PlanState.WRITING).values("award_id")
    awards = (
        Award.objects.filter(status__in=VALID_AWARD_STATUSES, level=Level.WORKING_TOWARDS)
        .exclude(pk__in=reported)
        .select_related("agency")
    )
    sent = 0
    for award in awards:
        midpoint = midpoint_of(award)
        days = reminder_stage(midpoint, today)
        if days is None:
            continue
        queued = notify(
            template="action_plan_reminder",
            to=_recipients(award),
            context={"award": award, "midpoint": midpoint, "plan_url": plan_url(award)},
            dedupe_key=f"action-plan-{award.pk}-{days}d-{midpoint.isoformat()}",
        )
        sent += queued is not None
    return sent


def tell_agency_acknowledged(plan: ActionPlan) -> None:
    award = plan.award
    notify(
        template="action_plan_acknowledged",
        to=_recipients(award),
        context={"award": award, "plan": plan, "plan_url": plan_url(award)},
        dedupe_key=f"action-plan-acknowledged-{plan.pk}-{plan.acknowledged_at.isoformat()}",
    )


def tell_staff_progress_reported(plan: ActionPlan) -> None:
    award = plan.award
    notify(
        template="action_plan_reported_staff",
        to=[settings.CORAM_STAFF_INBOX],
        context={
            "award": award,
            "plan": plan,
            "plan_url": settings.SITE_URL + reverse("staff:action_plan", args=[award.pk]),
        },
        dedupe_key=f"action-plan-reported-{plan.pk}-{plan.reported_at.isoformat()}",
    )
