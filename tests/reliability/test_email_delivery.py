"""E-mail counts as sent only once a real (test) mail server accepted it; a
refusal is kept with its error and retried by the sweep, each message arriving
exactly once, with the Message-ID its record gave it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from qualitymark.audit.models import AuditEvent
from qualitymark.core.outbox import sweep
from qualitymark.notifications.delivery import deliver
from qualitymark.notifications.models import EmailStatus, SentEmail
from qualitymark.notifications.services import notify, resend_email
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CONTEXT = {"application": {"reference": "EPQM-2026-0001", "agency": {"name": "Test"}}}


def queue(number: int) -> list[SentEmail]:
    with transaction.atomic():
        return [
            notify(template="panel_opened", to=[f"person{n}@example.org"], context=CONTEXT)
            for n in range(number)
        ]


def make_due() -> None:
    SentEmail.objects.exclude(status=EmailStatus.SENT).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_refused_message_is_kept_and_delivered_once_when_the_server_accepts(smtp):
    smtp.refusing = True
    records = queue(3)  # sent after commit (eager jobs here), and refused
    assert smtp.refused == 3 and smtp.accepted == []
    for record in records:
        record.refresh_from_db()
        assert record.status == EmailStatus.RETRYING
        assert record.sent_at is None
        assert record.attempts == 1
        assert "451" in record.last_error
        assert record.next_attempt_at > timezone.now()

    # Not yet due: the sweep leaves them alone (back-off).
    sweep(inline=True)
    assert smtp.refused == 3

    smtp.refusing = False
    make_due()
    call_command("sweep_outbox", "--inline")
    make_due()
    sweep(inline=True)  # a second sweep finds nothing left to send
    for record in records:
        record.refresh_from_db()
        assert record.status == EmailStatus.SENT
        assert record.sent_at is not None
        assert record.attempts == 2
    assert len(smtp.accepted) == 3
    assert sorted(m["Message-ID"] for m in smtp.accepted) == sorted(r.message_id for r in records)
    assert sorted(m["To"] for m in smtp.accepted) == [f"person{n}@example.org" for n in range(3)]

    # A redelivered job changes nothing.
    assert deliver(records[0].pk) == "already sent or being sent"
    assert len(smtp.accepted) == 3


def test_after_the_last_attempt_it_stays_failed_until_staff_resend_it(smtp, settings):
    settings.EMAIL_MAX_ATTEMPTS = 2
    smtp.refusing = True
    (record,) = queue(1)
    make_due()
    sweep(inline=True)
    record.refresh_from_db()
    assert record.status == EmailStatus.FAILED
    assert record.attempts == 2
    assert record.next_attempt_at is None  # given up
    smtp.refusing = False
    sweep(inline=True)
    assert smtp.accepted == []

    staff = UserFactory(is_coram_staff=True)
    resend_email(actor=staff, email=record)
    record.refresh_from_db()
    assert record.status == EmailStatus.SENT
    assert [m["Message-ID"] for m in smtp.accepted] == [record.message_id]
    assert AuditEvent.objects.filter(action="email.resent", actor=staff).count() == 1

    # Resending a sent message sends a copy and keeps the first record.
    copy = resend_email(actor=staff, email=record)
    assert copy.pk != record.pk
    copy.refresh_from_db()
    assert copy.status == EmailStatus.SENT
    assert len(smtp.accepted) == 2
    assert smtp.accepted[1]["Message-ID"] == copy.message_id != record.message_id


def test_nothing_is_sent_for_a_change_that_rolled_back(smtp):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue(1)
        raise RuntimeError("the change failed")
    assert not SentEmail.objects.exists()
    sweep(inline=True)
    assert smtp.accepted == []


def test_staff_see_the_delivery_status_and_resend_from_the_admin(smtp, client):
    from django.urls import reverse

    from tests.factories import enrol_totp

    staff = UserFactory(is_staff=True, is_superuser=True, is_coram_staff=True)
    enrol_totp(staff)
    client.force_login(staff)
    smtp.refusing = True
    (record,) = queue(1)
    changelist = reverse("admin:notifications_sentemail_changelist")
    page = client.get(changelist + "?status__exact=failed").content.decode()
    assert "panel_opened" in page and "Failed" in page

    smtp.refusing = False
    response = client.post(changelist, {"action": "resend", "_selected_action": [record.pk]})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == EmailStatus.SENT
    assert [m["Message-ID"] for m in smtp.accepted] == [record.message_id]
