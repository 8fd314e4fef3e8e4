"""E-mail from the service: rendered from templates/emails/<name>.txt, whose
first line is the subject, and sent by a background job after the surrounding
transaction commits, so nobody is told about a change that rolled back."""

from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from .models import SentEmail


def render_email(template: str, context: dict) -> tuple[str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    rendered = render_to_string(f"emails/{template}.txt", context).lstrip()
    subject, _, body = rendered.partition("\n")
    return subject.strip(), body.strip() + "\n"


def notify(
    *,
    template: str,
    to: Iterable[str],
    context: dict,
    dedupe_key: str | None = None,
) -> SentEmail | None:
    """Queue one e-mail to `to`. With a dedupe_key, an e-mail already queued
    under that key is not queued again; returns None in that case."""
    recipients = sorted({address.lower() for address in to if address})
    if not recipients:
        return None
    subject, body = render_email(template, context)
    try:
        with transaction.atomic():
            record = SentEmail.objects.create(
                template=template, recipients=recipients, subject=subject, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None

    from .tasks import send_email

    transaction.on_commit(
        lambda: send_email.delay(record.pk, subject=subject, body=body, recipients=recipients)
    )
    return record
