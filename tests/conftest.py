"""Test harness.

Tests marked `postgres`, `redis` or `browser` need that real service. In CI
(CI=true) a missing service fails the test; elsewhere the test is skipped and
the run ends with a plain list of what was skipped and how to run it.
"""

import os
import shutil
from collections import Counter

import pytest
from django.conf import settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

_skipped_for: Counter = Counter()


def _postgres_missing() -> str | None:
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return None
    return "PostgreSQL (set DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualitymark)"


def _redis_missing() -> str | None:
    if not settings.REDIS_URL:
        return "Redis (set REDIS_URL=redis://127.0.0.1:6379/0)"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        return f"Redis at {settings.REDIS_URL} ({type(error).__name__})"
    return None


def _browser_missing() -> str | None:
    if os.path.exists(CHROMIUM_PATH) or shutil.which("chromium"):
        return None
    return "Chromium (apt-get install chromium; or set CHROMIUM_PATH)"


SERVICE_CHECKS = {
    "postgres": _postgres_missing,
    "redis": _redis_missing,
    "browser": _browser_missing,
}


def pytest_runtest_setup(item):
    for marker, check in SERVICE_CHECKS.items():
        if item.get_closest_marker(marker) is None:
            continue
        missing = check()
        if missing is None:
            continue
        if IN_CI:
            pytest.fail(f"CI must run this test but {missing} is not available", pytrace=False)
        _skipped_for[missing] += 1
        pytest.skip(f"needs {missing}")


def pytest_terminal_summary(terminalreporter):
    if not _skipped_for:
        return
    terminalreporter.section("tests skipped because a service is missing", sep="-")
    for missing, count in _skipped_for.items():
        terminalreporter.write_line(f"SKIPPED {count} test(s): needs {missing}")
    terminalreporter.write_line(
        "CI runs all of them. To run them here, see 'Running every test' in README.md."
    )


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private-media"), "base_url": None},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _background_jobs_in_process():
    """Run Celery jobs in the test's process even where REDIS_URL (as in CI)
    sends them to a broker; tests of the real worker switch this off."""
    from qualitymark.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- Security (issue 11): two database roles ----------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """With two database roles (DATABASE_OWNER_URL set, as in CI) the tests connect
    as the owner, as `manage.py migrate` does in production: it creates the test
    database, migrates it and grants the portal's role (DATABASE_URL's user) its
    privileges there. tests/audit/test_database_roles.py connects as that role."""
    from django.conf import settings

    from qualitymark.audit.roles import owner_credentials

    credentials = owner_credentials()
    if credentials:
        settings.DATABASES["default"].update(credentials)
