"""Families named by their surname: "the Mitchells' capacity", "THE O'HALLORANS", "the
Dobson twins", "the Lewis-Okoro household"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .kinds import PERSON_NAME, Finding
from .lexicon import (
    DICTIONARY_WORDS,
    FAMILY_ROLES,
    FIRST_NAMES,
    LOWER_LETTERS,
    MONTH_NAMES,
    NEVER_NAMES,
    NOT_NAME_WORDS,
    ORGANISATION_WORDS,
    PLACE_NAMES,
    SEASONS,
    SURNAMES,
    THING_NOUNS,
    UPPER_LETTERS,
)

_PREFIX = r"(?:Mc|Mac|O['’]|MC|MAC)?"
_LETTERS = f"{UPPER_LETTERS}{LOWER_LETTERS}"
_SURNAME = (
    rf"{_PREFIX}[{UPPER_LETTERS}][{_LETTERS}'’]+(?:-{_PREFIX}[{UPPER_LETTERS}][{_LETTERS}'’]+)?"
)
# "the Mitchells", "the Hussain-Whitakers'": a surname made plural.
PLURAL = re.compile(rf"\b(?:[Tt]he|THE)[ ]+(?P<name>{_SURNAME}[sS])(?=['’]|[^\w'’-]|$)")
# "the Dobson twins": a capitalised word between "the" and what a family is.
FAMILY_NOUNS = (
    "family|families|twins|triplets|household|siblings|children|boys|girls|brothers|sisters"
    "|case|couple"
)
BEFORE_FAMILY_NOUN = re.compile(
    rf"\b(?:[Tt]he|THE)[ ]+(?P<name>{_SURNAME})[ ]+(?:{FAMILY_NOUNS})\b(?![ ]+[A-Z])"
)
NOT_SURNAMES = (
    NEVER_NAMES
    | NOT_NAME_WORDS
    | PLACE_NAMES
    | ORGANISATION_WORDS
    | THING_NOUNS
    | FAMILY_ROLES
    | MONTH_NAMES
    | SEASONS
)


def _parts(name: str) -> list[str]:
    """The name's words in lower case, each without a Mc/Mac/O' the names data set lacks."""
    return [_known_form(part) for part in name.lower().split("-")]


def _known_form(part: str) -> str:
    if part in SURNAMES or part in FIRST_NAMES:
        return part
    return re.sub(r"^(?:mc|mac|o['’])", "", part) or part


def _plural_families(text: str) -> Iterator[Finding]:
    for match in PLURAL.finditer(text):
        name = match.group("name")
        parts = _parts(name[:-1])
        if all(part in SURNAMES for part in parts) and not any(
            part in NOT_SURNAMES or (len(parts) == 1 and part in DICTIONARY_WORDS) for part in parts
        ):
            yield Finding(PERSON_NAME, *match.span("name"), name)


def _families_before_nouns(text: str) -> Iterator[Finding]:
    """A hyphenated name, or one the names data set holds ("the Pilot families", "the Test
    case" are not families)."""
    for match in BEFORE_FAMILY_NOUN.finditer(text):
        parts = _parts(match.group("name"))
        known = len(parts) > 1 or parts[0] in SURNAMES or parts[0] in FIRST_NAMES
        if known and not any(part in NOT_SURNAMES for part in parts):
            yield Finding(PERSON_NAME, *match.span("name"), match.group("name"))


def find_family_names(text: str) -> Iterator[Finding]:
    yield from _plural_families(text)
    yield from _families_before_nouns(text)
