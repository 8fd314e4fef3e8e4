"""The portal's own database role cannot rewrite the audit trail.

With two roles configured (DATABASE_OWNER_URL, as in CI and docker-compose.yml)
the test database is created and migrated by the owner, and `migrate` grants the
portal's role (DATABASE_URL's user) its privileges. These tests connect to the
test database as that role and try each way of changing history."""

import os

import environ
import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from psycopg2 import errors

from qualitymark.audit.services import record_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def app_role():
    """A connection to the test database as the portal's role; each statement is rolled back."""
    if not settings.DATABASE_OWNER_URL:
        reason = "two database roles (DATABASE_OWNER_URL; see README 'Database roles')"
        if IN_CI:
            pytest.fail(f"CI must run this test but needs {reason}", pytrace=False)
        pytest.skip(f"needs {reason}")
    app = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=app["USER"],
        password=app.get("PASSWORD") or None,
        host=app.get("HOST") or None,
        port=app.get("PORT") or None,
    )
    yield conn
    conn.rollback()
    conn.close()


def run(conn, sql: str, params=None):
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        conn.rollback()


def test_the_tests_run_as_the_owner_and_the_portal_as_another_role(app_role):
    assert connection.settings_dict["USER"] != settings.DATABASE_APP_ROLE
    rows = run(app_role, "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
    assert rows == [(settings.DATABASE_APP_ROLE, False)]
    owned = run(app_role, "SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
    assert owned == [(0,)]


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        ("TRUNCATE audit_auditevent", errors.InsufficientPrivilege),
        ("DELETE FROM audit_auditevent", errors.InsufficientPrivilege),
        ("UPDATE audit_auditevent SET action = 'tampered'", errors.InsufficientPrivilege),
        (
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
            errors.InsufficientPrivilege,
        ),
        ("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL", errors.InsufficientPrivilege),
        ("SET session_replication_role = replica", errors.InsufficientPrivilege),
        ("DROP TABLE audit_auditevent", errors.InsufficientPrivilege),
        (
            "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
            errors.InsufficientPrivilege,
        ),
        ("CREATE TABLE audit_shadow (id int)", errors.InsufficientPrivilege),
    ],
    ids=[
        "truncate",
        "delete",
        "update",
        "disable-trigger",
        "disable-all-triggers",
        "replication-role",
        "drop-table",
        "drop-trigger",
        "create-table",
    ],
)
def test_the_portal_role_cannot_rewrite_the_audit_trail(app_role, sql, error):
    with pytest.raises(error):
        run(app_role, sql)


def test_the_portal_role_can_append_and_read_the_audit_trail(app_role):
    record_event(actor=None, action="test.committed_by_owner")
    inserted = run(
        app_role,
        "INSERT INTO audit_auditevent (created_at, action, target_type, "
        "target_id, target_repr, changes, position, previous_hash, details_digest, chain_hash)"
        " VALUES (now(), 'test.by_app', '', '', '', '{}', 999999, '', '', '') RETURNING id",
    )
    assert len(inserted) == 1
    assert run(app_role, "SELECT count(*) FROM audit_auditevent") is not None


def test_the_portal_role_reads_and_writes_the_other_tables(app_role):
    assert run(app_role, "SELECT count(*) FROM users_user") is not None
    run(app_role, "UPDATE users_user SET email = email WHERE false")
    run(app_role, "DELETE FROM django_session WHERE false")
    with pytest.raises(errors.InsufficientPrivilege):
        run(app_role, "TRUNCATE django_session")
