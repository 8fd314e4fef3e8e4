"""A transactional outbox: nothing that must follow a change is lost.

A service calls ``enqueue(handler, **kwargs)`` inside its transaction. That
writes an ``OutboxJob`` row, so the job exists exactly when the change does.
After the commit the job is dispatched (``robust``: a dead broker or cache never
turns a committed change into an error page):

- ``inline`` jobs (cache invalidation) run in the web process at once;
- the others go to a Celery worker (``run_outbox_job``).

Whatever is not done by its ``next_attempt_at`` (the broker was down, the
worker died, the handler failed) is dispatched again by ``sweep()``, run by
Celery beat and by ``manage.py sweep_outbox``. So every job runs at least once;
handlers are idempotent, so the effect happens once. Other apps add their own
checks to the sweep with ``register_sweep`` (e.g. awards without a current
certificate, e-mails not yet accepted by the mail server).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxJob

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
# Inline jobs are cheap (a cache write): retried at every sweep.
INLINE_RETRY = timedelta(seconds=30)
# After a failed publish, jobs are left to the sweep for this long instead of
# making every request wait for the dead broker again.
BROKER_PAUSE_SECONDS = 15.0
_broker_down_until = 0.0

LOCK_WAIT_SECONDS = 60

SWEEPS: list[Callable[..., int]] = []


def register_sweep(check: Callable[..., int]) -> None:
    """``check(inline=...)`` returns how many things it dispatched again."""
    if check not in SWEEPS:
        SWEEPS.append(check)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _redispatch_delay() -> timedelta:
    return timedelta(minutes=settings.OUTBOX_REDISPATCH_MINUTES)


def enqueue(handler: str, *, inline: bool = False, **kwargs) -> OutboxJob:
    """Record a job in the current transaction; dispatch it once it commits."""
    job = OutboxJob.objects.create(
        handler=handler,
        kwargs=kwargs,
        inline=inline,
        next_attempt_at=timezone.now() + _redispatch_delay(),
    )
    job_id = job.pk
    transaction.on_commit(lambda: dispatch(job_id, inline=inline), robust=True)
    return job


def broker_available() -> bool:
    return time.monotonic() >= _broker_down_until


def publish(task, *args, **kwargs) -> bool:
    """``task.delay(...)``, or False if the broker is down (the sweep retries)."""
    global _broker_down_until
    if not broker_available():
        return False
    try:
        task.delay(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - any broker failure: leave it to the sweep
        if task.app.conf.task_always_eager:  # the job itself failed, in this process
            logger.exception("Job %s failed; the sweep will run it again", task.name)
            return False
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("Broker unavailable (%s); the sweep will send the job", type(error).__name__)
        return False
    return True


def dispatch(job_id: int, *, inline: bool) -> bool:
    if inline:
        return run_job(job_id)
    from .tasks import run_outbox_job

    if publish(run_outbox_job, job_id):
        return True
    # Not queued: due for the very next sweep, not after the usual wait.
    OutboxJob.objects.filter(pk=job_id, done_at__isnull=True).update(next_attempt_at=timezone.now())
    return False


def _limit_lock_wait() -> None:
    """Wait at most LOCK_WAIT for a job's row: one held by a connection that
    is gone but not yet noticed is left to a later sweep, not waited on."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = %s", [f"{LOCK_WAIT_SECONDS}s"])


def run_job(job_id: int) -> bool:
    """Run one job if it is still pending. Returns whether this call did it."""
    with transaction.atomic():
        _limit_lock_wait()
        job = (
            # Blocking: a second delivery waits for the first and then finds
            # it done (or, if that worker died, runs it).
            OutboxJob.objects.select_for_update().filter(pk=job_id, done_at__isnull=True).first()
        )
        if job is None:
            return False
        job.attempts += 1
        try:
            with transaction.atomic():
                import_string(job.handler)(**job.kwargs)
        except Exception as error:  # noqa: BLE001 - recorded and retried by the sweep
            logger.warning("Outbox job %s failed: %r", job.pk, error)
            job.last_error = f"{type(error).__name__}: {error}"[:2000]
            job.next_attempt_at = timezone.now() + (
                INLINE_RETRY if job.inline else backoff(job.attempts)
            )
            job.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return False
        job.done_at = timezone.now()
        job.save(update_fields=["attempts", "done_at"])
        return True


def sweep(*, inline: bool = False) -> dict:
    """Dispatch again every pending job that is overdue, then run the
    registered checks. ``inline`` runs the jobs here instead of on a worker."""
    now = timezone.now()
    due = list(
        OutboxJob.objects.filter(done_at__isnull=True, next_attempt_at__lte=now).values_list(
            "pk", "inline"
        )[:1000]
    )
    dispatched = 0
    for job_id, job_inline in due:
        OutboxJob.objects.filter(pk=job_id, done_at__isnull=True).update(
            next_attempt_at=now + _redispatch_delay()
        )
        dispatched += bool(dispatch(job_id, inline=inline or job_inline) or inline)
    OutboxJob.objects.filter(done_at__lt=now - timedelta(days=30)).delete()
    report = {"outbox": dispatched}
    for check in SWEEPS:
        try:
            report[check.__name__] = check(inline=inline)
        except Exception:
            logger.exception("Sweep %s failed", check.__name__)
            report[check.__name__] = "failed"
    return report
