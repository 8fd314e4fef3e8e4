"""Redis is optional at run time. With a Redis the test starts and then kills:
the public pages, /healthz, sign-in (still rate-limited), submitting an
application, publishing an award and recording a decision all answer without a
server error, and quickly; every e-mail queued meanwhile is delivered exactly
once when Redis is back and a real worker runs."""

import time
from email import message_from_bytes

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation.models import Award, Decision
from qualitymark.core.models import OutboxJob
from qualitymark.core.outbox import sweep
from qualitymark.notifications.models import EmailStatus, SentEmail
from tests.accounts.helpers import sign_in
from tests.awards.builders import Panel
from tests.factories import MembershipFactory
from tests.moderation.builders import chair
from tests.moderation.test_panel_pages import at_panel, decision_post, meeting_for

from .support import RedisServer, Worker, new_queue, ready_to_submit, use_broker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# A request during the outage may pay for one failed connection, never more.
SLOW_SECONDS = 5.0


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - started
    assert response.status_code < 500, (args, response.status_code)
    assert elapsed < SLOW_SECONDS, (args, elapsed)
    return response


def use_cache(settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "qualitymark.core.cache.FailoverCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "qm-outage",
            "OPTIONS": {
                "PRIMARY": "django.core.cache.backends.redis.RedisCache",
                "socket_connect_timeout": 1,
                "socket_timeout": 1,
            },
        }
    }


def test_with_redis_down_everything_answers_and_no_email_is_lost(
    client, settings, restore_broker, tmp_path
):
    # Before the outage (jobs run in this process): an award to publish, an
    # application ready to submit, one at panel, and a published award.
    panel = Panel()
    award = panel.award()
    shown = panel.published_award()
    lead = MembershipFactory(role="lead").user
    draft = ready_to_submit(lead)
    at_panel_application, _ = at_panel()
    panel_chair = chair()
    meeting = meeting_for(at_panel_application, panel_chair=panel_chair)
    emails_before = set(SentEmail.objects.values_list("pk", flat=True))

    redis = RedisServer().start()
    queue = new_queue()
    use_cache(settings, redis.url)
    use_broker(redis.url, queue)
    public = [
        "/register/", "/register.csv", "/register.json", reverse("public:feed"),
        reverse("public:verify", args=[shown.verification_token]),
        reverse("public:badge", args=[shown.agency.slug]),
        reverse("public:agency", args=[shown.agency.slug]),
    ]
    try:
        for url in public:  # cached while Redis is up
            assert client.get(url).status_code == 200
        assert client.get("/register/")["X-Register-Cache"] == "hit"
        redis.kill()

        # Public pages come from the database.
        for url in public:
            response = timed(client.get, url)
            assert response.status_code == 200, url
        assert shown.agency.name in client.get("/register/").content.decode()
        health = timed(client.get, "/healthz")
        assert health.status_code == 200 and health.json()["status"] == "degraded"

        # Sign-in works, and is still limited.
        assert timed(sign_in, client, lead.email).status_code == 302
        client.logout()
        other = MembershipFactory(role="lead").user
        for _ in range(5):
            timed(sign_in, client, other.email, password="not-the-password")
        refused = timed(sign_in, client, other.email)
        assert "too many attempts" in refused.content.decode()

        # Submit, publish and decide.
        client.force_login(lead)
        response = timed(client.post, reverse("agency:check_answers", args=[draft.pk]))
        assert response["Location"] == reverse("agency:submitted", args=[draft.pk])
        draft.refresh_from_db()
        assert draft.status == "submitted"

        client.force_login(panel.staff)
        timed(client.post, reverse("staff:award_publish", args=[award.pk]), {"reason": ""})
        assert Award.objects.get(pk=award.pk).is_published

        client.force_login(panel_chair.user)
        timed(
            client.post,
            reverse("moderation:decide", args=[at_panel_application.pk]),
            decision_post(at_panel_application, meeting),
        )
        assert Decision.objects.filter(application=at_panel_application).exists()

        during = SentEmail.objects.exclude(pk__in=emails_before)
        assert during.count() >= 3
        assert not during.filter(status=EmailStatus.SENT).exists()
        assert OutboxJob.objects.filter(done_at__isnull=True).exists()  # certificate, bumps

        # Redis is back; a worker runs; the sweep sends what waited.
        redis.start()
        worker = Worker(
            redis_url=redis.url, queue=queue, email_url=f"filemail:///{tmp_path}/mail",
            media_root=settings.STORAGES["default"]["OPTIONS"]["location"],
        ).start()
        try:
            time.sleep(6)  # the fail-over cache tries Redis again after a few seconds
            past = timezone.now() - timezone.timedelta(seconds=1)
            OutboxJob.objects.filter(done_at__isnull=True).update(next_attempt_at=past)
            SentEmail.objects.exclude(status=EmailStatus.SENT).update(next_attempt_at=past)
            use_broker(redis.url, queue)
            sweep()
            assert wait_for(
                lambda: not during.exclude(status=EmailStatus.SENT).exists(), 60
            ), worker.log.read_text()
            assert wait_for(
                lambda: not OutboxJob.objects.filter(done_at__isnull=True).exists(), 60
            ), list(OutboxJob.objects.filter(done_at__isnull=True).values())
        finally:
            worker.stop()

        delivered = [
            message_from_bytes(path.read_bytes()) for path in (tmp_path / "mail").glob("*.log")
        ]
        ids = [message["Message-ID"] for message in delivered]
        assert sorted(ids) == sorted(during.values_list("message_id", flat=True))
        assert len(ids) == len(set(ids))
        assert client.get("/register/").status_code == 200
        assert award.agency.name in client.get("/register/").content.decode()
    finally:
        redis.kill()
