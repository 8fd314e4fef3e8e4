"""Real parts the reliability tests start, break and bring back themselves:
a Redis server, a mail server that can refuse, and a Celery worker."""

from __future__ import annotations

import os
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Ports of our own servers: 17000 + 10 x this branch's Redis db number.
REDIS_PORT = 17100
SMTP_PORT = 17101


def wait_for(condition, timeout=30.0, interval=0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    """A redis-server of the test's own, on a spare port, with no persistence."""

    def __init__(self, port: int = REDIS_PORT):
        self.port = port
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(lambda: _port_open(self.port), 10), "redis-server did not start"
        return self

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None
        assert wait_for(lambda: not _port_open(self.port), 10)


class _SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):  # noqa: C901 - one small SMTP conversation
        self.reply("220 test-smtp ESMTP")
        lines: list[bytes] | None = None
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if lines is not None:
                if line.rstrip(b"\r\n") == b".":
                    self.server.finish_message(b"".join(lines), self.reply)
                    lines = None
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 test-smtp")
            elif verb == b"DATA":
                self.reply("354 go ahead")
                lines = []
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 OK")


class SmtpServer(socketserver.ThreadingTCPServer):
    """A mail server that refuses every message while ``refusing`` is set
    (451, try again later) and keeps every message it accepts."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int = SMTP_PORT):
        super().__init__(("127.0.0.1", port), _SmtpHandler)
        self.port = port
        self.refusing = False
        self.accepted: list = []
        self.refused = 0
        self._lock = threading.Lock()
        # Clear ``release`` to hold every message at the end of DATA, before
        # the server answers; ``holding`` is set once one is held.
        self.release = threading.Event()
        self.release.set()
        self.holding = threading.Event()

    def finish_message(self, raw: bytes, reply) -> None:
        if not self.release.is_set():
            self.holding.set()
            self.release.wait(60)
        with self._lock:
            if self.refusing:
                self.refused += 1
                reply("451 4.3.0 try again later")
                return
            self.accepted.append(message_from_bytes(raw))
        reply("250 accepted")

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Worker:
    """``celery worker`` on a queue of its own against the test database."""

    def __init__(
        self,
        *,
        redis_url: str,
        queue: str,
        email_url: str,
        pool: str = "prefork",
        media_root: str = "",
    ):
        self.redis_url, self.queue, self.email_url = redis_url, queue, email_url
        self.pool, self.media_root = pool, media_root
        self.process: subprocess.Popen | None = None
        self.log = Path(f"/tmp/worker-{queue}.log")  # noqa: S108 - a test's own log

    def start(self) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": self.redis_url,
            "EMAIL_URL": self.email_url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CELERY_VISIBILITY_TIMEOUT_MINUTES": "0.25",  # 15 s, to keep the test short
        }
        if self.media_root:
            env["PRIVATE_MEDIA_ROOT"] = self.media_root
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qualitymark",
            "worker",
            f"--pool={self.pool}",
            "--loglevel=INFO",
            "-Q",
            self.queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ]
        if self.pool == "prefork":
            args.append("--concurrency=1")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter
            args,
            cwd=ROOT,
            env=env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def children(self) -> list[int]:
        """The pool's child processes (from /proc: their parent is the worker)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait(10)
        self.process = None


def use_broker(redis_url: str, queue: str | None = None) -> None:
    """Point this process's Celery app at ``redis_url`` (not eager)."""
    from qualitymark.celery import app

    app.conf.broker_url = redis_url
    app.conf.task_always_eager = False
    if queue:
        app.conf.task_default_queue = queue
    app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    app._pool = None
    app.amqp._producer_pool = None
    import qualitymark.core.outbox as outbox

    outbox._broker_down_until = 0.0


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def ready_to_submit(lead):
    """A draft of the lead's agency with every section answered and the
    declaration signed: one click from submitted."""
    from applications.models.submissions import SectionAnswer
    from applications.section_list import form_kwargs
    from applications.selectors.submissions import application_overview
    from applications.services.submissions import save_section, sign_declaration, start_application
    from descriptors.services import ensure_working_framework
    from tests.applications.application_data import section_answers

    ensure_working_framework()
    application = start_application(
        actor=lead, agency=lead.memberships.first().agency, level_sought="full", kind="new"
    )
    for row in application_overview(application).rows:
        form = row.section.form_class(
            {**section_answers(row.key), "version": 0, "completed": "yes"},
            application=application,
            **form_kwargs(row.section),
        )
        assert form.is_valid(), form.errors
        save_section(
            actor=lead,
            application=application,
            key=row.key,
            data=form.answer_data(),
            state=SectionAnswer.State.COMPLETED,
            expected_version=0,
        )
    sign_declaration(actor=lead, application=application, name="Pat Lead", role="Head of Service")
    return application
