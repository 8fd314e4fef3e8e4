from celery import shared_task

from .delivery import deliver


@shared_task
def send_email(sent_email_id: int, **_legacy_arguments) -> str:
    """Hand a queued e-mail to the mail server; a redelivered job finds it sent.
    (Jobs queued before delivery tracking also carried the message itself.)"""
    return deliver(sent_email_id)
