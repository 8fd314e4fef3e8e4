"""Awards: issued from panel decisions, published by Coram staff, certified,
expired and reminded about. Every write is here.

Decisions (registered in panel.DECISION_HOOKS, so this runs inside the
decision's own transaction):

- A decision of Full or Working Towards issues an award. Any award the agency
  still holds (current or suspended) is *replaced* ("superseded") by it: a
  renewal, an upgrade from Working Towards, or a new application all leave the
  agency with exactly one live award, the latest one the panel gave.
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
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from applications.models.agencies import Agency
from applications.models.submissions import Level
from qualitymark.audit.services import record_event
from qualitymark.core.outbox import enqueue
from qualitymark.core.permissions import require_perm

from ..cache import invalidate_register
from ..models.awards import LIVE_AWARD_STATUSES, Award, AwardSequence, AwardStatus
from ..models.workflow import Decision, Recommendation
from .panel import DECISION_HOOKS

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


def _set_status(award: Award, *, status: str, reason: str, **extra) -> None:
    award.status = status
    award.status_reason = reason
    award.status_changed_at = timezone.now()
    fields = ["status", "status_reason", "status_changed_at", "updated_at"]
    for name, value in extra.items():
        setattr(award, name, value)
        fields.append(name)
    award.save(update_fields=fields)


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


_KIND_WORDS = {"renewal": "a renewal", "upgrade": "an upgrade", "new": "a new application"}


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
    """Create the award for an award decision, replacing the agency's live award."""
    level = _level_for(decision.outcome)
    if level is None:
        raise ValidationError("Only a decision of Full or Working Towards makes an award.")
    application = decision.application
    agency = application.agency
    awarded_on = awarded_on or timezone.localdate(decision.recorded_at)
    expires_on = expires_on or award_validity_end(awarded_on)
    number = next_certificate_number(awarded_on.year)

    # What staff decided about an award that a correction replaces carries over.
    carried = {"status": AwardStatus.CURRENT, "status_reason": ""}
    if replacing is not None and replacing.is_live:
        carried.update(
            is_published=replacing.is_published,
            published_at=replacing.published_at,
            first_published_at=replacing.first_published_at,
        )
        if replacing.status == AwardStatus.SUSPENDED:
            carried.update(status=AwardStatus.SUSPENDED, status_reason=replacing.status_reason)

    live = list(
        Award.objects.select_for_update().filter(agency=agency, status__in=LIVE_AWARD_STATUSES)
    )
    default_reason = (
        f"Replaced by certificate {number} after {_KIND_WORDS.get(application.kind, 'a new')} "
        f"application ({application.reference})."
    )
    previous_status = {old.pk: old.status for old in live}
    for old in live:
        is_replaced_by_correction = replacing is not None and old.pk == replacing.pk
        _set_status(
            old,
            status=AwardStatus.SUPERSEDED,
            reason=reason if is_replaced_by_correction and reason else default_reason,
        )
    award = Award.objects.create(
        agency=agency,
        application=application,
        decision=decision,
        level=level,
        number=number,
        awarded_on=awarded_on,
        expires_on=expires_on,
        status_changed_at=timezone.now(),
        **carried,
    )
    for old in live:
        old.superseded_by = award
        old.save(update_fields=["superseded_by", "updated_at"])
        record_event(
            actor=actor,
            action="award.superseded",
            target=old,
            changes={
                "status": [previous_status[old.pk], AwardStatus.SUPERSEDED],
                "superseded_by": award.number,
                "reason": old.status_reason,
            },
        )
    record_event(
        actor=actor,
        action="award.created",
        target=award,
        changes={
            "number": award.number,
            "level": level,
            "application": application.reference,
            "decision": decision.pk,
            "awarded_on": awarded_on.isoformat(),
            "expires_on": expires_on.isoformat(),
            "replaces": [old.number for old in live],
        },
    )
    _schedule_certificate(award, reason="First issue")
    invalidate_register()
    return award


def on_decision(decision: Decision) -> Award | None:
    """DECISION_HOOKS entry: keep awards in step with the current decision."""
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
    if not old.is_live:
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
        _withdraw(old, actor=actor, reason=reason)
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


if on_decision not in DECISION_HOOKS:
    DECISION_HOOKS.append(on_decision)


@receiver(post_save, sender=Agency, dispatch_uid="moderation.awards.agency_saved")
def _agency_saved(sender, instance, **kwargs):
    """The register shows agencies' names, types and regions: a change to an
    agency makes cached public pages stale too."""
    invalidate_register()


# --- Coram staff actions ------------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason"})
    return reason


def _locked(award: Award) -> Award:
    return Award.objects.select_for_update().select_related("agency").get(pk=award.pk)


def _staff_change(actor, award: Award, reason: str) -> tuple[Award, str]:
    """The checks every staff action on an award starts with: the actor is
    Coram staff and gave a reason. Returns the award, locked, and the reason."""
    require_perm(actor, "moderation.manage_awards", message="Only Coram staff can change awards.")
    reason = _reason(reason)
    return _locked(award), reason


def _change_status(
    award: Award, *, actor, action: str, status: str, reason: str, status_reason: str = ""
) -> Award:
    """Give the award a new status with a reason, record ``action`` in the audit
    trail and clear the register's cache. ``status_reason``, if given, is what
    the award itself shows instead of ``reason``."""
    previous = award.status
    _set_status(award, status=status, reason=status_reason or reason)
    record_event(
        actor=actor,
        action=action,
        target=award,
        changes={"status": [previous, status], "reason": reason},
    )
    invalidate_register()
    return award


@transaction.atomic
def publish_award(*, actor, award: Award, reason: str = "") -> Award:
    require_perm(actor, "moderation.manage_awards", message="Only Coram staff can change awards.")
    award = _locked(award)
    if award.is_published:
        raise ValidationError("This award is already on the register.")
    if award.effective_status() != AwardStatus.CURRENT:
        raise ValidationError("Only a current award can be published to the register.")
    now = timezone.now()
    award.is_published = True
    award.published_at = now
    award.first_published_at = award.first_published_at or now
    award.save(update_fields=["is_published", "published_at", "first_published_at", "updated_at"])
    record_event(
        actor=actor,
        action="award.published",
        target=award,
        changes={"is_published": [False, True], **({"reason": reason.strip()} if reason else {})},
    )
    invalidate_register()
    return award


@transaction.atomic
def unpublish_award(*, actor, award: Award, reason: str) -> Award:
    award, reason = _staff_change(actor, award, reason)
    if not award.is_published:
        raise ValidationError("This award is not on the register.")
    award.is_published = False
    award.save(update_fields=["is_published", "updated_at"])
    record_event(
        actor=actor,
        action="award.unpublished",
        target=award,
        changes={"is_published": [True, False], "reason": reason},
    )
    invalidate_register()
    return award


@transaction.atomic
def suspend_award(*, actor, award: Award, reason: str) -> Award:
    award, reason = _staff_change(actor, award, reason)
    if award.effective_status() != AwardStatus.CURRENT:
        raise ValidationError("Only a current award can be suspended.")
    return _change_status(
        award, actor=actor, action="award.suspended", status=AwardStatus.SUSPENDED, reason=reason
    )


@transaction.atomic
def reinstate_award(*, actor, award: Award, reason: str) -> Award:
    award, reason = _staff_change(actor, award, reason)
    if award.effective_status() != AwardStatus.SUSPENDED:
        raise ValidationError("Only a suspended award that has not expired can be reinstated.")
    return _change_status(
        award,
        actor=actor,
        action="award.reinstated",
        status=AwardStatus.CURRENT,
        reason=reason,
        status_reason=f"Reinstated: {reason}",
    )


def _withdraw(award: Award, *, actor, reason: str) -> Award:
    return _change_status(
        award, actor=actor, action="award.withdrawn", status=AwardStatus.WITHDRAWN, reason=reason
    )


@transaction.atomic
def withdraw_award(*, actor, award: Award, reason: str) -> Award:
    """Withdraw for good (it stays on the register, marked withdrawn)."""
    award, reason = _staff_change(actor, award, reason)
    if not award.is_live:
        raise ValidationError("Only a current or suspended award can be withdrawn.")
    return _withdraw(award, actor=actor, reason=reason)


# --- Certificates -----------------------------------------------------------------------------
