"""Speed of the identifier guard on narrative text: prints characters per second.

    python bench/guard.py [megabytes]

Each text is repeated up to the size asked for (1 MB by default) and scanned once after
a warm-up, as the check does for a section or a document: a plain section answer; the
committed corpora's clean sentences (tricky narrative, many with dates and numbers); then
all their sentences, half of them identifying (a worst case). CPU time is reported
because the machine may be shared.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from applications.anonymisation import find_identifiers  # noqa: E402

CORPORA = ["anonymisation_corpus.yaml", "identifier_corpus_blind.yaml"]


def narrative(size: int, *, clean_only: bool = False) -> str:
    sentences = []
    for name in CORPORA:
        corpus = yaml.safe_load((ROOT / "tests/applications" / name).read_text("utf-8"))
        sentences += [
            sentence["text"]
            for sentence in corpus["sentences"]
            if not (clean_only and sentence.get("identifiers"))
        ]
    paragraph = " ".join(sentences) + "\n\n"
    return (paragraph * (size // len(paragraph) + 1))[:size]


def measure(label: str, text: str) -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    findings = find_identifiers(text)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started  # what the worker spends, under any load
    print(f"{label}: {len(text):,} characters, {len(findings):,} findings, {seconds:.2f} s wall")
    print(f"  {len(text) / cpu_seconds:,.0f} characters/s of CPU time ({cpu_seconds:.2f} s)")


def main() -> None:
    size = int((float(sys.argv[1]) if len(sys.argv) > 1 else 1.0) * 1_000_000)
    find_identifiers(narrative(10_000))  # load the word lists
    from tests.applications.application_data import NARRATIVE

    measure("plain narrative (a section's answer, repeated)", ((NARRATIVE + " ") * size)[:size])
    measure("narrative (the corpora's clean sentences)", narrative(size, clean_only=True))
    measure("every corpus sentence (half of them identifying)", narrative(size))
    document_seconds()


def document_seconds() -> None:
    """A 20 MB document (plain text, the largest upload) read and checked, as the worker does."""
    import io

    from qualitymark.files.text_extraction import extract_text

    data = narrative(20_000_000).encode()
    started = time.process_time()
    text = extract_text(io.BytesIO(data), "txt")
    findings = find_identifiers(text)
    seconds = time.process_time() - started
    print(f"a 20 MB document: {len(text):,} characters read, {len(findings):,} findings,")
    print(f"  {seconds:.1f} s of CPU time to read and check")


if __name__ == "__main__":
    main()
