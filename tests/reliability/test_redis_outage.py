"""Redis is optional at run time. With a Redis the test starts and then kills:
the public pages, /healthz, sign-in (still rate-limited), submitting and
accepting an application, publishing an award and recording a decision all
answer without a
server error, and quickly; every e-mail queued meanwhile is delivered exactly
once when Redis is back and a real worker runs."""

import time
from dataclasses import dataclass
from email import message_from_bytes

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation.models.awards import Award
from moderation.models.workflow import Decision
from moderation.services.assignments import assign_moderator
from moderation.services.screening import record_eligibility, record_fee_paid
from qualitymark.core.models import OutboxJob
from qualitymark.core.outbox import sweep
from qualitymark.notifications.models import EmailStatus, SentEmail
from tests.accounts.helpers import sign_in
from tests.awards.builders import Panel
from tests.factories import MembershipFactory
from tests.moderation.builders import chair, moderator, submitted_application
from tests.moderation.test_panel_pages import at_panel, decision_post, meeting_for

from .support import RedisServer, Worker, new_queue, ready_to_submit, use_broker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# A request during the outage may pay for one failed connection, never more.
SLOW_SECONDS = 5.0


def screenable_application(staff):
    """Submitted, with the fee, eligibility and two moderators recorded."""
    application = submitted_application()
    record_fee_paid(
        actor=staff, application=application, paid_on=timezone.localdate(), invoice_number="I-9"
    )
    record_eligibility(actor=staff, application=application, eligible=True)
    for profile, role in ((moderator(), "lead"), (moderator(), "second")):
        assign_moderator(actor=staff, application=application, moderator=profile, role=role)
    return application


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


@dataclass
class World:
    """What exists before the outage (built while jobs run in this process)."""

    panel: Panel
    award: Award  # to publish during the outage
    shown: Award  # on the register
    lead: object
    draft: object  # ready to submit
    to_accept: object
    at_panel: object
    chair: object
    meeting: object


def build_world() -> World:
    panel = Panel()
    at_panel_application, _ = at_panel()
    panel_chair = chair()
    lead = MembershipFactory(role="lead").user
    return World(
        panel=panel,
        award=panel.award(),
        shown=panel.published_award(),
        lead=lead,
        draft=ready_to_submit(lead),
        to_accept=screenable_application(panel.staff),
        at_panel=at_panel_application,
        chair=panel_chair,
        meeting=meeting_for(at_panel_application, panel_chair=panel_chair),
    )


def public_urls(shown) -> list[str]:
    return [
        "/register/",
        "/register.csv",
        "/register.json",
        reverse("public:feed"),
        reverse("public:verify", args=[shown.verification_token]),
        reverse("public:badge", args=[shown.agency.slug]),
        reverse("public:agency", args=[shown.agency.slug]),
    ]


def check_reading_and_signing_in(client, world: World) -> None:
    for url in public_urls(world.shown):  # from the database
        assert timed(client.get, url).status_code == 200, url
    assert world.shown.agency.name in client.get("/register/").content.decode()
    health = timed(client.get, "/healthz")
    assert health.status_code == 200 and health.json()["status"] == "degraded"

    assert timed(sign_in, client, world.lead.email).status_code == 302
    client.logout()
    other = MembershipFactory(role="lead").user
    for _ in range(5):
        timed(sign_in, client, other.email, password="not-the-password")
    refused = timed(sign_in, client, other.email)
    assert "too many failed attempts" in refused.content.decode()  # still limited


def check_writing(client, world: World) -> None:
    client.force_login(world.lead)
    response = timed(client.post, reverse("agency:check_answers", args=[world.draft.pk]))
    assert response["Location"] == reverse("agency:submitted", args=[world.draft.pk])
    world.draft.refresh_from_db()
    assert world.draft.status == "submitted"

    client.force_login(world.panel.staff)
    timed(client.post, reverse("staff:award_publish", args=[world.award.pk]), {"reason": ""})
    assert Award.objects.get(pk=world.award.pk).is_published
    timed(client.post, reverse("staff:accept", args=[world.to_accept.pk]))
    world.to_accept.refresh_from_db()
    assert world.to_accept.status == "in_review"

    client.force_login(world.chair.user)
    timed(
        client.post,
        reverse("moderation:decide", args=[world.at_panel.pk]),
        decision_post(world.at_panel, world.meeting),
    )
    assert Decision.objects.filter(application=world.at_panel).exists()


# Django's file backend appends every message sent through one connection object to
# the same file, each followed by this line.
FILE_BACKEND_SEPARATOR = b"-" * 79 + b"\n"


def deliver_when_redis_is_back(redis, queue, media, mail, during) -> None:
    redis.start()
    worker = Worker(
        redis_url=redis.url, queue=queue, email_url=f"filemail:///{mail}", media_root=media
    ).start()
    try:
        time.sleep(6)  # the fail-over cache tries Redis again after a few seconds
        past = timezone.now() - timezone.timedelta(seconds=1)
        OutboxJob.objects.filter(done_at__isnull=True).update(next_attempt_at=past)
        SentEmail.objects.exclude(status=EmailStatus.SENT).update(next_attempt_at=past)
        use_broker(redis.url, queue)
        sweep()
        assert wait_for(lambda: not during.exclude(status=EmailStatus.SENT).exists(), 60), (
            worker.log.read_text()
        )
        assert wait_for(lambda: not OutboxJob.objects.filter(done_at__isnull=True).exists(), 60), (
            list(OutboxJob.objects.filter(done_at__isnull=True).values())
        )
    finally:
        worker.stop()


def test_with_redis_down_everything_answers_and_no_email_is_lost(
    client, settings, restore_broker, tmp_path
):
    world = build_world()
    emails_before = set(SentEmail.objects.values_list("pk", flat=True))
    redis = RedisServer().start()
    queue = new_queue()
    use_cache(settings, redis.url)
    use_broker(redis.url, queue)
    try:
        for url in public_urls(world.shown):  # cached while Redis is up
            assert client.get(url).status_code == 200
        assert client.get("/register/")["X-Register-Cache"] == "hit"
        redis.kill()

        check_reading_and_signing_in(client, world)
        check_writing(client, world)
        during = SentEmail.objects.exclude(pk__in=emails_before)
        assert during.count() >= 3
        assert not during.filter(status=EmailStatus.SENT).exists()
        assert OutboxJob.objects.filter(done_at__isnull=True).exists()  # certificate, bumps

        media = settings.STORAGES["default"]["OPTIONS"]["location"]
        deliver_when_redis_is_back(redis, queue, media, tmp_path / "mail", during)
        delivered = [
            message_from_bytes(part)
            for path in (tmp_path / "mail").glob("*.log")
            for part in path.read_bytes().split(FILE_BACKEND_SEPARATOR)
            if part.strip()
        ]
        ids = [message["Message-ID"] for message in delivered]
        assert sorted(ids) == sorted(during.values_list("message_id", flat=True))
        assert len(ids) == len(set(ids))  # each once
        assert world.award.agency.name in client.get("/register/").content.decode()
    finally:
        redis.kill()
