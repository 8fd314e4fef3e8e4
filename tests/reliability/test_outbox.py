"""The outbox: work after a change is recorded with it and done at least once,
with exactly-once effects, whatever happens to the broker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from moderation.models.awards import Award, Certificate
from qualitymark.core.models import OutboxJob
from qualitymark.core.outbox import run_job, sweep
from qualitymark.notifications.models import EmailStatus, SentEmail
from tests.awards.builders import Panel

from .support import use_broker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DEAD_BROKER = "redis://127.0.0.1:17109/0"  # nothing listens here


def overdue() -> None:
    past = timezone.now() - timedelta(seconds=1)
    OutboxJob.objects.filter(done_at__isnull=True).update(next_attempt_at=past)
    SentEmail.objects.exclude(status=EmailStatus.SENT).update(next_attempt_at=past)


def test_with_the_broker_down_the_decision_commits_and_the_sweep_does_the_rest(
    restore_broker,
):
    use_broker(DEAD_BROKER)
    award = Panel().award()  # every job's publish fails after commit; nothing raises

    assert Award.objects.filter(pk=award.pk).exists()
    assert not Certificate.objects.filter(award=award).exists()
    job = OutboxJob.objects.get(handler="moderation.tasks.make_certificate")
    assert job.kwargs["award_id"] == award.pk and job.done_at is None
    unsent = SentEmail.objects.filter(status=EmailStatus.QUEUED)
    assert unsent.exists() and mail.outbox == []
    # Not queued, so due for the very next sweep.
    assert job.next_attempt_at <= timezone.now()
    assert not unsent.filter(next_attempt_at__gt=timezone.now()).exists()

    overdue()
    call_command("sweep_outbox", "--inline")
    job.refresh_from_db()
    assert job.done_at is not None and job.attempts == 1
    assert Certificate.objects.filter(award=award, is_current=True).count() == 1
    emails = SentEmail.objects.count()
    assert SentEmail.objects.filter(status=EmailStatus.SENT).count() == emails
    assert len(mail.outbox) == emails

    # Delivered again (a duplicate message, a second sweep): no second effect.
    assert run_job(job.pk) is False
    overdue()
    sweep(inline=True)
    assert Certificate.objects.filter(award=award).count() == 1
    assert len(mail.outbox) == emails


def test_an_award_whose_certificate_job_was_lost_gets_one_from_the_sweep():
    award = Panel().award()  # eager: the certificate is made at once
    Certificate.objects.filter(award=award).delete()
    OutboxJob.objects.all().delete()  # as if the job had never been recorded
    Award.objects.filter(pk=award.pk).update(created_at=timezone.now() - timedelta(hours=1))

    report = sweep(inline=True)
    assert report["requeue_missing_certificates"] == 1
    assert Certificate.objects.filter(award=award, is_current=True).count() == 1
    assert sweep(inline=True)["requeue_missing_certificates"] == 0
    assert Certificate.objects.filter(award=award).count() == 1


def test_a_failing_job_is_kept_with_its_error_and_retried_with_back_off(settings, tmp_path):
    award = Panel().award()
    Certificate.objects.filter(award=award).delete()
    # Storage that cannot be written: the certificate job fails for real.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked), "base_url": None},
        },
    }
    from django.db import transaction

    from qualitymark.core.outbox import enqueue

    with transaction.atomic():
        job = enqueue("moderation.tasks.make_certificate", award_id=award.pk)
    job.refresh_from_db()
    assert job.done_at is None and job.attempts == 1
    assert job.last_error
    first_retry = job.next_attempt_at - timezone.now()
    assert timedelta(seconds=20) < first_retry <= timedelta(seconds=30)
    overdue()
    sweep(inline=True)
    job.refresh_from_db()
    assert job.attempts == 2
    assert job.next_attempt_at - timezone.now() > timedelta(seconds=50)  # backed off

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": None},
        },
    }
    overdue()
    sweep(inline=True)
    job.refresh_from_db()
    assert job.done_at is not None
    assert Certificate.objects.filter(award=award, is_current=True).count() == 1
