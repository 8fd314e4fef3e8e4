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
