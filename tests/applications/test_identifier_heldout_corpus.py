"""The identifier guard on more corpora by outsiders who never saw the guard or the
other corpora, each committed unchanged.

identifier_corpus_heldout.yaml: the engineers who built the guard never read its lines;
they were told only which kinds it missed. Recall 0.74, precision 0.92 when it arrived.
identifier_corpus_final.yaml: arrived after the guard was finished and was never used to
change it: recall 0.93, precision 0.93 on arrival.
identifier_corpus_fourth.yaml: written in session 13 by a helper told only what the
identifiers page promises, after the guard was otherwise finished: recall 0.93 (200/216),
precision 0.94 on arrival.
"""

import pytest
import yaml

from .test_identifier_blind_corpus import CORPUS_PATH, MINIMUM, measure


@pytest.mark.parametrize(
    "name",
    [
        "identifier_corpus_heldout.yaml",
        "identifier_corpus_final.yaml",
        "identifier_corpus_fourth.yaml",
    ],
)
def test_outsider_corpus_sentence_recall_and_precision(name):
    corpus = yaml.safe_load(CORPUS_PATH.with_name(name).read_text(encoding="utf-8"))
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
