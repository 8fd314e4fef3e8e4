"""/healthz: the readiness endpoint used by the container health check.

The outage tests point the settings at a real closed port or at a real socket
that never answers, in a fresh process; nothing is mocked.
"""

import socket
import threading
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from qualitymark.core import health

from .support import HEALTHZ_REQUEST, clean_env, run_django, sqlite_url

KEYS = {"database", "cache", "broker", "status"}
CLOSED_PORT_POSTGRES = "postgres://postgres@127.0.0.1:1/nothing"


def redis_db_15() -> str:
    """The session's Redis, database 15, so the test cannot touch real data."""
    parts = urlsplit(settings.REDIS_URL or "redis://127.0.0.1:6379/0")
    return urlunsplit((parts.scheme, parts.netloc, "/15", "", ""))


@pytest.mark.django_db
def test_healthz_answers_with_the_three_states(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert set(body) == KEYS
    assert body["database"] == "ok"
    assert body["cache"] in {"ok", "local"}
    assert body["broker"] in {"ok", "eager"}
    assert body["status"] == "ok"


def test_healthz_on_the_default_set_up_reports_local_services(tmp_path):
    env = clean_env(DATABASE_URL=sqlite_url(tmp_path))

    result = run_django(HEALTHZ_REQUEST, env=env)

    assert result["status_code"] == 200
    assert result["body"] == {
        "database": "ok",
        "cache": "local",
        "broker": "eager",
        "status": "ok",
    }


def test_healthz_is_503_when_the_database_is_unreachable():
    result = run_django(HEALTHZ_REQUEST, env=clean_env(DATABASE_URL=CLOSED_PORT_POSTGRES))

    assert result["status_code"] == 503
    assert result["content_type"] == "application/json"
    body = result["body"]
    assert set(body) == KEYS
    assert body["database"] == "error: OperationalError"
    assert body["status"] == "down"
    # The other checks still run and report on their own.
    assert body["cache"] == "local"
    assert body["broker"] == "eager"
    # The error names the kind of failure, never the host or the credentials.
    assert "127.0.0.1" not in str(body)


@pytest.mark.redis
def test_healthz_reports_redis_cache_and_broker_ok(tmp_path):
    env = clean_env(DATABASE_URL=sqlite_url(tmp_path), REDIS_URL=redis_db_15())

    result = run_django(HEALTHZ_REQUEST, env=env)

    assert result["status_code"] == 200
    assert result["body"] == {"database": "ok", "cache": "ok", "broker": "ok", "status": "ok"}


def test_healthz_stays_up_but_degraded_when_redis_is_refused(tmp_path):
    env = clean_env(DATABASE_URL=sqlite_url(tmp_path), REDIS_URL="redis://127.0.0.1:1/0")

    result = run_django(HEALTHZ_REQUEST, env=env)

    assert result["status_code"] == 200
    body = result["body"]
    assert body["database"] == "ok"
    assert body["cache"].startswith("error: ")
    assert body["broker"].startswith("error: ")
    assert body["status"] == "degraded"
    # A refused connection is reported at once: no retries with back-off.
    assert result["seconds"] < 1.5


def test_a_redis_that_never_answers_cannot_hang_healthz(tmp_path):
    # A real listening socket that completes the TCP handshake (the kernel does
    # that for the backlog) but never reads or writes: the worst case for a client.
    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    port = silent.getsockname()[1]
    env = clean_env(DATABASE_URL=sqlite_url(tmp_path), REDIS_URL=f"redis://127.0.0.1:{port}/0")
    try:
        result = run_django(HEALTHZ_REQUEST, env=env, timeout=60)
    finally:
        silent.close()

    assert result["status_code"] == 200
    body = result["body"]
    assert body["database"] == "ok"
    assert body["cache"].startswith("error: ")
    assert body["broker"].startswith("error: ")
    assert body["status"] == "degraded"
    limit = 2 * health.CHECK_DEADLINE_SECONDS + 1
    assert result["seconds"] < limit


def test_a_stuck_check_is_not_started_twice():
    release = threading.Event()

    def stuck() -> str:
        release.wait(10)
        return "ok"

    try:
        assert health._with_deadline("runtime-test", stuck, 0.1) == "error: timeout"
        assert (
            health._with_deadline("runtime-test", stuck, 0.1)
            == "error: timeout (previous check still running)"
        )
    finally:
        release.set()
    health._running["runtime-test"].join(5)
    assert health._with_deadline("runtime-test", lambda: "ok", 1) == "ok"


def test_a_failing_check_reports_only_the_exception_name():
    def failing() -> str:
        raise ConnectionError("secret-host.internal:6379 password=hunter2")

    assert health._with_deadline("runtime-test-error", failing, 1) == "error: ConnectionError"
