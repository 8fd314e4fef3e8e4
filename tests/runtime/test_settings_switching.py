"""Every part switches from its local default to the real service through one
environment variable (DESIGN.md §6). Settings only, in fresh processes: nothing
here connects to a service."""

from urllib.parse import parse_qs, urlsplit

import pytest

from .support import clean_env, run_django

SETTINGS_REPORT = """
from django.conf import settings
from django.core.files.storage import storages

default_storage = storages["default"]
result = {
    "engine": settings.DATABASES["default"]["ENGINE"],
    "database_name": str(settings.DATABASES["default"]["NAME"]),
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "cache_primary": settings.CACHES["default"].get("OPTIONS", {}).get("PRIMARY"),
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "result_backend": settings.CELERY_RESULT_BACKEND,
    "storage": settings.STORAGES["default"],
    "storage_class": type(default_storage).__module__ + "." + type(default_storage).__name__,
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", None),
    "email_port": getattr(settings, "EMAIL_PORT", None),
    "media_url": settings.MEDIA_URL,
    "static_root": str(settings.STATIC_ROOT),
}
if result["storage"]["BACKEND"].endswith("S3Storage"):
    result["s3"] = {
        "bucket": default_storage.bucket_name,
        "default_acl": default_storage.default_acl,
        "querystring_auth": default_storage.querystring_auth,
        "querystring_expire": default_storage.querystring_expire,
        "file_overwrite": default_storage.file_overwrite,
        "endpoint_url": default_storage.endpoint_url,
        # Signing happens locally: no request is sent to the endpoint.
        "signed_url": default_storage.url("evidence/2026/report.pdf"),
    }
else:
    result["location"] = str(default_storage.location)
"""


def settings_with(**env: str) -> dict:
    return run_django(SETTINGS_REPORT, env=clean_env(**env))


def test_nothing_set_runs_on_local_defaults():
    result = settings_with()

    assert result["engine"] == "django.db.backends.sqlite3"
    assert result["cache_backend"] == "django.core.cache.backends.locmem.LocMemCache"
    assert result["eager"] is True
    assert result["broker"] == "memory://"
    assert result["storage"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": result["location"], "base_url": None},
    }
    assert result["storage_class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    # Private files live outside the static files that are served publicly.
    assert not result["location"].startswith(result["static_root"])
    assert result["email_backend"] == "django.core.mail.backends.console.EmailBackend"


def test_database_url_switches_to_postgresql():
    result = settings_with(DATABASE_URL="postgres://qm:secret@db.internal:5432/qualitymark")

    assert result["engine"] == "django.db.backends.postgresql"
    assert result["database_name"] == "qualitymark"


@pytest.mark.parametrize(
    "url", ["postgres://qm@db/qm", "postgresql://qm@db/qm", "pgsql://qm@db/qm"]
)
def test_every_postgres_url_scheme_selects_postgresql(url):
    assert settings_with(DATABASE_URL=url)["engine"] == "django.db.backends.postgresql"


def test_redis_url_switches_cache_and_celery_to_redis():
    redis_url = "redis://redis.internal:6379/3"

    result = settings_with(REDIS_URL=redis_url)

    # Redis, with a local-memory fall-back while Redis is down (issue 10).
    assert result["cache_backend"] == "qualitymark.core.cache.FailoverCache"
    assert result["cache_primary"] == "django.core.cache.backends.redis.RedisCache"
    assert result["cache_location"] == redis_url
    assert result["eager"] is False
    assert result["broker"] == redis_url
    assert result["result_backend"] == redis_url


def test_bucket_name_switches_files_to_private_s3_with_short_signed_urls():
    result = settings_with(
        AWS_STORAGE_BUCKET_NAME="qualitymark-private",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_ACCESS_KEY_ID="test-access-key",
        AWS_SECRET_ACCESS_KEY="test-secret-key",
    )

    assert result["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert result["storage"]["OPTIONS"]["default_acl"] == "private"
    s3 = result["s3"]
    assert s3["bucket"] == "qualitymark-private"
    assert s3["default_acl"] == "private"
    assert s3["querystring_auth"] is True
    assert 0 < s3["querystring_expire"] <= 600
    assert s3["file_overwrite"] is False
    assert s3["endpoint_url"] == "http://127.0.0.1:9000"

    signed = urlsplit(s3["signed_url"])
    query = parse_qs(signed.query)
    assert signed.netloc == "127.0.0.1:9000"
    assert "X-Amz-Signature" in query
    assert 0 < int(query["X-Amz-Expires"][0]) <= 600


def test_email_url_switches_to_smtp():
    result = settings_with(EMAIL_URL="smtp://mailpit:1025")

    assert result["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert result["email_host"] == "mailpit"
    assert result["email_port"] == 1025
