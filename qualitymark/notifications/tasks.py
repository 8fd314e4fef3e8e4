from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import SentEmail


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, sent_email_id: int, *, subject: str, body: str, recipients: list[str]):
    """Send a queued e-mail once; a redelivered job finds it already sent."""
    updated = SentEmail.objects.filter(pk=sent_email_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not updated:
        return "already sent"
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        SentEmail.objects.filter(pk=sent_email_id).update(sent_at=None)
        raise
    return "sent"
