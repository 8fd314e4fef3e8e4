"""Real services for the file helper tests: a moto S3 server and a private clamd.

Both run on this machine only (127.0.0.1 and a Unix socket in a temporary
folder). moto is a Python dependency, so the S3 tests always run. clamd comes
from the clamav-daemon Debian package: without it the clamd tests fail in CI
(CI=true) and are skipped elsewhere with the reason.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEST_SIGNATURE = "QualityMark.Test.Sample"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- S3 (moto server) ------------------------------------------------------------


@dataclass
class S3Env:
    endpoint: str
    bucket: str
    client: object


@pytest.fixture(scope="session")
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(settings, moto_endpoint, monkeypatch, tmp_path):
    """Switch the default storage to a private bucket on the local moto server."""
    import boto3

    # Keep any AWS profile or proxy on this machine out of the way.
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "http_proxy",
        "https_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))

    region = "eu-west-2"
    bucket = f"qm-test-{secrets.token_hex(6)}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name=region,
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.SIGNED_URL_SECONDS = 120
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": moto_endpoint,
                "access_key": "testing",
                "secret_key": "testing",
                "region_name": region,
                "default_acl": "private",
                "querystring_auth": True,
                # Longer than SIGNED_URL_SECONDS, so the tests show that the
                # helpers use the setting rather than the storage default.
                "querystring_expire": 3600,
                "file_overwrite": False,
            },
        },
    }
    yield S3Env(endpoint=moto_endpoint, bucket=bucket, client=client)


# --- clamd --------------------------------------------------------------------------


@dataclass
class ClamdServer:
    socket_path: str
    port: int
    infected_sample: bytes
    signature: str
    stream_max_bytes: int


def _clamd_unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"CI must run the clamd tests but {reason}", pytrace=False)
    pytest.skip(f"needs clamd: {reason} (apt-get install clamav-daemon)")


def _clamd_answers(socket_path: Path) -> bool:
    """True when clamd answers PING on its socket."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        try:
            sock.connect(str(socket_path))
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
        except OSError:
            return False


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory):
    """Our own clamd process with a one-signature database; no freshclam needed."""
    binary = shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if os.path.exists(p)), None
    )
    if binary is None:
        _clamd_unavailable("the clamd program is not installed")

    root = tmp_path_factory.mktemp("clamd")
    database = root / "db"
    database.mkdir()
    # A file that only our test signature knows about: a SHA-256 hash signature.
    infected = b"Quality Mark scanner test sample " + secrets.token_bytes(16).hex().encode()
    sha256 = hashlib.sha256(infected).hexdigest()
    (database / "qualitymark-test.hsb").write_text(f"{sha256}:{len(infected)}:{TEST_SIGNATURE}\n")

    socket_path = root / "clamd.sock"
    port = free_port()
    stream_max = 1024 * 1024
    config = root / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"LocalSocket {socket_path}",
                f"TCPSocket {port}",
                "TCPAddr 127.0.0.1",
                f"DatabaseDirectory {database}",
                f"TemporaryDirectory {root}",
                f"LogFile {root / 'clamd.log'}",
                "Foreground yes",
                f"StreamMaxLength {stream_max // 1024}K",
                "",
            ]
        )
    )
    output = (root / "clamd.out").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own binary and config
        [binary, "--config-file", str(config)],
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                output.flush()
                tail = (root / "clamd.out").read_text(errors="replace")[-800:]
                _clamd_unavailable(f"clamd exited with {process.returncode}: {tail}")
            if _clamd_answers(socket_path):
                break
            if time.monotonic() > deadline:
                _clamd_unavailable("clamd did not answer PING within 90 seconds")
            time.sleep(0.2)
        yield ClamdServer(
            socket_path=str(socket_path),
            port=port,
            infected_sample=infected,
            signature=TEST_SIGNATURE,
            stream_max_bytes=stream_max,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        output.close()


@pytest.fixture
def pdf_templates(settings, tmp_path) -> Path:
    """A template folder searched before the project's, for test-only templates."""
    folder = tmp_path / "templates"
    folder.mkdir()
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [folder, *engine["DIRS"]]}, *settings.TEMPLATES[1:]]
    return folder
