"""Issue 16 in one run: every figure side by side.

    DATABASE_URL=... DATABASE_OWNER_URL=... REDIS_URL=... .venv/bin/python bench/scale.py

In a throw-away test database it builds 1x data (tests/performance/world.py,
20 units: 2,000 applications, 400 agencies, 540 awards); copies that database
and grows the copy to 10x. Each signed-in list page is then asked for in the two
databases in turn, request by request (so that a slower minute of the machine
falls on both sizes), and printed with its query count and in-process median at
1x and 10x, the ratio to a trivial view measured the same way and to its own 1x
time. Then the uncached register CSV and
JSON at 10x (5,400 awards), then, against gunicorn on the same database and
Redis, the cached register's requests per second under wrk (8 connections)
next to the trivial view's, and the time to refuse an oversized upload; then
the PDF ratios (bench/pdfs.py). BENCH_UNITS (20) and BENCH_SCALE (10) change
the sizes; BENCH_REPEATS (21) the requests per median.
"""

import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

UNITS = int(os.environ.get("BENCH_UNITS", "20"))
SCALE = int(os.environ.get("BENCH_SCALE", "10"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "21"))
TRIVIAL = "/bench/trivial/"
BLANK = "Signed-in blank page"
MB = 1024 * 1024


def median_ms(client, url, *, repeats=REPEATS, clear_cache=False):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    timings, queries = [], 0
    for _ in range(repeats):
        if clear_cache:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(timings), queries


def _pages():
    """(name, who asks, URL, what to do first) for every measured page."""
    from django.urls import reverse

    from bench import background
    from tests.performance.test_query_counts import PAGES, QUERY

    pages = [("Trivial view", None, TRIVIAL, None), (BLANK, "staff", "/bench/blank/", None)]
    for name, (who, url_name, _) in PAGES.items():
        pages.append((name, who, reverse(url_name) + QUERY.get(name, ""), None))
        if name == "dashboard":
            # Its figures are kept until the database next changes
            # (qualitymark/core/freshness.py): this is the first look after a write.
            pages.append(("dashboard, after a write", who, reverse(url_name), background.write))
    return pages


def _first_look(client, url, before) -> int:
    """Warm the page up; its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    if before:
        before()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def measure_side_by_side(world, databases: dict[str, str]) -> dict[str, dict]:
    """Each page's (median ms, queries) in each database. The sizes take turns
    request by request, so a slower minute of the machine falls on both; each
    database keeps its connection open, as production's do."""
    from django.test import Client

    from bench.testdb import kept_connections
    from tests.performance.test_query_counts import _user

    pages = _pages()
    clients, queries = {}, {}
    with kept_connections(databases.values()) as use_database:
        for label, name in databases.items():
            use_database(name)
            clients[label] = {who: Client() for who in ("busy", "chair", "staff", None)}
            for who, client in clients[label].items():
                if who:
                    client.force_login(_user(world, who))
            for page, who, url, before in pages:
                queries[label, page] = _first_look(clients[label][who], url, before)
        timings = {key: [] for key in queries}
        # A write in either database changes both one's snapshots (they are the
        # server's), so the pages asked for after a write take their turns apart.
        for passes in ([p for p in pages if not p[3]], [p for p in pages if p[3]]):
            for _ in range(REPEATS):
                for label, name in databases.items():
                    use_database(name)
                    clients[label][None].get(TRIVIAL)
                    for page, who, url, before in passes:
                        if before:
                            before()
                        started = time.perf_counter()
                        clients[label][who].get(url)
                        timings[label, page].append((time.perf_counter() - started) * 1000)
    return {
        label: {
            page: (statistics.median(timings[label, page]), queries[label, page])
            for page, *_ in pages
        }
        for label in databases
    }


def print_pages(small, large):
    trivial = large["Trivial view"][0]
    print(
        f"\nSigned-in pages, in-process medians ({REPEATS} requests each; the two sizes "
        "in two databases, taking turns)"
    )
    print(
        f"{'page':<28} {'queries':>9} {'1x ms':>8} {f'{SCALE}x ms':>8} "
        f"{'x trivial':>9} {f'{SCALE}x/1x':>7}  targets (<=30x, <=1.2x)"
    )
    for name in small:
        (ms1, q1), (ms10, q10) = small[name], large[name]
        ratio, growth = ms10 / trivial, ms10 / ms1
        verdict = (
            ""
            if name in ("Trivial view", BLANK)
            else ("met" if ratio <= 30 and growth <= 1.2 else "NOT met")
        )
        print(
            f"{name:<28} {q1:>4}->{q10:<4} {ms1:8.1f} {ms10:8.1f} {ratio:9.1f} "
            f"{growth:7.2f}  {verdict}"
        )


def print_downloads():
    from django.test import Client

    from moderation.models.awards import Award

    count = Award.objects.filter(is_published=True).count()
    print(f"\nRegister downloads, uncached (cache cleared before each), {count:,} awards")
    for url in ("/register.csv", "/register.json"):
        ms, queries = median_ms(Client(), url, clear_cache=True)
        print(
            f"{url:<28} {queries:>4} queries {ms:8.1f} ms  target < 200 ms: "
            f"{'met' if ms < 200 else 'NOT met'}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database_name: str):
    from django.conf import settings

    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + database_name
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env.pop("CI", None)
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "qualitymark.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    del settings
    return process, port, base


def wrk_rps(url: str, seconds: int = 5) -> float:
    output = subprocess.run(  # noqa: S603
        ["wrk", "-t2", "-c8", f"-d{seconds}s", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def python_rps(url: str, seconds: int = 5) -> float:
    """Without wrk: 8 threads, each with a kept-alive connection."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlsplit

    parts = urlsplit(url)

    def client(_):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        done, until = 0, time.perf_counter() + seconds
        while time.perf_counter() < until:
            connection.request("GET", parts.path)
            connection.getresponse().read()
            done += 1
        return done

    with ThreadPoolExecutor(8) as pool:
        return sum(pool.map(client, range(8))) / seconds


def print_register_under_load(base: str, rounds: int = 4):
    """The best of `rounds` runs each, taking turns. wrk's 8 kept-alive
    connections are shared out between gunicorn's two workers as they are
    accepted, and a run whose connections all went to one worker served half as
    many requests, in either view's runs."""
    import urllib.request

    for url in (TRIVIAL, "/register/"):
        urllib.request.urlopen(base + url).read()  # noqa: S310 - our own server
    measure = wrk_rps if shutil.which("wrk") else python_rps
    tool = "wrk -t2 -c8 -d5s" if shutil.which("wrk") else "Python client, 8 connections"
    runs = {TRIVIAL: [], "/register/": []}
    for _ in range(rounds):
        for url, found in runs.items():
            found.append(measure(base + url))
    trivial, cached = (max(found) for found in runs.values())
    print(f"\nUnder load on gunicorn (2 workers x 4 threads), {tool}, best of {rounds} runs")
    print(f"{'Trivial view':<28} {trivial:10.0f} requests/s")
    print(
        f"{'/register/ (cached)':<28} {cached:10.0f} requests/s  {cached / trivial:.2f}x "
        f"trivial, target >= 0.8x: {'met' if cached >= 0.8 * trivial else 'NOT met'}"
    )


def _refusal_ms(port: int, declared: int, body_mb: int) -> tuple[float, int, int]:
    """Milliseconds from sending the headers to the status line; and how many
    MB of the body had gone by then."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        boundary = "benchboundary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
            f'filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        sock.sendall(
            b"POST /invitations/accept/bench/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Content-Type: multipart/form-data; boundary={boundary}\r\n".encode()
            + f"Content-Length: {declared}\r\n\r\n".encode()
            + head
        )
        started = time.perf_counter()
        sock.setblocking(False)
        sent, chunk, answer = 0, b"0" * MB, b""
        import select

        while not answer:
            readable, writable, _ = select.select([sock], [sock] if sent < body_mb else [], [], 10)
            if readable:
                answer = sock.recv(100)
                break
            if writable:
                with contextlib.suppress(BlockingIOError):
                    sent += sock.send(chunk) / MB
            if not readable and not writable:
                break
        elapsed = (time.perf_counter() - started) * 1000
    status = int(answer.split(b" ")[1]) if answer.startswith(b"HTTP/") else 0
    return elapsed, status, int(sent)


def print_uploads(port: int):
    print("\nOversized uploads (gunicorn)")
    ms, status, sent = _refusal_ms(port, 1024 * MB, 1024)
    print(f"{'1 GB declared':<28} {status} after {ms:7.1f} ms, {sent} MB of the body sent")
    ms, status, sent = _refusal_ms(port, 60 * MB, 60)
    print(
        f"{'60 MB file, length allowed':<28} {status} after {ms:7.1f} ms, "
        f"{sent} MB of the body sent (cut off at 21 MB)"
    )


def settle(connection) -> None:
    """After building data: what a live server would have. Autovacuum's work
    (analyze) and a heap without the bench's own objects: the world built in
    this process is frozen out of the garbage collector's passes, as a
    pre-forked server's start-up objects are, so a page is not charged for
    scanning hundreds of thousands of test objects no server holds."""
    import gc

    analyze(connection)
    gc.collect()
    gc.freeze()


def analyze(connection) -> None:
    """What autovacuum does for the bulk-inserted rows on a live database:
    planner statistics (without them PostgreSQL guesses a handful of rows per
    table and picks plans that take seconds) and the visibility map (without
    it counts cannot be answered from an index alone)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main():
    from bench import background, pdfs
    from bench.testdb import copy_of_database, throwaway_database
    from tests.performance.world import grow, new_world

    with throwaway_database() as connection:
        started = time.perf_counter()
        world = grow(new_world(), UNITS)
        settle(connection)
        small_database = connection.settings_dict["NAME"]
        print(f"1x: {UNITS} units built in {time.perf_counter() - started:.0f} s")
        with copy_of_database() as large_database:
            started = time.perf_counter()
            grow(world, UNITS * (SCALE - 1))
            settle(connection)
            print(
                f"{SCALE}x: {UNITS * SCALE} units in all (a copy of the 1x database, grown), "
                f"built in {time.perf_counter() - started:.0f} s"
            )
            databases = {"1x": small_database, f"{SCALE}x": large_database}
            with background.jobs_for_a_worker():
                measured = measure_side_by_side(world, databases)
            print_pages(measured["1x"], measured[f"{SCALE}x"])
            background.print_worker(databases, REPEATS)
            print_downloads()
            gunicorn, port, base = start_gunicorn(large_database)
            try:
                print_register_under_load(base)
                print_uploads(port)
            finally:
                gunicorn.terminate()
                gunicorn.wait(30)
        print("\nPDFs against a blank one-page document, same process")
        pdfs.run()


if __name__ == "__main__":
    main()
