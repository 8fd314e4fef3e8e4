"""Virus scanning with clamd.

Configure one of (read with defaults, so both may be absent):

- ``CLAMD_SOCKET``: path of clamd's local (Unix) socket, or
- ``CLAMD_HOST`` (+ ``CLAMD_PORT``, default 3310): clamd's TCP address.

``CLAMD_TIMEOUT`` (seconds, default 60) bounds each conversation with clamd.

Files are streamed to clamd with INSTREAM, so clamd needs no access to our
storage. clamd's StreamMaxLength must be larger than the biggest upload
(its default of 25 MB suits a 20 MB limit).

A scan that cannot be completed is an ``error``, never ``clean``: callers must
treat anything other than ``clean`` as "not safe to release yet".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import clamd
from django.conf import settings

from .storage import open_private_file

logger = logging.getLogger(__name__)

CLEAN = "clean"
INFECTED = "infected"
ERROR = "error"


@dataclass(frozen=True)
class ScanResult:
    status: str  # CLEAN, INFECTED or ERROR
    signature: str | None = None  # the virus signature name when infected
    detail: str = ""  # why the scan failed, for logs (never shown to applicants)

    @property
    def is_clean(self) -> bool:
        return self.status == CLEAN


def scanner_configured() -> bool:
    return bool(getattr(settings, "CLAMD_SOCKET", "") or getattr(settings, "CLAMD_HOST", ""))


def _client():
    timeout = getattr(settings, "CLAMD_TIMEOUT", 60)
    socket_path = getattr(settings, "CLAMD_SOCKET", "")
    if socket_path:
        return clamd.ClamdUnixSocket(path=socket_path, timeout=timeout)
    host = getattr(settings, "CLAMD_HOST", "")
    if host:
        port = int(getattr(settings, "CLAMD_PORT", 3310))
        return clamd.ClamdNetworkSocket(host=host, port=port, timeout=timeout)
    return None


def scan_stream(fileobj) -> ScanResult:
    """Scan an open binary file object (read from its current position)."""
    client = _client()
    if client is None:
        return ScanResult(ERROR, detail="No virus scanner is configured (CLAMD_SOCKET/CLAMD_HOST).")
    try:
        response = client.instream(fileobj)
    except clamd.BufferTooLongError as error:
        return _error(f"File is larger than clamd's StreamMaxLength: {error}")
    except (clamd.ClamdError, OSError) as error:
        return _error(f"{type(error).__name__}: {error}")
    status, signature = (response or {}).get("stream", (None, None))
    if status == "OK":
        return ScanResult(CLEAN)
    if status == "FOUND":
        return ScanResult(INFECTED, signature=signature)
    return _error(f"Unexpected clamd answer: {response!r}")


def scan_file(key: str) -> ScanResult:
    """Scan a stored private file by its key."""
    try:
        with open_private_file(key) as handle:
            return scan_stream(handle)
    except (FileNotFoundError, OSError) as error:
        return _error(f"Cannot read stored file {key}: {type(error).__name__}")


def _error(detail: str) -> ScanResult:
    logger.warning("Virus scan failed: %s", detail)
    return ScanResult(ERROR, detail=detail)
