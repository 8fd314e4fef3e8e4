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
import hashlib
import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from applications.models.agencies import Agency
from applications.models.submissions import Level
from applications.selectors.agencies import active_leads_of, active_memberships_of
from qualitymark.audit.services import record_event
from qualitymark.core.outbox import enqueue
from qualitymark.core.permissions import require_perm
from qualitymark.files.storage import private_storage
from qualitymark.notifications.services import notify

from ..cache import invalidate_register
from ..models.awards import LIVE_AWARD_STATUSES, Award, AwardSequence, AwardStatus, Certificate
from ..models.workflow import Decision, Recommendation
from .panel import DECISION_HOOKS

logger = logging.getLogger(__name__)

# How long before expiry the agency's leads are reminded, most urgent last.
REMINDER_MONTHS = (6, 3, 1)

__all__ = [
    "add_months",
    "award_validity_end",
    "expire_awards",
    "generate_certificate",
    "issue_award",
    "on_decision",
    "publish_award",
    "regenerate_certificate",
    "reinstate_award",
    "send_expiry_reminders",
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


def certificate_key(award: Award, version: int) -> str:
    return f"certificates/{award.number}/v{version}.pdf"


def _store_at(key: str, content: bytes) -> None:
    """Write ``content`` at exactly ``key`` (a leftover from an attempt that
    rolled back is replaced: no certificate row names it)."""
    storage = private_storage()
    if storage.exists(key):
        storage.delete(key)
    saved = storage.save(key, ContentFile(content))
    if saved != key:
        storage.delete(saved)
        raise RuntimeError(f"Certificate storage wrote {saved!r} instead of {key!r}")


@transaction.atomic
def generate_certificate(
    *, award_id: int, replaces_version: int = 0, reason: str = "", actor=None
) -> Certificate:
    """Make the award's certificate, idempotently.

    ``replaces_version`` is the version current when the certificate was asked
    for (0: none yet). If a different version is current by now, the request
    has already been carried out (a duplicate delivery, or a concurrent run
    that got the lock first) and the current certificate is returned. The
    award row is locked throughout and the database allows one current
    certificate per award, so concurrent runs leave exactly one.
    """
    from ..certificates import render_certificate_pdf

    award = Award.objects.select_for_update().get(pk=award_id)
    current = Certificate.objects.filter(award=award, is_current=True).first()
    if current is not None and current.version != replaces_version:
        return current
    last = award.certificates.order_by("-version").values_list("version", flat=True).first()
    version = (last or 0) + 1
    award = Award.objects.select_related("agency", "application").get(pk=award.pk)
    content = render_certificate_pdf(award)
    key = certificate_key(award, version)
    _store_at(key, content)
    if current is not None:
        Certificate.objects.filter(pk=current.pk).update(is_current=False)
    certificate = Certificate.objects.create(
        award=award,
        version=version,
        storage_key=key,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        is_current=True,
        reason=reason or ("First issue" if version == 1 else "Reissued"),
        requested_by=actor,
    )
    record_event(
        actor=actor,
        action="award.certificate_generated",
        target=award,
        changes={"version": version, "key": key, "reason": certificate.reason},
    )
    return certificate


@transaction.atomic
def regenerate_certificate(*, actor, award: Award, reason: str) -> None:
    """Ask for a new version of the certificate (made in the background)."""
    award, reason = _staff_change(actor, award, reason)
    current = award.certificates.filter(is_current=True).values_list("version", flat=True).first()
    record_event(
        actor=actor,
        action="award.certificate_requested",
        target=award,
        changes={"replaces_version": current or 0, "reason": reason},
    )
    _schedule_certificate(award, replaces_version=current or 0, reason=reason, actor=actor)


# --- Expiry and reminders -------------------------------------------------------------------


def expire_awards(today: date) -> int:
    """Mark live awards whose last valid day has passed as expired. Idempotent."""
    expired = 0
    due = Award.objects.filter(status__in=LIVE_AWARD_STATUSES, expires_on__lt=today)
    for award_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            award = Award.objects.select_for_update().get(pk=award_id)
            if not (award.is_live and award.expires_on < today):
                continue
            previous = award.status
            _set_status(
                award,
                status=AwardStatus.EXPIRED,
                reason=f"Reached the end of its validity on {award.expires_on:%-d %B %Y}.",
            )
            record_event(
                actor=None,
                action="award.expired",
                target=award,
                changes={"status": [previous, AwardStatus.EXPIRED]},
            )
            invalidate_register()
            expired += 1
    return expired


def reminder_stage(award: Award, today: date) -> int | None:
    """The most urgent reminder due for this award today (months before expiry), if any."""
    if award.expires_on < today:
        return None
    due = [months for months in REMINDER_MONTHS if add_months(award.expires_on, -months) <= today]
    return min(due) if due else None


def _reminder_recipients(award: Award) -> list[str]:
    leads = [membership.user.email for membership in active_leads_of(award.agency)]
    if leads:
        return leads
    return [membership.user.email for membership in active_memberships_of(award.agency)]


def send_expiry_reminders(today: date) -> int:
    """Remind each live award's agency leads 6, 3 and 1 month(s) before expiry.
    Each reminder goes once (its dedupe key names the award, the stage and the
    expiry date), however often this runs; a missed stage is not sent late once
    a more urgent one is due."""
    from django.urls import reverse

    horizon = add_months(today, max(REMINDER_MONTHS))
    awards = Award.objects.filter(
        status__in=LIVE_AWARD_STATUSES, expires_on__gte=today, expires_on__lte=horizon
    ).select_related("agency")
    sent = 0
    for award in awards:
        months = reminder_stage(award, today)
        if months is None:
            continue
        queued = notify(
            template="award_expiry_reminder",
            to=_reminder_recipients(award),
            context={
                "award": award,
                "months": months,
                "renew_url": settings.SITE_URL
                + reverse("agency:application_start", args=[award.agency.slug]),
                "award_url": settings.SITE_URL
                + reverse("agency:award", args=[award.agency.slug, award.pk]),
            },
            dedupe_key=f"award-expiry-{award.pk}-{months}m-{award.expires_on.isoformat()}",
        )
        sent += queued is not None
    return sent
