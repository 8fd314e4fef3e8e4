"""The kinds of identifier the guard reports, and one finding."""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

PERSON_NAME = "person_name"
DATE_OF_BIRTH = "date_of_birth"
NHS_NUMBER = "nhs_number"
NI_NUMBER = "ni_number"
POSTCODE = "postcode"
PHONE = "phone"
EMAIL = "email"
CASE_REFERENCE = "case_reference"
ADDRESS = "address"
SCHOOL = "school"

KINDS: dict[str, str] = {
    PERSON_NAME: "personal name",
    DATE_OF_BIRTH: "date of birth",
    NHS_NUMBER: "NHS number",
    NI_NUMBER: "National Insurance number",
    POSTCODE: "postcode",
    PHONE: "phone number",
    EMAIL: "e-mail address",
    CASE_REFERENCE: "case, court or other reference number",
    ADDRESS: "street address",
    SCHOOL: "school or nursery",
}

# When two findings cover the same amount of text, the earlier kind in this list wins.
_KIND_PRIORITY = [
    EMAIL,
    ADDRESS,
    CASE_REFERENCE,
    NHS_NUMBER,
    NI_NUMBER,
    DATE_OF_BIRTH,
    POSTCODE,
    PHONE,
    SCHOOL,
    PERSON_NAME,
]


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep the longer finding of any overlapping pair (ties go to the more specific kind)."""
    ranked = sorted(
        set(findings),
        key=lambda f: (-(f.end - f.start), _KIND_PRIORITY.index(f.kind), f.start),
    )
    kept: list[Finding] = []  # sorted by start, never overlapping
    kept_starts: list[int] = []
    for finding in ranked:
        index = bisect.bisect_left(kept_starts, finding.start)
        clashes_before = index > 0 and kept[index - 1].end > finding.start
        clashes_after = index < len(kept) and kept[index].start < finding.end
        if not (clashes_before or clashes_after):
            kept.insert(index, finding)
            kept_starts.insert(index, finding.start)
    return kept


DIGITS = re.compile(r"\d+")
AT_SIGN = re.compile("@")
NEAR_DIGITS = 40  # every number-shaped identifier has a digit within this many characters
NEAR_AT_SIGN = 260  # an e-mail address is at most 254 characters


_scanned = threading.local()  # the windows of the text being checked, worked out once


def windows(text: str, anchor: re.Pattern[str] = DIGITS, reach: int = NEAR_DIGITS):
    """(start, end) of the stretches of ``text`` within ``reach`` of ``anchor``: the only
    places a pattern that needs a digit (or an "@") can match, so the rest is not scanned.
    Many patterns ask for the same windows of the same text, so the last text's are kept."""
    if getattr(_scanned, "text", None) is not text:
        _scanned.text, _scanned.windows = text, {}
    key = (anchor.pattern, reach)
    if key not in _scanned.windows:
        _scanned.windows[key] = list(_windows(text, anchor, reach))
    return _scanned.windows[key]


def _windows(text: str, anchor: re.Pattern[str], reach: int):
    start = end = -1
    for found in anchor.finditer(text):
        low, high = max(0, found.start() - reach), min(len(text), found.end() + reach)
        if low <= end:
            end = high
            continue
        if end >= 0:
            yield start, end
        start, end = low, high
    if end >= 0:
        yield start, end


def finditer_near(pattern: re.Pattern[str], text: str, anchor=DIGITS, reach=NEAR_DIGITS):
    for start, end in windows(text, anchor, reach):
        yield from pattern.finditer(text, start, end)
