"""Helpers for the runtime tests: run Python or Django in a fresh process.

Settings are read once, when Django starts, so every test of a different
environment runs in its own interpreter. The environment is rebuilt from scratch
for each run: whatever the developer or CI exported for the test session
(DATABASE_URL, REDIS_URL, DJANGO_*, AWS_*, ...) is removed first, then the test
sets exactly what it wants.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

_STRIPPED_PREFIXES = ("DJANGO_", "AWS_", "CELERY_", "GUNICORN_", "HEALTHCHECK_")
_STRIPPED_NAMES = {
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SITE_URL",
    "PRIVATE_MEDIA_ROOT",
    "SIGNED_URL_SECONDS",
    "ACCOUNT_EMAIL_VERIFICATION",
    "LOG_LEVEL",
    "PORT",
    "WEB_CONCURRENCY",
    "PYTHONPATH",
}

RESULT_MARKER = "@@runtime-test-result@@"


def clean_env(**wanted: str) -> dict[str, str]:
    """os.environ without the project's settings variables, plus ``wanted``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_STRIPPED_PREFIXES) and name not in _STRIPPED_NAMES
    }
    env["DJANGO_SETTINGS_MODULE"] = "qualitymark.settings"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(wanted)
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 120):
    """Run ``args`` with this interpreter, from the repository root."""
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_python(code: str, env: dict[str, str], timeout: float = 120):
    return run(["-c", code], env=env, timeout=timeout)


def run_manage(*args: str, env: dict[str, str], timeout: float = 120):
    return run(["manage.py", *args], env=env, timeout=timeout)


def run_django(body: str, env: dict[str, str], timeout: float = 120):
    """Set Django up in a fresh process, run ``body`` and return its ``result``.

    ``body`` is Python that assigns a JSON-serialisable value to ``result``.
    """
    code = f"import django\ndjango.setup()\n{body}\n" + (
        f"import json as _json\nprint({RESULT_MARKER!r} + _json.dumps(result, default=str))\n"
    )
    completed = run_python(code, env=env, timeout=timeout)
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER) :])
    raise AssertionError(
        f"the child process gave no result (exit {completed.returncode})\n"
        f"--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
    )


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'db.sqlite3'}"


# Body for run_django: GET /healthz with the test client, report what came back.
HEALTHZ_REQUEST = """
import time
from django.test import Client
from django.urls import resolve

client = Client()
client.handler.load_middleware()  # time the check, not the first request's imports
resolve("/healthz")
started = time.monotonic()
response = client.get("/healthz")
result = {
    "status_code": response.status_code,
    "content_type": response["Content-Type"],
    "body": response.json(),
    "seconds": time.monotonic() - started,
}
"""
