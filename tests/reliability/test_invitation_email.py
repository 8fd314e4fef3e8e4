"""An invitation goes through the one notification queue like every other
e-mail: recorded, retried after a refusal, sent once. Its link is never
stored readable: the record holds the message with a placeholder and the link
sealed with the server's key, erased once the mail server took it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from applications.models.agencies import Invitation, hash_invitation_token
from applications.services.invitations import send_invitation
from qualitymark.core.outbox import sweep
from qualitymark.notifications.models import EmailStatus, SentEmail
from tests.moderation.builders import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PLACEHOLDER = "[the invitation link, not kept]"


def _link(message) -> str:
    body = message.get_payload(decode=True).decode()
    return next(word for word in body.split() if "/invitations/accept/" in word)


def _everything_stored() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject, body, sealed FROM notifications_sentemail")
        return " ".join(" ".join(row) for row in cursor.fetchall())


def test_a_refused_invitation_is_retried_and_its_link_is_never_stored(smtp):
    smtp.refusing = True
    invitation = send_invitation(actor=staff_user(), email="new.mod@example.org", role="moderator")
    record = SentEmail.objects.get(template="invitation")
    assert record.status == EmailStatus.RETRYING and "451" in record.last_error
    assert record.about_id == str(invitation.pk)
    assert PLACEHOLDER in record.body and record.sealed

    smtp.refusing = False
    SentEmail.objects.filter(pk=record.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    sweep(inline=True)
    record.refresh_from_db()
    assert record.status == EmailStatus.SENT and record.attempts == 2
    assert record.sealed == ""
    (message,) = smtp.accepted
    link = _link(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert Invitation.objects.get(token_hash=hash_invitation_token(token)) == invitation
    assert PLACEHOLDER not in message.get_payload(decode=True).decode()
    assert token not in _everything_stored()


def test_while_queued_the_token_is_not_readable_in_the_database(smtp):
    smtp.refusing = True
    send_invitation(actor=staff_user(), email="lead@example.org", role="moderator")
    record = SentEmail.objects.get(template="invitation")
    stored = _everything_stored()
    assert "/invitations/accept/" not in stored
    smtp.refusing = False
    SentEmail.objects.filter(pk=record.pk).update(next_attempt_at=timezone.now())
    sweep(inline=True)
    token = _link(smtp.accepted[0]).rstrip("/").rsplit("/", 1)[1]
    assert token not in stored


def test_a_changed_secret_key_fails_the_message_at_once_instead_of_sending_a_dead_link(
    smtp, settings
):
    smtp.refusing = True
    send_invitation(actor=staff_user(), email="someone@example.org", role="moderator")
    record = SentEmail.objects.get(template="invitation")
    settings.SECRET_KEY = "a-different-key-after-rotation-without-fallback"
    settings.SECRET_KEY_FALLBACKS = []
    smtp.refusing = False
    SentEmail.objects.filter(pk=record.pk).update(next_attempt_at=timezone.now())
    sweep(inline=True)
    record.refresh_from_db()
    assert record.status == EmailStatus.FAILED
    assert "can no longer be read" in record.last_error
    assert record.next_attempt_at is None
    assert smtp.accepted == []


def test_the_old_key_as_a_fallback_still_sends_it(smtp, settings):
    smtp.refusing = True
    send_invitation(actor=staff_user(), email="other@example.org", role="moderator")
    record = SentEmail.objects.get(template="invitation")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-key-after-rotation"
    smtp.refusing = False
    SentEmail.objects.filter(pk=record.pk).update(next_attempt_at=timezone.now())
    sweep(inline=True)
    record.refresh_from_db()
    assert record.status == EmailStatus.SENT
    assert "/invitations/accept/" in _link(smtp.accepted[0])
