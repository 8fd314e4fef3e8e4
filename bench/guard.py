"""Speed of the identifier guard on narrative text: prints characters per second.

    python bench/guard.py [megabytes]

The text is the committed corpora's sentences repeated up to the size asked for (1 MB by
default), scanned once after a warm-up, as the check does for a section or a document.
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


def narrative(size: int) -> str:
    sentences = []
    for name in CORPORA:
        corpus = yaml.safe_load((ROOT / "tests/applications" / name).read_text("utf-8"))
        sentences += [sentence["text"] for sentence in corpus["sentences"]]
    paragraph = " ".join(sentences) + "\n\n"
    return (paragraph * (size // len(paragraph) + 1))[:size]


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    text = narrative(int(megabytes * 1_000_000))
    find_identifiers(text[:10_000])  # load the word lists
    started = time.perf_counter()
    findings = find_identifiers(text)
    seconds = time.perf_counter() - started
    print(f"{len(text):,} characters, {len(findings):,} findings, {seconds:.2f} s")
    print(f"{len(text) / seconds:,.0f} characters/s")


if __name__ == "__main__":
    main()
