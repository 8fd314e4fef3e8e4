"""Handing a queued e-mail to the mail server, at least once.

The record's row is locked while the message is handed over, and it is marked
sent in the same transaction, only after the server accepted it. A worker that
dies in between leaves the row queued (its lock goes with its connection) and
the sweep sends it again with the same Message-ID, which mail systems use to
drop a duplicate. A refusal is kept as the last error and retried with back-off
until EMAIL_MAX_ATTEMPTS (status retrying); then the message stays failed until
staff resend it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from qualitymark.core.outbox import backoff, publish, register_sweep

from .models import EmailStatus, SentEmail
from .sealing import SealBroken, unseal

logger = logging.getLogger(__name__)


def deliver(sent_email_id: int) -> str:
    with transaction.atomic():
        record = (
            SentEmail.objects.select_for_update()
            .filter(pk=sent_email_id)
            .exclude(status=EmailStatus.SENT)
            .first()
        )
        if record is None:
            return "already sent or being sent"
        record.attempts += 1
        record.last_attempt_at = timezone.now()
        try:
            message = EmailMessage(
                record.subject,
                unseal(record.body, record.sealed),
                settings.DEFAULT_FROM_EMAIL,
                record.recipients,
                headers={"Message-ID": record.message_id} if record.message_id else None,
            )
            message.send()
        except Exception as error:  # noqa: BLE001 - every refusal is kept and retried
            logger.warning("E-mail %s not accepted: %r", record.pk, error)
            record.last_error = f"{type(error).__name__}: {error}"[:2000]
            gave_up = isinstance(error, SealBroken) or (
                record.attempts >= settings.EMAIL_MAX_ATTEMPTS
            )
            record.status = EmailStatus.FAILED if gave_up else EmailStatus.RETRYING
            record.next_attempt_at = None if gave_up else timezone.now() + backoff(record.attempts)
            record.save()
            return "failed"
        record.status = EmailStatus.SENT
        record.sent_at = timezone.now()
        record.next_attempt_at = None
        record.sealed = ""
        record.save()
        return "sent"


def sweep_unsent_email(*, inline: bool = False) -> int:
    """Send again every message that is due and not yet accepted."""
    from .tasks import send_email

    due = SentEmail.objects.exclude(status=EmailStatus.SENT).filter(
        next_attempt_at__lte=timezone.now()
    )
    dispatched = 0
    for record_id in due.values_list("pk", flat=True)[:1000]:
        if inline:
            deliver(record_id)
        elif not publish(send_email, record_id):
            break
        dispatched += 1
    return dispatched


register_sweep(sweep_unsent_email)
