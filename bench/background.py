"""The staff home page after a write, as production serves it: its figures
from before the write, while a job asks a worker to work them out afresh
(qualitymark/core/freshness.py). The jobs go to a queue of the bench's own that
no worker reads (a worker would take a core from the pages being timed) and
that is emptied after; what a worker would do is timed on its own."""

import statistics
import time
from contextlib import contextmanager

QUEUE = "bench-staff-home-refresh"


@contextmanager
def jobs_for_a_worker():
    """Jobs sent to the broker, not run in the request (bench/scale.py runs
    everything else eagerly)."""
    from django.conf import settings
    from redis import Redis

    from qualitymark.celery import app

    saved = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, QUEUE
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = saved
        Redis.from_url(settings.CELERY_BROKER_URL).delete(QUEUE)


def write() -> None:
    """A transaction that writes: it takes a transaction id, so every later
    snapshot differs from every earlier one. And the worker asked after the
    last write has finished (the page asks again, as it would in production)."""
    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from moderation.selectors.staff_home import NAME
    from qualitymark.core import freshness

    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
    cache.delete(freshness._key(NAME, (timezone.localdate(),), "refreshing"))


def worker_ms(repeats: int) -> float:
    """A worker's refresh after a write, in the current database: median ms."""
    from django.utils import timezone

    from moderation.selectors.staff_home import work_out_staff_home

    timings = []
    for _ in range(repeats):
        write()
        started = time.perf_counter()
        work_out_staff_home(timezone.localdate())
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def print_worker(databases: dict[str, str], repeats: int) -> None:
    from bench.testdb import use_database

    timings = []
    for name in databases.values():
        use_database(name)
        timings.append(worker_ms(repeats))
    small, large = timings
    print(
        f"{'  its figures, by a worker':<28} {'':>9} {small:8.1f} {large:8.1f} {'':>9} "
        f"{large / small:7.2f}  (a background job after a write, not a page)"
    )
