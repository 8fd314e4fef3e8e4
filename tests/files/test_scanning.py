import io

import pytest

from qualitymark.files.scanning import (
    CLEAN,
    ERROR,
    INFECTED,
    ScanResult,
    scan_file,
    scan_stream,
    scanner_configured,
)
from qualitymark.files.storage import store_private_file

from . import samples
from .conftest import free_port


@pytest.fixture
def unconfigured(settings):
    for name in ("CLAMD_SOCKET", "CLAMD_HOST", "CLAMD_PORT"):
        if hasattr(settings, name):
            delattr(settings, name)
    return settings


@pytest.fixture
def via_socket(unconfigured, clamd_server):
    unconfigured.CLAMD_SOCKET = clamd_server.socket_path
    unconfigured.CLAMD_TIMEOUT = 30
    return clamd_server


def store(data: bytes, name: str = "evidence.txt") -> str:
    return store_private_file(samples.upload(name, data), prefix="evidence").key


# --- configuration --------------------------------------------------------------------


def test_not_configured_without_settings(unconfigured):
    assert scanner_configured() is False


def test_configured_by_socket_or_host(unconfigured):
    unconfigured.CLAMD_SOCKET = "/run/clamav/clamd.ctl"
    assert scanner_configured() is True
    del unconfigured.CLAMD_SOCKET
    unconfigured.CLAMD_HOST = "clamav"
    assert scanner_configured() is True
    unconfigured.CLAMD_HOST = ""
    assert scanner_configured() is False


def test_scanning_without_a_scanner_is_an_error_not_clean(unconfigured):
    result = scan_file(store(b"hello"))
    assert result.status == ERROR
    assert not result.is_clean
    assert "No virus scanner" in result.detail


# --- a real clamd -----------------------------------------------------------------------


def test_clean_file_is_clean(via_socket):
    key = store(samples.docx_bytes("Nothing to see here"), "notes.docx")
    assert scan_file(key) == ScanResult(CLEAN)
    assert scan_file(key).is_clean


def test_file_matching_the_test_signature_is_infected(via_socket):
    result = scan_file(store(via_socket.infected_sample))
    assert result.status == INFECTED
    assert not result.is_clean
    # clamd adds ".UNOFFICIAL" to signatures from local databases.
    assert result.signature.split(".UNOFFICIAL")[0] == via_socket.signature


def test_scan_stream_before_storing(via_socket):
    assert scan_stream(io.BytesIO(b"plain text")).status == CLEAN
    assert scan_stream(io.BytesIO(via_socket.infected_sample)).status == INFECTED


def test_scanning_over_tcp(unconfigured, clamd_server):
    unconfigured.CLAMD_HOST = "127.0.0.1"
    unconfigured.CLAMD_PORT = clamd_server.port
    assert scan_file(store(b"hello")).status == CLEAN
    assert scan_file(store(clamd_server.infected_sample)).status == INFECTED


def test_file_over_clamds_stream_limit_is_an_error_not_clean(via_socket):
    data = b"a" * (via_socket.stream_max_bytes + 256 * 1024)
    result = scan_file(store(data))
    assert result.status == ERROR
    assert result.detail


# --- clamd not there ---------------------------------------------------------------------


def test_unreachable_socket_is_an_error(unconfigured, tmp_path, caplog):
    unconfigured.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    result = scan_file(store(b"hello"))
    assert result.status == ERROR
    assert result.signature is None
    assert "Virus scan failed" in caplog.text


def test_unreachable_host_is_an_error(unconfigured):
    unconfigured.CLAMD_HOST = "127.0.0.1"
    unconfigured.CLAMD_PORT = free_port()  # nothing listens there
    unconfigured.CLAMD_TIMEOUT = 5
    assert scan_file(store(b"hello")).status == ERROR


def test_missing_stored_file_is_an_error(unconfigured, tmp_path):
    unconfigured.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    assert scan_file("evidence/does-not-exist").status == ERROR
