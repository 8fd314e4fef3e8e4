"""A lock on a name for the rest of the transaction, so that two requests doing the same
thing at once take turns (PostgreSQL's advisory locks; SQLite's immediate transactions
already take turns)."""

from django.db import connection


def lock_name_for_transaction(name: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # hashtext gives a 32-bit key, apart from the audit chain's 64-bit one.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
