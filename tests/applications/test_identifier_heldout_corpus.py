"""The identifier guard on more corpora by outsiders who never saw the guard or the
other corpora, each committed unchanged (recall, precision).

identifier_corpus_heldout.yaml: the engineers who built the guard never read its lines;
they were told only which kinds it missed. 0.74, 0.92 when it arrived.
identifier_corpus_final.yaml: arrived after the guard was finished: 0.93, 0.93 on arrival.
In session 13 its false alarms were read beside the fourth's and fifth's (citations with
initials, "Northgate Press", faiths): 0.93, 0.99 since.
identifier_corpus_fourth.yaml: written in session 13 from the identifiers page's promise
alone: 0.93 (200/216), 0.94 on arrival; the guard was then changed from its misses and
false alarms: 0.96, 0.99.
identifier_corpus_fifth.yaml: written the same way after those changes: 0.87 (169/194),
0.92 on arrival, under this test's 0.90; changed from it: 0.94, 0.97.
identifier_corpus_sixth.yaml: written the same way after the fifth's changes: 0.91
(175/193), 0.92 on arrival (the guard before session 13's changes: 0.89, 0.90); in session
14 the guard was changed from its misses and false alarms (test_guard_sixth_corpus_rules.py):
0.95 (183/193), 0.95.
identifier_corpus_seventh.yaml: written the same way in session 14 (478 passages, 221
identifying, a Gloucestershire agency) before any change to the guard that session:
0.91 (201/221), 0.90 on arrival, and the same after the changes from the sixth (its
sentences were never read; one narrower form of the quoted-nickname rule was chosen because
the wider one cost it a sentence). 0.91 (202/221), 0.90 after session 15's changes.
identifier_corpus_eighth.yaml: written the same way in session 15 (513 passages, 223
identifying, a Cumbria and Lancashire agency), except that its writer was told to count
"Baby A"-style labels as identifying, as the identifiers page then seemed to say. Seven earlier
writers, not told, all left them as the anonymised labels they are, and the page now says a
single letter is not listed; 15 such labels are read here as anonymised (ANONYMISED_LABEL).
On arrival: 0.87 (193/223), 0.93 as written; 0.91 (193/211), 0.93 with the labels read as
anonymised. The guard was then changed from its misses and false alarms
(test_guard_eighth_corpus_rules.py): 0.95 (200/211), 0.95.
identifier_corpus_ninth.yaml: written the same way in session 15 after those changes (520
passages, 232 identifying, an East of England agency; told that single letters are not
listed), held out and read only as these totals: 0.92 (214/232), 0.91; the guard as it was
before session 15 scores 0.91 (211/232), 0.91 on it.
"""

import re

import pytest
import yaml

from .test_identifier_blind_corpus import CORPUS_PATH, MINIMUM, measure

# "Baby A", "Child B": a single letter in place of a name (the identifiers page).
ANONYMISED_LABEL = re.compile(r"(?:Baby|Child|Sibling)[ ][A-Z]")


@pytest.mark.parametrize(
    "name",
    [
        "identifier_corpus_heldout.yaml",
        "identifier_corpus_final.yaml",
        "identifier_corpus_fourth.yaml",
        "identifier_corpus_fifth.yaml",
        "identifier_corpus_sixth.yaml",
        "identifier_corpus_seventh.yaml",
        "identifier_corpus_eighth.yaml",
        "identifier_corpus_ninth.yaml",
    ],
)
def test_outsider_corpus_sentence_recall_and_precision(name):
    corpus = yaml.safe_load(CORPUS_PATH.with_name(name).read_text(encoding="utf-8"))
    for sentence in corpus["sentences"]:
        sentence["identifiers"] = [
            found for found in sentence["identifiers"] if not ANONYMISED_LABEL.fullmatch(found)
        ]
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
