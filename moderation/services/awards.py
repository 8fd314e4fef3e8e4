"""Awards: issued from panel decisions, published by Coram staff, certified,
expired and reminded about. Every write is here.

Decisions (``on_decision`` is called by the panel's services, inside the
decision's own transaction):

- A decision of Full or Working Towards issues an award. If the agency still
  holds one (a renewal or an upgrade), the new award awaits publication and
  the one it holds stays current until staff publish the new one, which then
  *replaces* ("supersedes") it in the same transaction: no gap on the register
  (see moderation.award_states).
- A corrected decision with the same outcome keeps the award (same number,
  token, dates and certificate): it now points at the corrected decision.
- A corrected decision with a different level re-issues: the old award is
  superseded by a new one (new number and verification token, the same award
  and expiry dates, the same publication and suspension state) and a new
  certificate is made. The old award and its certificate stay on record, and
  its verification page says it was replaced.
- A decision corrected to Not awarded withdraws the award, with the
  correction's reason.
"""

from __future__ import annotations

import calendar
import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from applications.models.submissions import Level
from qualitymark.audit.services import record_event
from qualitymark.core.outbox import enqueue
from qualitymark.core.permissions import require_perm

from ..award_states import LIVE_AWARD_STATUSES, REPLACEABLE_AWARD_STATUSES
from ..cache import invalidate_register
from ..models.awards import Award, AwardSequence
from ..models.workflow import Decision, Recommendation
from .award_transitions import create_award, transition_award

logger = logging.getLogger(__name__)


__all__ = [
    "add_months",
    "award_validity_end",
    "issue_award",
    "on_decision",
    "publish_award",
    "reinstate_award",
    "suspend_award",
    "unpublish_award",
    "withdraw_award",
]


# --- Dates and numbers ------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def award_validity_end(awarded_on: date) -> date:
    """The last valid day: the day before the anniversary (3 years by default)."""
    years = settings.QUALITYMARK.get("AWARD_VALIDITY_YEARS", 3)
    return date.fromordinal(add_months(awarded_on, 12 * years).toordinal() - 1)


def next_certificate_number(year: int) -> str:
    try:
        with transaction.atomic():
            AwardSequence.objects.get_or_create(year=year)
    except IntegrityError:  # created by a concurrent transaction meanwhile
        pass
    AwardSequence.objects.select_for_update().get(pk=year)
    AwardSequence.objects.filter(pk=year).update(last_number=F("last_number") + 1)
    number = AwardSequence.objects.get(pk=year).last_number
    return f"EPQM-C-{year}-{number:04d}"


def _level_for(outcome: str) -> str | None:
    return {
        Recommendation.FULL: Level.FULL,
        Recommendation.WORKING_TOWARDS: Level.WORKING_TOWARDS,
    }.get(outcome)


# --- Issuing from decisions ---------------------------------------------------------------


def _schedule_certificate(
    award: Award, *, replaces_version: int = 0, reason: str = "", actor=None
) -> None:
    """Recorded in the outbox, in this transaction: it happens even if the
    broker or the worker fails (qualitymark/core/outbox.py)."""
    enqueue(
        "moderation.tasks.make_certificate",
        award_id=award.pk,
        replaces_version=replaces_version,
        reason=reason,
        actor_id=getattr(actor, "pk", None),
    )


def _carried_over(replacing: Award | None) -> dict:
    """What staff decided about an award a correction replaces carries over."""
    if replacing is None or replacing.status not in REPLACEABLE_AWARD_STATUSES:
        return {}
    return {
        "carried_status": replacing.status,
        "status_reason": replacing.status_reason if replacing.state.needs_reason else "",
        "is_published": replacing.is_published,
        "published_at": replacing.published_at,
        "first_published_at": replacing.first_published_at,
    }


@transaction.atomic
def issue_award(
    *,
    decision: Decision,
    actor=None,
    awarded_on: date | None = None,
    expires_on: date | None = None,
    replacing: Award | None = None,
    reason: str = "",
) -> Award:
    """Create the award for an award decision. A correction (``replacing``)
    replaces the corrected award at once; otherwise an agency's live award is
    replaced when the new one is published."""
    level = _level_for(decision.outcome)
    if level is None:
        raise ValidationError("Only a decision of Full or Working Towards makes an award.")
    application = decision.application
    agency = application.agency
    awarded_on = awarded_on or timezone.localdate(decision.recorded_at)
    expires_on = expires_on or award_validity_end(awarded_on)
    number = next_certificate_number(awarded_on.year)
    carried = _carried_over(replacing)
    if carried:
        transition_award(replacing, "supersede", actor=actor, reason=reason)
    holds_award = Award.objects.filter(agency=agency, status__in=LIVE_AWARD_STATUSES).exists()
    award = create_award(
        agency_holds_award=holds_award,
        agency=agency,
        application=application,
        decision=decision,
        level=level,
        number=number,
        awarded_on=awarded_on,
        expires_on=expires_on,
        **carried,
    )
    if carried:
        Award.objects.filter(pk=replacing.pk).update(superseded_by=award)
    record_event(
        actor=actor,
        action="award.created",
        target=award,
        changes={
            "number": award.number,
            "level": level,
            "status": award.status,
            "application": application.reference,
            "decision": decision.pk,
            "awarded_on": awarded_on.isoformat(),
            "expires_on": expires_on.isoformat(),
            "replaces": [replacing.number] if carried else [],
        },
    )
    _schedule_certificate(award, reason="First issue")
    invalidate_register()
    return award


def on_decision(decision: Decision) -> Award | None:
    """Keep awards in step with the current decision (called by the panel's services)."""
    previous = decision.supersedes
    old = (
        Award.objects.select_for_update().filter(decision=previous).first()
        if previous is not None
        else None
    )
    actor = decision.recorded_by
    if old is None:
        return issue_award(decision=decision, actor=actor) if decision.is_award else None

    new_level = _level_for(decision.outcome)
    why = decision.correction_reason
    if new_level == old.level:
        old.decision = decision
        old.save(update_fields=["decision", "updated_at"])
        record_event(
            actor=actor,
            action="award.decision_corrected",
            target=old,
            changes={"decision": [previous.pk, decision.pk], "reason": why},
        )
        return old
    if old.status not in REPLACEABLE_AWARD_STATUSES:
        # Already expired, withdrawn or replaced: the record stays as it was.
        record_event(
            actor=actor,
            action="award.correction_not_applied",
            target=old,
            changes={"status": old.status, "outcome": decision.outcome, "reason": why},
        )
        return None
    if new_level is None:
        reason = f"The panel corrected its decision to not awarded: {why}"
        transition_award(old, "withdraw_by_correction", actor=actor, reason=reason)
        return None
    return issue_award(
        decision=decision,
        actor=actor,
        awarded_on=old.awarded_on,
        expires_on=old.expires_on,
        replacing=old,
        reason=f"Replaced after the panel corrected its decision to "
        f"{Level(new_level).label}: {why}",
    )


# --- Coram staff actions (thin wrappers over the state table's transitions) ---------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason"})
    return reason


def _locked(award: Award) -> Award:
    return Award.objects.select_for_update().select_related("agency").get(pk=award.pk)


def _staff_change(actor, award: Award, reason: str) -> tuple[Award, str]:
    """The checks a staff action on an award's certificate starts with: the
    actor is Coram staff and gave a reason. Returns the award, locked, and the reason."""
    require_perm(actor, "moderation.manage_awards", message="Only Coram staff can change awards.")
    reason = _reason(reason)
    return _locked(award), reason


def _staff_transition(name: str, *, actor, award: Award, reason: str, **extra) -> Award:
    require_perm(actor, "moderation.manage_awards", message="Only Coram staff can change awards.")
    return transition_award(award, name, actor=actor, reason=reason, **extra)


def publish_award(*, actor, award: Award, reason: str = "") -> Award:
    """Put the award on the register, replacing the agency's earlier award."""
    return _staff_transition("publish", actor=actor, award=award, reason=reason)


def unpublish_award(*, actor, award: Award, reason: str) -> Award:
    return _staff_transition("unpublish", actor=actor, award=award, reason=reason)


def suspend_award(*, actor, award: Award, reason: str) -> Award:
    return _staff_transition("suspend", actor=actor, award=award, reason=reason)


def reinstate_award(*, actor, award: Award, reason: str) -> Award:
    reason = _reason(reason)
    return _staff_transition(
        "reinstate", actor=actor, award=award, reason=reason, status_reason=f"Reinstated: {reason}"
    )


def withdraw_award(*, actor, award: Award, reason: str) -> Award:
    """Withdraw for good (it stays on the register, marked withdrawn)."""
    return _staff_transition("withdraw", actor=actor, award=award, reason=reason)


# --- Certificates -----------------------------------------------------------------------------
