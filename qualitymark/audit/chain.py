"""The audit trail's hash chain.

Each event carries a position (1, 2, 3, ...), the previous event's hash and its
own hash: an HMAC-SHA256, keyed with ``AUDIT_CHAIN_KEY`` (never stored in the
database), over the event's canonical content and the previous hash. Editing,
deleting, re-ordering or back-dating an event therefore shows, and someone who
can write to the table but does not hold the key cannot forge a new chain.

Personal data is kept out of the chain: the actor is chained by id; the actor's
e-mail, the internet address and any typed e-mail live beside the event
(AuditEventPersonal), where retention and erasure can remove them; the target
description and changes are chained through their own keyed digest,
``details_digest``.

New events are linked under a transaction-scoped advisory lock, so concurrent
transactions chain one after another; the lock is held until the transaction
that recorded the event ends.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import connection

# Any fixed number: the key of pg_advisory_xact_lock for "append to the audit chain".
ADVISORY_LOCK_KEY = 0x5155_4D41_5544_4954 & 0x7FFF_FFFF_FFFF_FFFF


def _key() -> bytes:
    return (settings.AUDIT_CHAIN_KEY or settings.SECRET_KEY).encode()


def _mac(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(_key(), text.encode(), hashlib.sha256).hexdigest()


def details_digest(event) -> str:
    return _mac({"target_repr": event.target_repr, "changes": event.changes})


def chain_hash(event) -> str:
    return _mac(
        {
            "position": event.position,
            "created_at": event.created_at.astimezone(UTC).isoformat(),
            "actor_id": event.actor_id,
            "action": event.action,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "details_digest": event.details_digest,
            "previous_hash": event.previous_hash,
        }
    )


def lock_chain() -> None:
    """Hold the chain until the current transaction ends (PostgreSQL only; SQLite
    serialises writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def link(event, last) -> None:
    """Fill in ``event``'s position and hashes after ``last`` (None for the first)."""
    event.position = (last.position + 1) if last else 1
    event.previous_hash = last.chain_hash if last else ""
    event.details_digest = details_digest(event)
    event.chain_hash = chain_hash(event)
