"""Figures worked out once for each state of the database.

Two statements that read under the same PostgreSQL snapshot (the same
transactions finished and the same still running) see the same rows: MVCC
promises it. So a value cached under the snapshot it was worked out in is
served again only while no transaction has begun writing or finished since,
and is never stale. Any write anywhere just means the figures are worked out
afresh. Inside a transaction (which may hold writes of its own that could still
be rolled back) and on other databases (the SQLite demo) they are worked out
every time.

Figures too costly to work out on a request (the staff dashboard's, which
count every application) are kept with the time they were worked out: after a
write, the last ones, if less than STALE_SECONDS old, are served, marked as
worked out before the latest change, while a worker works them out afresh."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

TIMEOUT_SECONDS = 600
STALE_SECONDS = 60
# A refresh asked for and not finished (its worker died) is asked for again after this.
REFRESH_SECONDS = 30


@dataclass(frozen=True)
class Kept:
    value: Any
    worked_out_at: datetime
    # Worked out in the database's present state: nothing written since.
    is_current: bool = True


def snapshot() -> str | None:
    """The database's current snapshot, or None where it cannot be trusted."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def _key(name: str, vary: tuple, state: str = "last") -> str:
    # Snapshots are the whole server's: the database's name keeps two
    # databases on one server (and one Redis) apart.
    # Hashed: a busy server's snapshot lists every transaction still running.
    # "kept": values are Kept, not the bare values kept before (none is read back).
    database = connection.settings_dict["NAME"]
    parts = ["kept", database, state, *map(str, vary)]
    digest = hashlib.sha256(":".join(parts).encode()).hexdigest()
    return f"until-next-write:{name}:{digest}"


def until_next_write(name: str, compute: Callable[[], Any], *, vary: tuple = ()) -> Any:
    """compute(), or what it gave when the database was last in this state.
    `vary` holds anything else the value depends on (today's date)."""
    return latest(name, compute, vary=vary).value


def latest(name: str, compute: Callable[[], Any], *, vary: tuple = (), refresh=None) -> Kept:
    """As until_next_write, with the time the value was worked out. Given
    `refresh` (a task taking `vary`'s strings that calls work_out), a value
    from before the latest write is served while the task runs, if it is
    less than STALE_SECONDS old and a worker can be asked."""
    state = snapshot()
    if state is None:
        return Kept(compute(), timezone.now())
    kept = cache.get(_key(name, vary, state))
    if kept is not None:
        return kept
    last = cache.get(_key(name, vary))
    if (
        refresh is not None
        and last is not None
        and timezone.now() - last.worked_out_at < timedelta(seconds=STALE_SECONDS)
        and _refresh_asked(name, vary, refresh)
    ):
        return replace(last, is_current=False)
    return _keep(name, vary, state, compute)


def work_out(name: str, compute: Callable[[], Any], *, vary: tuple = ()) -> Kept:
    """A refresh task's work: compute() in the present state, kept for the
    pages that ask next."""
    try:
        state = snapshot()
        if state is None:
            return Kept(compute(), timezone.now())
        return _keep(name, vary, state, compute)
    finally:
        cache.delete(_key(name, vary, "refreshing"))


def _keep(name: str, vary: tuple, state: str, compute: Callable[[], Any]) -> Kept:
    kept = Kept(compute(), timezone.now())
    cache.set(_key(name, vary, state), kept, TIMEOUT_SECONDS)
    cache.set(_key(name, vary), kept, TIMEOUT_SECONDS)
    return kept


def _refresh_asked(name: str, vary: tuple, refresh) -> bool:
    """A worker has been asked to work the value out afresh (now, or by a
    look moments ago). Not with eager jobs (no worker) or no broker."""
    from .outbox import publish

    if refresh.app.conf.task_always_eager:
        return False
    asking = _key(name, vary, "refreshing")
    if not cache.add(asking, True, REFRESH_SECONDS):
        return True
    if publish(refresh, *map(str, vary)):
        return True
    cache.delete(asking)
    return False
