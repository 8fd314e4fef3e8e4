"""Run a document parser in a child process with memory, CPU and wall-clock ceilings.

A parser fed a hostile file can take gigabytes of memory or loop for minutes.
``run_within_ceilings`` hands the file's bytes to a fresh Python process that
first caps its own address space and CPU time (``resource.setrlimit``), then
calls the named function on the bytes and prints its JSON-able result. The
parent waits at most ``FILE_PARSE_SECONDS`` and kills the child after that, so
the worker that asked is never the one that runs out of memory.

The function is named as ``"package.module:function"`` and is called as
``function(data, *args)``.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile

from django.conf import settings

from .file_types import CHUNK_SIZE

MEMORY_ERROR_EXIT = 3


class CeilingExceeded(Exception):
    """The parser went over a ceiling (``reason`` is "memory", "time" or "failed")."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def run_within_ceilings(
    function: str,
    source,
    *args,
    memory_bytes: int | None = None,
    seconds: float | None = None,
):
    """``function(data, *args)`` in a child process; raises CeilingExceeded.

    ``source`` is bytes or a file; a file is copied to the child in chunks.
    """
    memory_bytes = memory_bytes or settings.FILE_PARSE_MEMORY_BYTES
    seconds = seconds or settings.FILE_PARSE_SECONDS
    command = [
        sys.executable,
        "-m",
        "qualitymark.files.ceilings",
        function,
        str(memory_bytes),
        str(max(1, int(seconds))),
        json.dumps(list(args)),
    ]
    with tempfile.TemporaryFile() as spool:
        if isinstance(source, bytes | bytearray):
            spool.write(source)
        else:
            for chunk in iter_chunks(source):
                spool.write(chunk)
            source.seek(0)
        spool.seek(0)
        return _run(command, spool, memory_bytes, seconds)


def _run(command: list[str], stdin, memory_bytes: int, seconds: float):
    try:
        finished = subprocess.run(  # noqa: S603 - our own interpreter and module
            command,
            stdin=stdin,
            capture_output=True,
            timeout=seconds,
            cwd=str(settings.BASE_DIR),
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise CeilingExceeded("time", f"over {seconds} s") from None
    if finished.returncode == MEMORY_ERROR_EXIT:
        raise CeilingExceeded("memory", f"over {memory_bytes} bytes")
    if finished.returncode < 0:  # killed by a signal: SIGXCPU (CPU time) or SIGKILL
        raise CeilingExceeded("time", f"signal {-finished.returncode}")
    if finished.returncode != 0:
        last_line = finished.stderr.decode("utf-8", "replace").strip().rsplit("\n", 1)[-1]
        raise CeilingExceeded("failed", last_line[:200])
    return json.loads(finished.stdout)


def extract_text_within_ceilings(key_or_file, kind: str) -> str:
    """``text_extraction.extract_text`` run under the ceilings; "" if a ceiling is hit."""
    import logging

    from .storage import open_private_file

    function = "qualitymark.files.ceilings:_extract_text"
    try:
        if isinstance(key_or_file, str):
            with open_private_file(key_or_file) as handle:
                return run_within_ceilings(function, handle, kind)
        return run_within_ceilings(function, key_or_file, kind)
    except CeilingExceeded as exceeded:
        logging.getLogger(__name__).warning(
            "Text extraction of a %s file stopped: %s", kind, exceeded
        )
        return ""


def iter_chunks(file, chunk_size: int = CHUNK_SIZE):
    file.seek(0)
    while chunk := file.read(chunk_size):
        yield chunk


def _extract_text(data: bytes, kind: str) -> str:
    from .text_extraction import extract_text

    return extract_text(io.BytesIO(data), kind)


def _child(argv: list[str]) -> int:
    function, memory_bytes, cpu_seconds, args = argv[0], int(argv[1]), int(argv[2]), argv[3]
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        data = sys.stdin.buffer.read()
        module_name, _, name = function.partition(":")
        result = getattr(importlib.import_module(module_name), name)(data, *json.loads(args))
        sys.stdout.write(json.dumps(result))
    except MemoryError:
        return MEMORY_ERROR_EXIT
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
