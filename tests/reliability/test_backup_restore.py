"""Backup, then restore into a new empty database and folder: every table's
rows and every file come back."""

import hashlib
import subprocess
import uuid

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from moderation.models.awards import Certificate
from qualitymark.files.storage import private_storage
from tests.awards.builders import Panel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def pg(*args):
    db = connection.settings_dict
    command = [*args, "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"]]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - PostgreSQL tools


@pytest.fixture
def empty_database():
    name = f"qm_restore_{uuid.uuid4().hex[:8]}"
    pg("createdb", name)
    db = connection.settings_dict
    yield name, f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
    pg("dropdb", "--if-exists", "--force", name)


def rows(dbname: str, query: str) -> list:
    db = connection.settings_dict
    reader = psycopg2.connect(dbname=dbname, user=db["USER"], host=db["HOST"], port=db["PORT"])
    try:
        with reader.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchall()
    finally:
        reader.close()


def test_backup_then_restore_into_an_empty_database(tmp_path, empty_database, settings):
    panel = Panel()
    panel.published_award()
    panel.award()
    certificates = list(Certificate.objects.all())
    assert len(certificates) == 2

    call_command("backup", str(tmp_path / "backup"))
    name, url = empty_database
    restored_files = tmp_path / "restored-files"
    call_command(
        "restore", str(tmp_path / "backup"), database_url=url, files_to=str(restored_files)
    )  # raises if a count or a file differs

    live = connection.settings_dict["NAME"]
    for query in (
        "SELECT number, verification_token, status, is_published FROM moderation_award ORDER BY id",
        "SELECT * FROM audit_auditevent ORDER BY id",
        "SELECT id, status, body, message_id FROM notifications_sentemail ORDER BY id",
    ):
        assert rows(name, query) == rows(live, query), query
    for certificate in certificates:
        with private_storage().open(certificate.storage_key) as original:
            assert hashlib.sha256(original.read()).hexdigest() == certificate.sha256
        copy = (restored_files / certificate.storage_key).read_bytes()
        assert hashlib.sha256(copy).hexdigest() == certificate.sha256

    # Never over existing data.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "backup"), database_url=url)
