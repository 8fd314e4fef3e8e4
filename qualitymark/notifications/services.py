"""E-mail from the service: rendered from templates/emails/<name>.txt, whose
first line is the subject.

``notify`` writes the message (subject, body, recipients, a Message-ID) in the
caller's transaction; after the commit a background job hands it to the mail
server (``delivery.deliver``). Nobody is told about a change that rolled back,
and a message the mail server has not accepted yet is sent again by the sweep
with back-off (see delivery.py)."""

from collections.abc import Iterable
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from qualitymark.audit.services import record_event

from .models import EmailStatus, SentEmail
from .sealing import seal


def render_email(template: str, context: dict) -> tuple[str, str]:
    context = {
        "site_url": settings.SITE_URL,
        "contact_email": settings.QUALITYMARK_CONTACT_EMAIL,
        **context,
    }
    rendered = render_to_string(f"emails/{template}.txt", context).lstrip()
    subject, _, body = rendered.partition("\n")
    return subject.strip(), body.strip() + "\n"


def _message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "qualitymark.example"
    return make_msgid("epqm", domain=domain)


def _first_attempt_due():
    return timezone.now() + timedelta(minutes=settings.OUTBOX_REDISPATCH_MINUTES)


def _send(record_id: int) -> None:
    from qualitymark.core.outbox import publish

    from .tasks import send_email

    if not publish(send_email, record_id):  # not queued: due for the very next sweep
        SentEmail.objects.filter(pk=record_id, status=EmailStatus.QUEUED).update(
            next_attempt_at=timezone.now()
        )


def _dispatch_after_commit(record_id: int) -> None:
    transaction.on_commit(lambda: _send(record_id), robust=True)


# The context entry an e-mail is about, most specific last wins first.
ABOUT_KEYS = ("application", "award", "request", "assignment", "evidence", "invitation")


def about(context: dict) -> dict[str, str]:
    """The object an e-mail is about, from its template context."""
    for key in ABOUT_KEYS:
        target = context.get(key)
        if isinstance(target, models.Model) and target.pk is not None:
            return {
                "about_type": target._meta.label_lower,
                "about_id": str(target.pk),
                "about_repr": str(target)[:255],
            }
    return {}


def notify(
    *,
    template: str,
    to: Iterable[str],
    context: dict,
    dedupe_key: str | None = None,
    secrets: dict[str, str] | None = None,
) -> SentEmail | None:
    """Queue one e-mail to `to`. With a dedupe_key, an e-mail already queued
    under that key is not queued again; returns None in that case. `secrets`
    (placeholder: secret) are kept out of the stored body (sealing.py)."""
    recipients = sorted({address.lower() for address in to if address})
    if not recipients:
        return None
    subject, body = render_email(template, context)
    body, sealed = seal(body, secrets) if secrets else (body, "")
    try:
        with transaction.atomic():
            record = SentEmail.objects.create(
                template=template,
                recipients=recipients,
                subject=subject,
                body=body,
                sealed=sealed,
                dedupe_key=dedupe_key,
                message_id=_message_id(),
                next_attempt_at=_first_attempt_due(),
                **about(context),
            )
    except IntegrityError:
        return None
    _dispatch_after_commit(record.pk)
    return record


@transaction.atomic
def resend_email(*, actor, email: SentEmail) -> SentEmail:
    """Staff: send a message again. One not yet sent (or given up) goes back
    in the queue with its attempts reset; one already sent is sent again as a
    new copy, so the record of the first delivery stays."""
    email = SentEmail.objects.select_for_update().get(pk=email.pk)
    if not email.recipients:
        raise ValidationError("Its addresses were removed: there is nobody to send it to.")
    if email.status == EmailStatus.SENT:
        target = SentEmail.objects.create(
            template=email.template,
            recipients=email.recipients,
            subject=email.subject,
            body=email.body,
            message_id=_message_id(),
            next_attempt_at=_first_attempt_due(),
            about_type=email.about_type,
            about_id=email.about_id,
            about_repr=email.about_repr,
        )
    else:
        email.status = EmailStatus.QUEUED
        email.attempts = 0
        email.next_attempt_at = _first_attempt_due()
        email.save(update_fields=["status", "attempts", "next_attempt_at"])
        target = email
    record_event(
        actor=actor,
        action="email.resent",
        target=target,
        changes={"original": email.pk, "recipients": email.recipients},
    )
    _dispatch_after_commit(target.pk)
    return target
