"""Backing up and restoring the database and the private files.

A backup is a folder holding:

- ``database.dump``: ``pg_dump`` in its custom format (compressed, restorable
  table by table with ``pg_restore``);
- ``files.tar.gz``: the private media folder (evidence, certificates), when
  files are kept on disk. With an S3 bucket, copy the bucket instead
  (``aws s3 sync s3://$AWS_STORAGE_BUCKET_NAME backup/files/``; see README);
- ``manifest.json``: when it was taken, the row count of every table and the
  SHA-256 of every file, which ``restore`` checks after restoring.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection
from django.utils import timezone

DUMP = "database.dump"
FILES = "files.tar.gz"
MANIFEST = "manifest.json"


def _pg_env(settings_dict: dict) -> dict:
    env = {**os.environ}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def settings_from_url(url: str) -> dict:
    parts = urlsplit(url)
    return {
        "HOST": parts.hostname,
        "PORT": parts.port,
        "USER": parts.username,
        "PASSWORD": parts.password,
        "NAME": parts.path.lstrip("/"),
    }


def table_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
        counts[table] = cursor.fetchone()[0]
    return counts


def file_digests(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def backup(*, output: Path, media_root: Path | None) -> dict:
    """Write a backup of the default database (and ``media_root``) to ``output``."""
    output.mkdir(parents=True, exist_ok=True)
    command = [
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        "--file",
        str(output / DUMP),
    ]
    subprocess.run(  # noqa: S603 - pg_dump from PATH, fixed arguments
        command, env=_pg_env(connection.settings_dict), check=True, capture_output=True
    )
    with connection.cursor() as cursor:
        counts = table_counts(cursor)
    files = {}
    if media_root is not None:
        with tarfile.open(output / FILES, "w:gz") as archive:
            if media_root.exists():
                archive.add(media_root, arcname=".")
        files = file_digests(media_root)
    manifest = {"taken_at": timezone.now().isoformat(), "tables": counts, "files": files}
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _counts_in(params: dict) -> dict[str, int]:
    import psycopg2

    target = psycopg2.connect(**{key: value for key, value in params.items() if value})
    try:
        with target.cursor() as cursor:
            return table_counts(cursor)
    finally:
        target.close()


def restore(*, source: Path, database_url: str, files_to: Path | None) -> list[str]:
    """Restore a backup into an empty database (and an empty folder); returns
    what differs from the backup's manifest (nothing, when it worked)."""
    target = settings_from_url(database_url)
    params = {
        "dbname": target["NAME"],
        "user": target["USER"],
        "host": target["HOST"],
        "port": target["PORT"],
        "password": target["PASSWORD"],
    }
    if _counts_in(params):
        raise ValueError(f"The database {target['NAME']} is not empty.")
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--dbname",
        target["NAME"],
        str(source / DUMP),
    ]
    subprocess.run(  # noqa: S603 - pg_restore from PATH, fixed arguments
        command, env=_pg_env(target), check=True, capture_output=True
    )
    manifest = json.loads((source / MANIFEST).read_text())
    if files_to is not None and (source / FILES).exists():
        if files_to.exists() and any(files_to.iterdir()):
            raise ValueError(f"The folder {files_to} is not empty.")
        files_to.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / FILES, "r:gz") as archive:
            archive.extractall(files_to, filter="data")
    restored = _counts_in(params)
    problems = [
        f"{table}: {count} rows in the backup, {restored.get(table)} restored"
        for table, count in manifest["tables"].items()
        if restored.get(table) != count
    ]
    if files_to is not None and manifest["files"]:
        restored_files = file_digests(files_to)
        problems += [
            f"file {name} missing or changed"
            for name, digest in manifest["files"].items()
            if restored_files.get(name) != digest
        ]
    return problems
