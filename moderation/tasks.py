"""Background jobs: thin wrappers that take ids or dates and call a service."""

from celery import shared_task
from django.utils import timezone

from . import reminders


@shared_task(name="moderation.tasks.refresh_staff_home")
def refresh_staff_home(today: str) -> None:
    """The staff home page's figures, worked out afresh after a write."""
    from datetime import date

    from .selectors.staff_home import work_out_staff_home

    work_out_staff_home(date.fromisoformat(today))


@shared_task
def send_moderation_reminders() -> dict:
    today = timezone.localdate()
    return {
        "reviews": reminders.send_review_reminders(today),
        "information_requests": reminders.send_information_request_reminders(today),
    }


# --- Awards (appended with awards and the register) ----------------------------------------


def make_certificate(
    award_id: int, replaces_version: int = 0, reason: str = "", actor_id: int | None = None
) -> dict:
    """Render and store an award's certificate; safe to run twice (the outbox
    handler behind services.awards._schedule_certificate)."""
    from qualitymark.users.models import User

    from .services.certificates import generate_certificate

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    certificate = generate_certificate(
        award_id=award_id, replaces_version=replaces_version, reason=reason, actor=actor
    )
    return {"award": award_id, "version": certificate.version}


def requeue_missing_certificates(*, inline: bool = False) -> int:
    """Sweep: every award without a current certificate (its job was lost or
    keeps failing) gets one; generating is idempotent, so a job still on its
    way does no harm."""
    from datetime import timedelta

    from django.conf import settings
    from django.db import transaction

    from qualitymark.core.outbox import enqueue

    from .selectors.awards import awards_without_current_certificate

    settle = timedelta(minutes=settings.OUTBOX_REDISPATCH_MINUTES)
    award_ids = list(awards_without_current_certificate(older_than=timezone.now() - settle))
    for award_id in award_ids:
        if inline:
            make_certificate(award_id, reason="First issue")
            continue
        with transaction.atomic():
            enqueue("moderation.tasks.make_certificate", award_id=award_id, reason="First issue")
    return len(award_ids)


@shared_task
def run_award_expiry() -> dict:
    """Nightly: mark awards past their last valid day as expired, then send the
    6-, 3- and 1-month reminders (each once)."""
    from .services.expiry import expire_awards, send_expiry_reminders

    today = timezone.localdate()
    return {"expired": expire_awards(today), "reminders": send_expiry_reminders(today)}


@shared_task
def send_action_plan_reminders() -> dict:
    """Daily: remind agencies with a Working Towards award that their action
    plan's progress report is due (each reminder once)."""
    from .services.action_plan_reminders import send_action_plan_reminders as send

    return {"reminders": send(timezone.localdate())}
