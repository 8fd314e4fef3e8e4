"""The identifier guard on arbitrary text: it never fails, answers quickly, and its
findings are what it says they are (sorted, apart, inside the text, each a known kind)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.anonymisation import KINDS, find_identifiers

# Pieces the guard's patterns look for, so that arbitrary text often comes near them.
PIECES = [
    "birth mother",
    "Baby",
    "the",
    "The",
    "THE",
    "Mr & Mrs",
    "Mitchells",
    "family",
    "twins",
    "born",
    "DOB",
    "Date of birth —",
    "date_of_birth:",
    "NINO",
    "QQ 12 34 56 C",
    "NHS no.",
    "485 777 3456",
    "BD68 TWU",
    "LS2 7EQ",
    "07700 900123",
    "kerry@example.com",
    "@handle",
    "#Hashtag",
    "Leeds Beckett University",
    "Muslim",
    "Pakistani",
    "Press",
    "LLP",
    "&",
    "(",
    ")",
    "K.T.",
    "Patel, R. (2020)",
    "12/03/2024",
    "3 March 2024",
    "March 2000",
    "referral number",
    "MR-GL-2024-0317",
    "Home Office reference",
    "surname,",
    "real name",
    "\t",
    "\n",
    " ",
    ",",
    ".",
    "–",
    "'",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=40).map(
    " ".join
)


@settings(
    max_examples=300,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=texts, staff=st.lists(st.sampled_from(["Kerry Ashdown", "Rhys Penhallow"])))
def test_findings_are_sorted_apart_and_inside_the_text(text, staff):
    findings = find_identifiers(text, allowed_names=staff)
    previous_end = 0
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
        assert finding.start >= previous_end
        assert finding.kind in KINDS
        previous_end = finding.end


@settings(max_examples=100, deadline=2000)
@given(repeats=st.integers(min_value=1, max_value=200), piece=st.sampled_from(PIECES))
def test_long_runs_of_one_piece_take_no_time_to_check(repeats, piece):
    """A pattern that backtracks on repetition would miss the deadline."""
    find_identifiers((piece + " ") * repeats)
