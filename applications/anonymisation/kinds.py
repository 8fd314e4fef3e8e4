"""The kinds of identifier the guard reports, and one finding."""

from __future__ import annotations

import bisect
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
    CASE_REFERENCE: "case or court reference",
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
