"""Two PostgreSQL roles: an owner that runs the migrations, and the role the
portal runs as, which may read and write the tables but only INSERT into and
SELECT from the audit trail. Owning a table is what lets a role TRUNCATE,
ALTER (and so disable its triggers) or DROP it, so the portal's role owns nothing.

``settings.DATABASE_OWNER_URL`` names the owner; the portal's role is the user
of ``DATABASE_URL`` (``settings.DATABASE_APP_ROLE``).
"""

from __future__ import annotations

from contextlib import contextmanager

import environ
from django.conf import settings
from django.db import connections

AUDIT_TABLE = "audit_auditevent"


def owner_credentials() -> dict[str, str] | None:
    """{"USER": ..., "PASSWORD": ...} of the owner role, or None when there is one role."""
    if not settings.DATABASE_OWNER_URL:
        return None
    config = environ.Env.db_url_config(settings.DATABASE_OWNER_URL)
    return {"USER": config.get("USER", ""), "PASSWORD": config.get("PASSWORD", "")}


@contextmanager
def connected_as_owner(alias: str = "default"):
    """Reconnect ``alias`` as the owner role for the duration (same database)."""
    credentials = owner_credentials()
    connection = connections[alias]
    if credentials is None or connection.settings_dict.get("USER") == credentials["USER"]:
        yield connection
        return
    saved = {key: connection.settings_dict.get(key, "") for key in credentials}
    connection.close()
    connection.settings_dict.update(credentials)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def grant_app_privileges(connection, app_role: str | None = None) -> bool:
    """Give the portal's role what it needs on every table, and no more on the
    audit trail. Run as the owner, after the migrations. False when there is no
    separate role to grant to (one role, or not PostgreSQL)."""
    app_role = app_role or settings.DATABASE_APP_ROLE
    if connection.vendor != "postgresql" or not app_role:
        return False
    quote = connection.ops.quote_name
    role = quote(app_role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        database = quote(cursor.fetchone()[0])
        for statement in (
            f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {role}",
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"REVOKE CREATE ON SCHEMA public FROM {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
            f"REVOKE ALL ON {quote(AUDIT_TABLE)} FROM {role}",
            f"GRANT SELECT, INSERT ON {quote(AUDIT_TABLE)} TO {role}",
        ):
            cursor.execute(statement)
    return True
