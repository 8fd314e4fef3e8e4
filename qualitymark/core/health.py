"""Readiness checks behind /healthz.

Each check returns a short state string:

- ``"ok"``: the service answered;
- ``"local"`` (cache) or ``"eager"`` (broker): the local default is in use, so
  there is nothing external to reach;
- ``"error: <ExceptionName>"`` or ``"error: timeout"``: the service did not answer.

Only the exception's class name is reported, never its message, so the public
endpoint does not leak host names or credentials.

The database is checked in the request's own thread (Django's connections are
per thread). The cache and the broker are checked in a helper thread with a hard
deadline, so a service that accepts the connection and then says nothing, or a
host name that takes long to resolve, cannot hang the request. At most one check
of each kind runs at a time per process: while an earlier one is still stuck,
the next request says so at once instead of starting another.
"""

import threading
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connection

#: Hard limit, in seconds, for the cache check and for the broker check.
CHECK_DEADLINE_SECONDS = 2.0
#: Socket timeouts, in seconds, for the broker connection the check opens.
BROKER_SOCKET_TIMEOUT = 1.0

LOCAL_CACHE_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)

_running: dict[str, threading.Thread] = {}
_running_lock = threading.Lock()


def _error(error: BaseException) -> str:
    return f"error: {type(error).__name__}"


def _with_deadline(name: str, check: Callable[[], str], seconds: float) -> str:
    """Run ``check`` in a daemon thread and give up waiting after ``seconds``."""
    outcome: list[str] = []

    def run() -> None:
        try:
            outcome.append(check())
        except Exception as error:  # noqa: BLE001 - any failure means "down"
            outcome.append(_error(error))

    with _running_lock:
        previous = _running.get(name)
        if previous is not None and previous.is_alive():
            return "error: timeout (previous check still running)"
        worker = threading.Thread(target=run, name=f"healthz-{name}", daemon=True)
        _running[name] = worker
        worker.start()
    worker.join(seconds)
    if worker.is_alive() or not outcome:
        return "error: timeout"
    return outcome[0]


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return _error(error)
    return "ok"


def cache_state() -> str:
    # Resolve the backend here, in the request thread, so the helper thread
    # reuses its connection pool instead of opening a new one on every call.
    # A fail-over cache answers from local memory while Redis is down: check
    # Redis itself, so /healthz says "degraded" then.
    backend = getattr(caches["default"], "primary", caches["default"])
    backend_path = settings.CACHES["default"]["BACKEND"]

    def check() -> str:
        key = f"healthz:{uuid.uuid4().hex}"
        backend.set(key, "1", 10)
        try:
            if backend.get(key) != "1":
                return "error: value not read back"
        finally:
            backend.delete(key)
        return "local" if backend_path in LOCAL_CACHE_BACKENDS else "ok"

    return _with_deadline("cache", check, CHECK_DEADLINE_SECONDS)


def broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"

    def check() -> str:
        from qualitymark.celery import app

        options = {
            "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
            "socket_timeout": BROKER_SOCKET_TIMEOUT,
            "max_retries": 0,
        }
        with app.connection_for_write(
            connect_timeout=BROKER_SOCKET_TIMEOUT, transport_options=options
        ) as conn:
            # max_retries=0: one attempt, no back-off sleeps between retries.
            conn.ensure_connection(max_retries=0)
        return "ok"

    return _with_deadline("broker", check, CHECK_DEADLINE_SECONDS)


def health_report() -> tuple[dict, bool]:
    """The /healthz body and whether the site can serve requests at all.

    Only the database decides readiness (503 when it is down); a cache or
    broker failure leaves the site up but reports ``"status": "degraded"``.
    """
    report = {
        "database": database_state(),
        "cache": cache_state(),
        "broker": broker_state(),
    }
    healthy = report["database"] == "ok"
    failing = any(state.startswith("error") for state in report.values())
    if not healthy:
        report["status"] = "down"
    elif failing:
        report["status"] = "degraded"
    else:
        report["status"] = "ok"
    return report, healthy
