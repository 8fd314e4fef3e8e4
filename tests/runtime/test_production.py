"""Production mode: it refuses unsafe settings, passes Django's deploy checks and
sends the security headers. Each case runs in a fresh process with its own
environment."""

import re
import secrets
import socket
import subprocess
import sys
import time

import pytest
from django.urls import reverse

from .support import REPO_ROOT, clean_env, run, run_django, run_manage, run_python, sqlite_url

HOST = "qualitymark.example"


def production_env(tmp_path, **extra) -> dict[str, str]:
    return clean_env(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=sqlite_url(tmp_path),
        **extra,
    )


# --- Refusing to start ----------------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    [None, ""],
    ids=["unset", "empty (as docker compose passes it when unset)"],
)
def test_production_refuses_to_start_without_a_secret_key(secret):
    env = clean_env(DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS=HOST)
    if secret is not None:
        env["DJANGO_SECRET_KEY"] = secret

    completed = run_python("import django; django.setup()", env=env)

    assert completed.returncode != 0
    assert "ImproperlyConfigured" in completed.stderr
    assert "DJANGO_SECRET_KEY is required when DJANGO_ENV=production" in completed.stderr


def test_production_refuses_to_start_with_debug_on():
    env = clean_env(
        DJANGO_ENV="production",
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
    )

    completed = run_python("import django; django.setup()", env=env)

    assert completed.returncode != 0
    assert "ImproperlyConfigured" in completed.stderr
    assert "DJANGO_DEBUG must be off when DJANGO_ENV=production" in completed.stderr


def test_production_starts_with_a_secret_key_and_debug_off(tmp_path):
    result = run_django(
        "from django.conf import settings\n"
        "result = {'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS}",
        env=production_env(tmp_path),
    )

    assert result == {"debug": False, "hosts": [HOST]}


# --- Django's deployment checklist ----------------------------------------------------


def test_check_deploy_passes_without_warnings():
    env = clean_env(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
    )

    completed = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "System check identified no issues" in completed.stdout
    assert "WARNING" not in output
    assert not re.search(r"\(\w+(\.\w+)*\.[EW]\d+\)", output), output


# --- Security headers -----------------------------------------------------------------


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_strict_csp(header: str) -> None:
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    directives = csp_directives(header)
    assert directives["default-src"] == ["'self'"]
    assert "script-src" in directives
    assert "style-src" in directives
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["core:home", "account_login"])
def test_pages_send_the_security_headers(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert_strict_csp(response["Content-Security-Policy"])
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["core:home", "account_login"])
def test_pages_need_no_inline_script_or_style(client, url_name):
    """The strict policy holds only if pages carry no inline code to allow."""
    html = client.get(reverse(url_name)).content.decode()

    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE):
        assert re.search(r"\bsrc=", tag), f"inline script: {tag}"
    assert not re.search(r"<style\b", html, flags=re.IGNORECASE), "inline <style> element"
    assert not re.search(r"\sstyle=", html, flags=re.IGNORECASE), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", html, flags=re.IGNORECASE), "inline event handler"


PRODUCTION_REQUESTS = """
from django.test import Client

client = Client()
def seen(response):
    return {
        "status_code": response.status_code,
        "location": response.get("Location"),
        "hsts": response.get("Strict-Transport-Security"),
        "csp": response.get("Content-Security-Policy"),
        "x_frame_options": response.get("X-Frame-Options"),
        "nosniff": response.get("X-Content-Type-Options"),
        "referrer_policy": response.get("Referrer-Policy"),
    }

result = {
    "secure": seen(client.get("/healthz", secure=True, HTTP_HOST="qualitymark.example")),
    "behind_proxy": seen(
        client.get("/healthz", HTTP_HOST="qualitymark.example", HTTP_X_FORWARDED_PROTO="https")
    ),
    "plain_http": seen(client.get("/healthz", HTTP_HOST="qualitymark.example")),
    "other_host": seen(client.get("/healthz", secure=True, HTTP_HOST="attacker.example")),
}
"""

HSTS = "max-age=31536000; includeSubDomains; preload"


def test_production_sends_hsts_over_https_and_redirects_plain_http(tmp_path):
    result = run_django(PRODUCTION_REQUESTS, env=production_env(tmp_path))

    for case in ("secure", "behind_proxy"):
        seen = result[case]
        assert seen["status_code"] == 200, case
        assert seen["hsts"] == HSTS, case
        assert_strict_csp(seen["csp"])
        assert seen["x_frame_options"] == "DENY"
        assert seen["nosniff"] == "nosniff"
        assert seen["referrer_policy"] == "same-origin"

    assert result["plain_http"]["status_code"] == 301
    assert result["plain_http"]["location"] == f"https://{HOST}/healthz"
    assert result["plain_http"]["hsts"] is None  # HSTS is only ever sent over https
    assert result["other_host"]["status_code"] == 400


def test_production_without_the_https_redirect_serves_plain_http(tmp_path):
    """What docker-compose.yml does for its stack on http://localhost."""
    env = production_env(tmp_path, DJANGO_SECURE_SSL_REDIRECT="false")

    result = run_django(PRODUCTION_REQUESTS, env=env)

    assert result["plain_http"]["status_code"] == 200
    assert result["plain_http"]["hsts"] is None
    assert result["secure"]["hsts"] == HSTS


# --- The container's web process and health check -------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen on {port} within {seconds}s")


def test_container_health_check_passes_against_gunicorn_in_production(tmp_path):
    """docker/gunicorn.conf.py serves the site and docker/healthcheck.py (the image's
    HEALTHCHECK) gets a 200 through production's host check and HTTPS redirect."""
    port = free_port()
    env = production_env(tmp_path, PORT=str(port), WEB_CONCURRENCY="1", GUNICORN_THREADS="2")
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(REPO_ROOT / "docker" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "qualitymark.wsgi:application",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, server, seconds=30)
            check = run([str(REPO_ROOT / "docker" / "healthcheck.py")], env=env, timeout=30)
            plain = run_python(
                "import http.client\n"
                f"c = http.client.HTTPConnection('127.0.0.1', {port}, timeout=10)\n"
                f"c.request('GET', '/healthz', headers={{'Host': '{HOST}'}})\n"
                "print(c.getresponse().status)",
                env=env,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)

    assert check.returncode == 0, check.stdout + check.stderr + log.read_text()
    assert check.stdout.startswith("healthz 200: ")
    assert '"database": "ok"' in check.stdout
    # Without the proxy's header the same request is sent to https.
    assert plain.stdout.strip() == "301"
    assert "GET /healthz" in log.read_text()  # the access log goes to stdout
