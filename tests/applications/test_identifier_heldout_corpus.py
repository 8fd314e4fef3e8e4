"""The identifier guard on a second corpus by a second outsider who never saw the guard
or the other corpora (identifier_corpus_heldout.yaml, committed unchanged).

The engineers who built the guard never read its lines; they were told only which kinds
of identifier it missed. Figures when it arrived: recall 0.74, precision 0.92.
"""

import yaml

from .test_identifier_blind_corpus import CORPUS_PATH, MINIMUM, measure

HELDOUT_PATH = CORPUS_PATH.with_name("identifier_corpus_heldout.yaml")


def test_heldout_corpus_sentence_recall_and_precision():
    corpus = yaml.safe_load(HELDOUT_PATH.read_text(encoding="utf-8"))
    assert len(corpus["sentences"]) >= 300
    figures = measure(corpus)
    identifying = sum(row["identifying"] for row in figures.values())
    caught = sum(row["caught"] for row in figures.values())
    false_alarms = sum(row["false_alarms"] for row in figures.values())
    recall = caught / identifying
    precision = caught / (caught + false_alarms)
    report = f"recall {recall:.2f} ({caught}/{identifying}), precision {precision:.2f}"
    print(report)
    assert recall >= MINIMUM and precision >= MINIMUM, report
