"""A real Celery worker, consuming from Redis, sends the notification e-mails
that the services queue after their transactions commit."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from applications.lifecycle import transition
from qualitymark.celery import app as celery_app
from qualitymark.notifications.models import SentEmail
from qualitymark.notifications.services import notify

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(tmp_path):
    """Start `celery worker` on a queue of its own, against this test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"filemail:///{tmp_path}/mail",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qualitymark",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    try:
        yield tmp_path / "mail"
    finally:
        celery_app.conf.task_default_queue = previous_queue
        celery_app.conf.task_always_eager = True
        process.terminate()
        try:
            output, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        if process.returncode not in (0, -15, None):
            print(output)


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_worker_sends_a_queued_email(worker):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    record = notify(
        template="panel_opened",
        to=["someone@example.org"],
        context={"application": {"reference": "EPQM-2026-0001", "agency": {"name": "Test"}}},
        dedupe_key="worker-test",
    )
    assert wait_for(lambda: SentEmail.objects.get(pk=record.pk).sent_at is not None), (
        "the worker did not send the e-mail"
    )
    files = list(worker.glob("*.log"))
    assert files and "EPQM-2026-0001" in files[0].read_text()


def test_submitting_an_application_queues_emails_the_worker_sends(worker):
    from tests.moderation.builders import submitted_application

    application = submitted_application()
    assert application.status == "submitted"
    emails = SentEmail.objects.filter(template__startswith="application_submitted")
    assert emails.count() == 2
    assert wait_for(lambda: not emails.filter(sent_at__isnull=True).exists()), (
        "the worker did not send the submission e-mails"
    )
    sent_text = "\n".join(path.read_text() for path in worker.glob("*.log"))
    assert application.reference in sent_text
    assert settings.CORAM_STAFF_INBOX in sent_text
    assert transition  # the lifecycle queued them; nothing was sent in-process
