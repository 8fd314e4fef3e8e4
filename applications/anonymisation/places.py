"""Street addresses, and schools or nurseries named with a child."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .kinds import ADDRESS, SCHOOL, Finding, finditer_near
from .lexicon import SCHOOL_WORDS, STREET_TYPES

_STREET_TYPE = "|".join(
    sorted((re.escape(w.capitalize()) for w in STREET_TYPES), key=len, reverse=True)
)
_SCHOOL_WORD = "|".join(
    sorted((re.escape(w.capitalize()) for w in SCHOOL_WORDS), key=len, reverse=True)
)
_PROPER = r"[A-Z][A-Za-z'’-]*"
# "14 Rowan Close", "Flat 3, 27a Mill Lane", "2-4 St Mary's Road".
NUMBERED_STREET = re.compile(
    r"(?:\b(?:Flat|Apartment|Apt|Unit)[ ]+\d+[A-Za-z]?,?[ ]+)?"
    rf"(?<![\w/.,£$-])\d{{1,4}}[A-Za-z]?(?:-\d{{1,4}})?,?[ ]+(?:{_PROPER}[ ]+){{1,3}}"
    rf"(?:{_STREET_TYPE})\b",
)
# "lives on Acacia Avenue", "moved to Hawthorn Road".
NAMED_STREET = re.compile(
    r"\b(?:live|lives|lived|living|moved|move|moving|address|resides|resided|residing|home|house"
    r"|flat|stays|stayed|staying)\b[^.;\n]{0,30}?\b(?:on|at|in|to|is)[ ]+"
    rf"(?P<street>(?:{_PROPER}[ ]+){{1,3}}(?:{_STREET_TYPE}))\b"
)
SCHOOL_NAME = re.compile(
    rf"\b(?:(?:St|Saint)\.?[ ]+)?(?:{_PROPER}[ ]+){{1,4}}(?:{_SCHOOL_WORD}|{_SCHOOL_WORD.lower()})"
    r"(?:[ ]+(?:School|Academy|Nursery|Class|Unit))?\b",
)
CHILD_CUE = re.compile(
    r"\b(?:attends|attending|attended|attend|started|starts|start|goes|go|going|went|enrolled"
    r"|place|joined|joins|pupil|reception|year[ ]+\d|she|he|her|his|him|son|daughter|child"
    r"|baby|toddler|sibling|brother|sister|aged?|old)\b",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"[^.!?\n]*[.!?\n]?")
VIRTUAL_SCHOOL = re.compile(r"\bVirtual[ ]+School\b", re.IGNORECASE)
ORGANISATION_CONTEXT = re.compile(r"\b(?:training|trained|staff|delivered|partnership)\b", re.I)


NEAR_STREET = 110  # "Flat 3, " before the number, up to three words and the street type after


def normalise_address(address: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", address.lower()).strip()


def find_addresses(text: str, allowed_addresses: list[str]) -> Iterator[Finding]:
    spans = [m.span() for m in finditer_near(NUMBERED_STREET, text, reach=NEAR_STREET)]
    spans += [m.span("street") for m in NAMED_STREET.finditer(text)]
    for start, end in spans:
        found = text[start:end]
        if any(normalise_address(found) in allowed for allowed in allowed_addresses):
            continue
        yield Finding(ADDRESS, start, end, found)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    right_candidates = [i for i in (text.find(".", end), text.find("\n", end)) if i >= 0]
    return text[left : min(right_candidates) if right_candidates else len(text)]


def find_schools(text: str) -> Iterator[Finding]:
    for match in SCHOOL_NAME.finditer(text):
        if VIRTUAL_SCHOOL.search(match.group()):
            continue  # every council's Virtual School, for children in care: not one child's
        sentence = _sentence_around(text, match.start(), match.end())
        if CHILD_CUE.search(sentence) and not ORGANISATION_CONTEXT.search(sentence):
            yield Finding(SCHOOL, match.start(), match.end(), match.group())
