"""Background jobs: thin wrappers that take ids or dates and call a service."""

from celery import shared_task
from django.utils import timezone

from . import reminders


@shared_task
def send_moderation_reminders() -> dict:
    today = timezone.localdate()
    return {
        "reviews": reminders.send_review_reminders(today),
        "information_requests": reminders.send_information_request_reminders(today),
    }


# --- Awards (appended with awards and the register) ----------------------------------------


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def generate_award_certificate(
    award_id: int, replaces_version: int = 0, reason: str = "", actor_id: int | None = None
) -> dict:
    """Render and store an award's certificate; safe to deliver twice."""
    from qualitymark.users.models import User

    from .services.awards import generate_certificate

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    certificate = generate_certificate(
        award_id=award_id, replaces_version=replaces_version, reason=reason, actor=actor
    )
    return {"award": award_id, "version": certificate.version}


@shared_task
def run_award_expiry() -> dict:
    """Nightly: mark awards past their last valid day as expired, then send the
    6-, 3- and 1-month reminders (each once)."""
    from .services.awards import expire_awards, send_expiry_reminders

    today = timezone.localdate()
    return {"expired": expire_awards(today), "reminders": send_expiry_reminders(today)}
