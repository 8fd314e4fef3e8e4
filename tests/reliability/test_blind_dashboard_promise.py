"""Blind tests of the README's promise on the staff dashboard's figures and the
applications list's status counts (staff section):

worked out once for each state of PostgreSQL and kept in the cache until the next
write; the status counts are worked out again on the next look; the dashboard's
figures, on the first look after a write, are those from before it ("before the
latest changes", with the time they were worked out) while a Celery worker works
them out again; figures more than a minute old, or with no worker to ask (eager
jobs, or the broker down), are worked out on the look."""

import os
import re
import socket
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.moderation.builders import staff_user, submitted_application
from tests.moderation.test_reviewer_pages import client_for
from tests.moderation.test_staff_dashboard import figures

from .support import Worker, new_queue, use_broker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HOME = reverse("staff:home")
LIST = reverse("staff:application_list")
STALE_NOTE = "before the latest changes"
CLOCK = re.compile(r"\b(\d{2}:\d{2}:\d{2})\b")
DEAD_BROKER_PORT = 17108  # one of this branch's ports, with nothing listening


def use_cache(settings, redis_url):
    """The cache a worker started by Worker(redis_url=...) uses: same place, same prefix."""
    settings.CACHES = {
        "default": {
            "BACKEND": "qualitymark.core.cache.FailoverCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "qm"),
            "OPTIONS": {
                "PRIMARY": "django.core.cache.backends.redis.RedisCache",
                "socket_connect_timeout": 2,
                "socket_timeout": 2,
            },
        }
    }


@pytest.fixture
def staff():
    return client_for(staff_user())


def look(client):
    """The dashboard: (the "Waiting for screening" figure, the page's text)."""
    response = client.get(HOME)
    assert response.status_code == 200
    return figures(response, "attention")["Waiting for screening"][0], response.content.decode()


def waiting(client) -> str:
    return look(client)[0]


def submitted_count(client) -> str:
    response = client.get(LIST)
    assert response.status_code == 200
    return response.content.decode().split(">Submitted (", 1)[1].split(")", 1)[0]


def assert_current(client, expected: str):
    figure, page = look(client)
    assert figure == expected
    assert STALE_NOTE not in page


def clock_times(start, end) -> set[str]:
    """Every HH:MM:SS (local time) from start to end, both included."""
    times, moment = set(), start.replace(microsecond=0)
    while moment <= end:
        times.add(moment.strftime("%H:%M:%S"))
        moment += timedelta(seconds=1)
    return times


def test_a_second_look_with_nothing_written_shows_the_same_figures_from_the_cache(staff):
    submitted_application()
    with CaptureQueriesContext(connection) as first_look:
        first, first_page = look(staff)
    with CaptureQueriesContext(connection) as second_look:
        second, second_page = look(staff)
    assert first == second == "1"
    assert STALE_NOTE not in first_page and STALE_NOTE not in second_page
    # Worked out once for this state of the database: the second look does not work
    # them out again.
    assert len(second_look) < len(first_look), (len(first_look), len(second_look))
    assert submitted_count(staff) == submitted_count(staff) == "1"


def test_with_a_worker_the_first_look_after_a_write_shows_the_figures_from_before_it(
    settings, redis_server, staff, tmp_path, restore_broker
):
    use_cache(settings, redis_server.url)
    submitted_application()
    queue = new_queue()
    use_broker(redis_server.url, queue)
    worker = Worker(
        redis_url=redis_server.url, queue=queue, email_url=f"filemail:///{tmp_path}/mail"
    ).start()
    try:
        before = timezone.localtime()
        assert_current(staff, "1")
        after = timezone.localtime()

        submitted_application()
        figure, page = look(staff)
        assert figure == "1", "the first look after a write shows the figures from before it"
        assert STALE_NOTE in page
        note = page.split(STALE_NOTE, 1)[0][-300:]
        shown = CLOCK.findall(note)
        assert shown, note
        assert shown[-1] in clock_times(before, after), (shown, before, after)

        # The worker works them out again, well within the minute.
        assert wait_for(lambda: waiting(staff) == "2", timeout=40, interval=0.5), (
            worker.log.read_text()[-3000:]
        )
        assert_current(staff, "2")
    finally:
        worker.stop()


def test_with_eager_jobs_every_write_shows_at_once(staff):
    submitted_application()
    assert_current(staff, "1")
    for expected in ("2", "3"):
        submitted_application()
        assert_current(staff, expected)
        assert submitted_count(staff) == expected


def test_with_the_broker_down_a_write_shows_at_once(staff, restore_broker):
    with socket.socket() as probe:
        probe.settimeout(0.5)
        assert probe.connect_ex(("127.0.0.1", DEAD_BROKER_PORT)) != 0
    submitted_application()
    use_broker(f"redis://127.0.0.1:{DEAD_BROKER_PORT}/0", new_queue())
    assert_current(staff, "1")
    submitted_application()
    assert_current(staff, "2")
    assert submitted_count(staff) == "2"


def test_figures_more_than_a_minute_old_are_worked_out_on_the_look(
    settings, redis_server, staff, restore_broker
):
    """No worker reads the queue, so only their age brings the figures up to date."""
    use_cache(settings, redis_server.url)
    submitted_application()
    use_broker(redis_server.url, new_queue())
    with time_machine.travel(timezone.now(), tick=True) as clock:
        assert_current(staff, "1")
        submitted_application()
        figure, page = look(staff)
        assert figure == "1" and STALE_NOTE in page  # a fresh-enough copy is served
        clock.shift(timedelta(seconds=61))
        assert_current(staff, "2")


def test_status_counts_show_a_write_at_once_with_a_broker_and_no_worker(
    settings, redis_server, staff, restore_broker
):
    use_cache(settings, redis_server.url)
    submitted_application()
    use_broker(redis_server.url, new_queue())
    assert submitted_count(staff) == "1"
    assert waiting(staff) == "1"
    submitted_application()
    assert submitted_count(staff) == "2"
    assert submitted_count(staff) == "2"
    # Unlike the dashboard's figures, which wait for a worker that never comes.
    figure, page = look(staff)
    assert figure == "1" and STALE_NOTE in page
