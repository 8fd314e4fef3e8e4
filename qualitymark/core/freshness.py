"""Figures worked out once for each state of the database.

Two statements that read under the same PostgreSQL snapshot (the same
transactions finished and the same still running) see the same rows: MVCC
promises it. So a value cached under the snapshot it was worked out in is
served again only while no transaction has begun writing or finished since,
and is never stale. Any write anywhere just means the figures are worked out
afresh. Inside a transaction (which may hold writes of its own that could still
be rolled back) and on other databases (the SQLite demo) they are worked out
every time."""

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection

TIMEOUT_SECONDS = 600


def snapshot() -> str | None:
    """The database's current snapshot, or None where it cannot be trusted."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def until_next_write(name: str, compute: Callable[[], Any], *, vary: tuple = ()) -> Any:
    """compute(), or what it gave when the database was last in this state.
    `vary` holds anything else the value depends on (today's date)."""
    state = snapshot()
    if state is None:
        return compute()
    # Snapshots are the whole server's: the database's name keeps two
    # databases on one server (and one Redis) apart.
    # Hashed: a busy server's snapshot lists every transaction still running.
    database = connection.settings_dict["NAME"]
    digest = hashlib.sha256(":".join([database, state, *map(str, vary)]).encode()).hexdigest()
    key = f"until-next-write:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT_SECONDS)
    return value
