"""Awards reaching their expiry date, and the reminders their agencies get before it."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import transaction

from applications.selectors.agencies import active_leads_of, active_memberships_of
from qualitymark.audit.services import record_event
from qualitymark.notifications.services import notify

from ..cache import invalidate_register
from ..models.awards import LIVE_AWARD_STATUSES, Award, AwardStatus
from .awards import _set_status, add_months

logger = logging.getLogger(__name__)

# How long before expiry the agency's leads are reminded, most urgent last.
REMINDER_MONTHS = (6, 3, 1)


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
                + reverse("agency:application_start", args=[award.agency.slug])
                + "?kind=renewal",
                "award_url": settings.SITE_URL
                + reverse("agency:award", args=[award.agency.slug, award.pk]),
            },
            dedupe_key=f"award-expiry-{award.pk}-{months}m-{award.expires_on.isoformat()}",
        )
        sent += queued is not None
    return sent
