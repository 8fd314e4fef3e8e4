"""The staff home page's figures count every application, so they are not
worked out on the request that follows a write (qualitymark/core/freshness.py,
issue 16). The figures from before the write are served, marked with the time
they were worked out, while a real Celery worker works them out afresh; with no
worker to ask, or figures older than a minute, the request works them out."""

import json
import os

import pytest
from django.urls import reverse

from qualitymark.core import freshness
from tests.moderation.builders import staff_user, submitted_application
from tests.moderation.test_staff_dashboard import figures

from .support import Worker, new_queue, use_broker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HOME = reverse("staff:home")
DEAD_BROKER = "redis://127.0.0.1:17109/0"
NOTE = "before the latest changes"


@pytest.fixture
def shared_cache(settings, redis_server):
    """The cache the worker uses too: its Redis, its key prefix."""
    settings.CACHES = {
        "default": {
            "BACKEND": "qualitymark.core.cache.FailoverCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "qm"),
            "OPTIONS": {"PRIMARY": "django.core.cache.backends.redis.RedisCache"},
        }
    }
    return redis_server


@pytest.fixture
def staff_client(client, shared_cache, restore_broker):
    client.force_login(staff_user())
    return client


def look(client) -> tuple[str, str]:
    response = client.get(HOME)
    assert response.status_code == 200
    return figures(response, "attention")["Waiting for screening"][0], response.content.decode()


def test_after_a_write_the_last_figures_are_shown_marked_while_a_worker_works_them_out(
    staff_client, shared_cache, tmp_path, monkeypatch
):
    # Never old enough to be worked out in the request: only the worker can.
    monkeypatch.setattr(freshness, "STALE_SECONDS", 3600)
    queue = new_queue()
    use_broker(shared_cache.url, queue)
    waiting, page = look(staff_client)
    assert (waiting, NOTE in page) == ("0", False), "nothing kept yet: worked out at once"
    assert NOTE not in look(staff_client)[1], "nothing written since they were worked out"

    submitted_application()
    waiting, page = look(staff_client)
    assert waiting == "0" and NOTE in page, "the figures from before the write, marked"
    assert 'id="figures-as-at"' in page

    worker = Worker(
        redis_url=shared_cache.url, queue=queue, email_url=f"filemail:///{tmp_path}/mail"
    ).start()
    try:
        assert wait_for(lambda: look(staff_client)[0] == "1", timeout=30), (
            "the worker never worked the figures out afresh"
        )
        assert wait_for(lambda: NOTE not in look(staff_client)[1], timeout=30)
    finally:
        worker.stop()


def test_with_no_broker_to_ask_the_request_works_the_figures_out(staff_client):
    use_broker(DEAD_BROKER)
    submitted_application()
    assert look(staff_client)[0] == "1"
    submitted_application()
    waiting, page = look(staff_client)
    assert (waiting, NOTE in page) == ("2", False)


def test_figures_older_than_a_minute_are_never_served_after_a_write(
    staff_client, shared_cache, monkeypatch
):
    use_broker(shared_cache.url, new_queue())  # a broker, but no worker on the queue
    submitted_application()
    assert look(staff_client)[0] == "1"
    monkeypatch.setattr(freshness, "STALE_SECONDS", 0)
    submitted_application()
    waiting, page = look(staff_client)
    assert (waiting, NOTE in page) == ("2", False)


def test_with_eager_jobs_every_write_is_shown_at_once(staff_client):
    """The demo and the tests run jobs in the request: there is no worker."""
    submitted_application()
    assert look(staff_client)[0] == "1"
    submitted_application()
    waiting, page = look(staff_client)
    assert (waiting, NOTE in page) == ("2", False)


def test_the_look_after_a_write_asks_the_same_few_queries_at_any_size(staff_client, shared_cache):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.performance.world import grow, new_world

    use_broker(shared_cache.url, new_queue())  # a broker, but no worker on the queue
    world = grow(new_world(), 1)
    counted = []
    for more_units in (0, 2):
        grow(world, more_units)
        with CaptureQueriesContext(connection) as working_out:
            look(staff_client)
        submitted_application()  # a write: the next look is served from before it
        with CaptureQueriesContext(connection) as served:
            assert NOTE in look(staff_client)[1]
        counted.append(len(served))
        cache.clear()  # the next size starts with nothing kept
    assert counted[0] == counted[1] < len(working_out)


def test_looks_after_writes_ask_the_worker_once_until_it_has_answered(staff_client, shared_cache):
    from redis import Redis

    queue = new_queue()
    use_broker(shared_cache.url, queue)  # no worker reads it
    look(staff_client)
    for _ in range(3):
        submitted_application()
        assert NOTE in look(staff_client)[1]
    messages = Redis.from_url(shared_cache.url).lrange(queue, 0, -1)
    tasks = [json.loads(message)["headers"]["task"] for message in messages]
    assert tasks.count("moderation.tasks.refresh_staff_home") == 1, "one job, not one a look"
