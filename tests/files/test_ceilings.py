"""The child process that parses uploads: memory and time ceilings hold, and the
text of a zip-bomb document is not extracted at the worker's expense."""

import io
import resource
import time

import pytest

from qualitymark.files.ceilings import (
    CeilingExceeded,
    extract_text_within_ceilings,
    run_within_ceilings,
)
from qualitymark.files.text_extraction import MAX_TEXT_CHARACTERS, REST_NOT_READ

from . import hostile, samples

TASKS = "tests.files.ceiling_tasks"


def test_result_comes_back_from_the_child():
    assert run_within_ceilings(f"{TASKS}:echo_length", b"x" * 300_000) == 300_000


def test_a_file_is_handed_over_in_chunks_and_left_rewound():
    handle = io.BytesIO(b"y" * 200_000)
    assert run_within_ceilings(f"{TASKS}:echo_length", handle) == 200_000
    assert handle.tell() == 0


def test_memory_ceiling_stops_the_child():
    with pytest.raises(CeilingExceeded) as exceeded:
        run_within_ceilings(f"{TASKS}:take_memory", b"", 400, memory_bytes=200 * 1024 * 1024)
    assert exceeded.value.reason == "memory"


def test_time_ceiling_stops_the_child():
    started = time.monotonic()
    with pytest.raises(CeilingExceeded) as exceeded:
        run_within_ceilings(f"{TASKS}:spin", b"", seconds=2)
    assert exceeded.value.reason == "time"
    assert time.monotonic() - started < 5


def test_zip_bomb_text_extraction_is_bounded_and_the_worker_is_untouched(settings):
    settings.FILE_PARSE_MEMORY_BYTES = 300 * 1024 * 1024
    bomb = hostile.docx_with_huge_body(60)
    assert len(bomb) < 300 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    text = extract_text_within_ceilings(io.BytesIO(bomb), "docx")
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Either a ceiling stopped the child (no text) or the streaming extraction stayed
    # within its own character limit (past it, the rest is marked as not read).
    assert len(text) <= MAX_TEXT_CHARACTERS + len(REST_NOT_READ) + 10_000
    assert elapsed < settings.FILE_PARSE_SECONDS
    assert after - before < 50 * 1024  # KB: the worker's own peak memory barely moved


def test_ordinary_document_text_is_extracted_under_the_ceilings():
    data = samples.docx_bytes("Monthly tracking meeting", "Second paragraph")
    text = extract_text_within_ceilings(io.BytesIO(data), "docx")
    assert text.startswith("Monthly tracking meeting\nSecond paragraph")
