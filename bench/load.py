"""A bounded load run against the real stack: gunicorn, PostgreSQL and Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualitymark \\
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/load.py

It creates a throw-away database next to DATABASE_URL's (never touching that
one), migrates it and loads the demo data, starts gunicorn on a spare port,
then runs LOAD_USERS simulated people for LOAD_ROUNDS rounds each: the public
register and its downloads, a verification page and a badge, /healthz, and a
signed-in agency lead's pages. Jobs go to a queue of their own in Redis,
which is emptied afterwards. It prints the count, error count, median and 95th
percentile time of each kind of request, and exits 1 if there was any error
(a 5xx, a refused connection or an unexpected answer). It is not a timed test.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
USERS = int(os.environ.get("LOAD_USERS", "8"))
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "15"))
LEAD = "lead@downsweald.org.uk"  # a demo agency with a published award
PASSWORD = "demo-password-2026"  # noqa: S105 - the documented demo password

results: dict[str, list[float]] = defaultdict(list)
errors: dict[str, list[str]] = defaultdict(list)
lock = threading.Lock()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_urls() -> tuple[str, str]:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (postgres://...).")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL (redis://...).")
    parts = urlsplit(base)
    name = f"qm_load_{uuid.uuid4().hex[:8]}"
    return name, urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def pg(url: str, *args: str) -> None:
    parts = urlsplit(url)
    env = {**os.environ, "PGPASSWORD": parts.password or ""}
    command = [*args, "-h", parts.hostname, "-p", str(parts.port or 5432), "-U", parts.username]
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603


def record(kind: str, started: float, response=None, error: str = "", expect=(200,)):
    with lock:
        results[kind].append((time.perf_counter() - started) * 1000)
        if error:
            errors[kind].append(error)
        elif response is not None and response.status_code not in expect:
            errors[kind].append(f"{response.status_code} {response.url}")


def call(session, kind, method, url, expect=(200,), **kwargs):
    started = time.perf_counter()
    try:
        response = session.request(method, url, timeout=60, allow_redirects=False, **kwargs)
    except requests.RequestException as error:
        record(kind, started, error=type(error).__name__)
        return None
    record(kind, started, response, expect=expect)
    return response


def person(base: str, token: str, slug: str) -> None:
    session = requests.Session()
    login = call(session, "sign-in page", "GET", f"{base}/accounts/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    call(
        session,
        "sign in",
        "POST",
        f"{base}/accounts/login/",
        expect=(302,),
        data={"login": LEAD, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    public = requests.Session()
    for _ in range(ROUNDS):
        call(public, "register", "GET", f"{base}/register/")
        call(public, "register search", "GET", f"{base}/register/?q=adoption&region=london")
        call(public, "register.csv", "GET", f"{base}/register.csv")
        call(public, "register.json", "GET", f"{base}/register.json")
        call(public, "verify", "GET", f"{base}/verify/{token}/")
        call(public, "badge", "GET", f"{base}/badge/{slug}.svg")
        call(public, "healthz", "GET", f"{base}/healthz")
        call(session, "dashboard", "GET", f"{base}/dashboard/", expect=(200, 302))
        call(session, "agency", "GET", f"{base}/agency/{slug}/")


def prepare(db_url: str, env: dict) -> tuple[str, str]:
    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,  # noqa: S603
            check=True,
            capture_output=True,
        )

    manage("migrate", "--no-input")
    manage("seed_demo")
    code = (
        "import django;django.setup()\n"
        "from moderation.models.awards import Award\n"
        "award = Award.objects.filter(is_published=True, agency__memberships__user__email="
        f"{LEAD!r}).select_related('agency').first()\n"
        "print(award.verification_token, award.agency.slug)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,  # noqa: S603
        check=True,
        capture_output=True,
        text=True,
    )
    token, slug = found.stdout.split()
    return token, slug


def start_gunicorn(env: dict) -> tuple[subprocess.Popen, str]:
    """gunicorn as production runs it, on a free port; when it answers, its URL."""
    port = free_port()
    gunicorn = subprocess.Popen(  # noqa: S603
        [
            *(sys.executable, "-m", "gunicorn", "qualitymark.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"),
            *("--worker-class", "gthread", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code < 600:
                break
        except requests.RequestException:
            time.sleep(0.2)
    return gunicorn, base


def report(elapsed: float) -> int:
    """Each kind of request's count, errors, median and 95th percentile; 1 on any error."""
    total = sum(len(times) for times in results.values())
    failed = sum(len(found) for found in errors.values())
    print(
        f"{USERS} people x {ROUNDS} rounds: {total} requests in {elapsed:.1f} s "
        f"({total / elapsed:.0f}/s), errors: {failed}"
    )
    print(f"{'request':<18} {'count':>6} {'errors':>6} {'median':>9} {'p95':>9}")
    for kind, times in results.items():
        times.sort()
        p95 = times[max(int(len(times) * 0.95) - 1, 0)]
        print(
            f"{kind:<18} {len(times):>6} {len(errors[kind]):>6} "
            f"{statistics.median(times):>7.0f}ms {p95:>7.0f}ms"
        )
    for kind, found in errors.items():
        for error in found[:5]:
            print(f"  {kind}: {error}")
    return 1 if failed else 0


def main() -> int:
    name, db_url = database_urls()
    queue = f"load-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qualitymark.settings",
        "DATABASE_URL": db_url,
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PRIVATE_MEDIA_ROOT": f"/tmp/{name}-media",  # noqa: S108 - a throw-away folder
        "GUNICORN_LOG_LEVEL": "warning",
    }
    env.pop("CI", None)
    pg(db_url, "createdb", name)
    gunicorn = None
    try:
        token, slug = prepare(db_url, env)
        gunicorn, base = start_gunicorn(env)
        started = time.perf_counter()
        with ThreadPoolExecutor(USERS) as pool:
            list(pool.map(lambda _: person(base, token, slug), range(USERS)))
        elapsed = time.perf_counter() - started
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(30)
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).delete(queue)
        pg(db_url, "dropdb", "--if-exists", "--force", name)
    return report(elapsed)


if __name__ == "__main__":
    sys.exit(main())
