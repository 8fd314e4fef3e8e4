"""Workers may die: a real Celery worker is SIGKILLed while it renders a
certificate (first a pool child, then the whole worker), then started again.
Every award ends with exactly one certificate, which is current. A worker
killed while the mail server holds its message loses no e-mail."""

import os
import signal
import time

import psycopg2
import pytest
from django.db import OperationalError, connection, connections, transaction

from moderation.models.awards import Award, Certificate
from qualitymark.core.models import OutboxJob
from qualitymark.core.outbox import sweep
from qualitymark.notifications.models import EmailStatus, SentEmail
from qualitymark.notifications.services import notify
from tests.awards.builders import Panel

from .support import SmtpServer, Worker, new_queue, use_broker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

AWARDS = 6
DEAD_BROKER = "redis://127.0.0.1:17109/0"
CONTEXT = {"application": {"reference": "EPQM-2026-0001", "agency": {"name": "Test"}}}


def certificate_job_running(award_id: int) -> bool:
    """The award's certificate job is locked: a worker is inside it."""
    try:
        with transaction.atomic():
            list(
                OutboxJob.objects.select_for_update(nowait=True).filter(
                    handler="moderation.tasks.make_certificate", kwargs__award_id=award_id
                )
            )
    except OperationalError:
        return True
    return False


class AwardLock:
    """Holds an award's row from another connection, so the worker's
    certificate job for it stops inside its transaction (started, no
    certificate yet) until ``release()``."""

    def __init__(self, award_id: int):
        settings_dict = connection.settings_dict
        params = {
            "dbname": settings_dict["NAME"],
            "user": settings_dict["USER"],
            "host": settings_dict["HOST"],
            "port": settings_dict["PORT"],
        }
        self.holder = psycopg2.connect(**{key: value for key, value in params.items() if value})
        with self.holder.cursor() as cursor:
            cursor.execute("SELECT id FROM moderation_award WHERE id = %s FOR UPDATE", [award_id])

    def release(self) -> None:
        if not self.holder.closed:
            self.holder.rollback()
            self.holder.close()


def certified() -> int:
    return Certificate.objects.filter(is_current=True).values("award").distinct().count()


def test_killed_workers_lose_no_certificate(redis_server, restore_broker, tmp_path, settings):
    use_broker(DEAD_BROKER)  # decisions commit, certificate jobs wait in the outbox
    panel = Panel()
    awards = [panel.award() for _ in range(AWARDS)]
    assert certified() == 0

    queue = new_queue()
    use_broker(redis_server.url, queue)
    media = settings.STORAGES["default"]["OPTIONS"]["location"]
    worker = Worker(
        redis_url=redis_server.url,
        queue=queue,
        media_root=media,
        email_url=f"filemail:///{tmp_path}/mail",
    ).start()
    locks = []
    try:
        OutboxJob.objects.update(next_attempt_at="2000-01-01T00:00Z")
        first, second = awards[0].pk, awards[1].pk
        locks = [AwardLock(first), AwardLock(second)]
        assert sweep()["outbox"] >= AWARDS  # all sent to the worker's queue

        # A pool child dies mid-certificate: its job goes back to the queue.
        assert wait_for(lambda: certificate_job_running(first), 60), worker.log.read_text()
        (child,) = worker.children()
        os.kill(child, signal.SIGKILL)
        assert wait_for(lambda: "WorkerLostError" in worker.log.read_text(), 30)
        locks[0].release()

        # The whole worker dies mid-certificate: the job waits out the
        # visibility timeout and goes to the next worker.
        assert wait_for(lambda: certificate_job_running(second), 60), worker.log.read_text()
        os.killpg(worker.process.pid, signal.SIGKILL)  # the main process and its child
        worker.process.wait(10)
        worker.process = None
        locks[1].release()
        before_restart = certified()
        assert before_restart < AWARDS

        worker.start()  # the jobs it held come back after the visibility timeout
        assert wait_for(lambda: certified() == AWARDS, 120, 0.5), worker.log.read_text()
        time.sleep(2)  # any duplicate delivery still running finishes
    finally:
        for lock in locks:
            lock.release()
        worker.stop()
        connections.close_all()

    for award in Award.objects.filter(pk__in=[a.pk for a in awards]):
        certificates = Certificate.objects.filter(award=award)
        assert certificates.count() == 1, award
        assert certificates.get().is_current
    assert not OutboxJob.objects.filter(
        handler="moderation.tasks.make_certificate", done_at__isnull=True
    ).exists()


@pytest.fixture
def smtp_server():
    with SmtpServer() as server:
        yield server


def test_a_worker_killed_while_the_mail_server_holds_a_message_loses_no_email(
    redis_server, smtp_server, restore_broker
):
    queue = new_queue()
    use_broker(redis_server.url, queue)
    worker = Worker(
        redis_url=redis_server.url, queue=queue, email_url=f"smtp://127.0.0.1:{smtp_server.port}"
    ).start()
    try:
        smtp_server.release.clear()  # the server takes the message and says nothing yet
        with transaction.atomic():
            records = [
                notify(template="panel_opened", to=[f"person{n}@example.org"], context=CONTEXT)
                for n in range(3)
            ]
        assert smtp_server.holding.wait(60), worker.log.read_text()
        # Handed over, not yet accepted: not recorded as sent.
        assert not SentEmail.objects.filter(status=EmailStatus.SENT).exists()
        (child,) = worker.children()
        os.kill(child, signal.SIGKILL)
        assert wait_for(lambda: "WorkerLostError" in worker.log.read_text(), 30)
        smtp_server.release.set()

        assert wait_for(
            lambda: SentEmail.objects.filter(status=EmailStatus.SENT).count() == 3, 60
        ), worker.log.read_text()
    finally:
        smtp_server.release.set()
        worker.stop()
        connections.close_all()

    delivered = [message["Message-ID"] for message in smtp_server.accepted]
    for record in records:
        record.refresh_from_db()
        assert record.status == EmailStatus.SENT and record.attempts >= 1
        assert record.message_id in delivered
    # At least once: the message the server took as the worker died may arrive
    # twice, with one Message-ID, so the recipient's mail system drops the copy.
    assert set(delivered) == {record.message_id for record in records}
    assert len(delivered) <= 4
