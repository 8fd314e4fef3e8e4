"""Awards reaching their expiry date, and the reminders their agencies get before it."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import transaction

from qualitymark.notifications.services import notify

from ..award_states import EXPIRING_AWARD_STATUSES, LIVE_AWARD_STATUSES
from ..models.awards import Award
from .award_transitions import agency_recipients, transition_award
from .awards import add_months

logger = logging.getLogger(__name__)

# How long before expiry the agency's leads are reminded, most urgent last.
REMINDER_MONTHS = (6, 3, 1)


def expire_awards(today: date) -> int:
    """Mark live awards whose last valid day has passed as expired. Idempotent."""
    expired = 0
    due = Award.objects.filter(status__in=EXPIRING_AWARD_STATUSES, expires_on__lt=today)
    for award_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            award = Award.objects.select_for_update().get(pk=award_id)
            if not (award.status in EXPIRING_AWARD_STATUSES and award.expires_on < today):
                continue
            transition_award(
                award,
                "expire",
                actor=None,
                reason=f"Reached the end of its validity on {award.expires_on:%-d %B %Y}.",
            )
            expired += 1
    return expired


def reminder_stage(award: Award, today: date) -> int | None:
    """The most urgent reminder due for this award today (months before expiry), if any."""
    if award.expires_on < today:
        return None
    due = [months for months in REMINDER_MONTHS if add_months(award.expires_on, -months) <= today]
    return min(due) if due else None


def _when(award: Award, months: int, today: date) -> str:
    """When the award expires, as the reminder's subject says it: "in 3 months" when the
    reminder goes on its day, the date when it goes later (an outside audit had "in one
    month" sent on the last valid day)."""
    if award.expires_on == today:
        return "today"
    if add_months(award.expires_on, -months) == today:
        return "in one month" if months == 1 else f"in {months} months"
    return f"on {award.expires_on:%-d %B %Y}"


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
            to=agency_recipients(award),
            context={
                "award": award,
                "when": _when(award, months, today),
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
