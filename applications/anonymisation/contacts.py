"""E-mail addresses, phone numbers and postcodes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .kinds import AT_SIGN, EMAIL, NEAR_AT_SIGN, PHONE, POSTCODE, Finding, finditer_near, windows

# --------------------------------------------------------------------------------------------
# E-mail addresses
# --------------------------------------------------------------------------------------------

EMAIL_ADDRESS = re.compile(
    r"(?<![\w.%+-])"
    r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?"
    r"@(?P<domain>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"(?![\w-])"
)


def find_emails(
    text: str, allowed_emails: set[str], allowed_domains: set[str]
) -> Iterator[Finding]:
    for match in finditer_near(EMAIL_ADDRESS, text, AT_SIGN, NEAR_AT_SIGN):
        address = match.group().lower()
        domain = match.group("domain").lower()
        if address in allowed_emails:
            continue
        if any(domain == allowed or domain.endswith("." + allowed) for allowed in allowed_domains):
            continue
        yield Finding(EMAIL, match.start(), match.end(), match.group())


# --------------------------------------------------------------------------------------------
# Postcodes
# --------------------------------------------------------------------------------------------

# Full postcodes only (outward and inward code); an outward district like "BS1" is not personal.
FULL_POSTCODE = re.compile(
    r"\b(?P<outward>[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?(?P<inward>\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})


def normalise_postcode(postcode: str) -> str:
    return re.sub(r"\s", "", postcode).upper()


def find_postcodes(text: str, allowed_postcodes: set[str]) -> Iterator[Finding]:
    for match in finditer_near(FULL_POSTCODE, text):
        found = match.group()
        # Postcodes are written all upper or all lower case; mixed case is ordinary prose.
        if not (found.isupper() or found.islower()):
            continue
        if found.islower() and match.group("inward")[1:] in ORDINAL_SUFFIXES:
            continue
        if normalise_postcode(found) in allowed_postcodes:
            continue
        yield Finding(POSTCODE, match.start(), match.end(), found)


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------

# A run of digit groups starting with +44/0044 or a national 0 (optionally "(0117) ...").
# Each repetition needs a separator, so the pattern cannot backtrack explosively.
PHONE_CANDIDATE = re.compile(
    r"(?<![\w+(])"
    r"(?:(?P<international>(?:\+|\b00)44) ?(?:\(0\) ?)?|\(?(?=0))"
    r"(?P<body>\d+(?:(?:\) ?|[ -])\d+)*)"
)
DIGIT_RUN = re.compile(r"\d+")
UK_NATIONAL_NUMBER_LENGTHS = (10, 11)
UK_DIALLABLE_PREFIXES = frozenset("123578")  # 01, 02, 03, 05, 07, 08


def national_phone_digits(digits: str) -> str:
    """Digits as dialled inside the UK: "+44 (0)117 ..." and "0117 ..." both give "0117..."."""
    if digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and len(digits) > 11:
        digits = digits[2:]
    else:
        return digits
    return digits if digits.startswith("0") else "0" + digits


def _phone_end(match: re.Match[str]) -> int | None:
    """End offset of the longest leading digit groups that form a UK number, if any."""
    international = match.group("international") is not None
    runs = list(DIGIT_RUN.finditer(match.string, match.start("body"), match.end("body")))
    minimum_first_group = 2 if international else 3
    if len(runs[0].group()) < minimum_first_group:
        return None
    digits = "0" if international and not runs[0].group().startswith("0") else ""
    best_end = None
    for index, run in enumerate(runs):
        if index and len(run.group()) < 2:
            break
        digits += run.group()
        if len(digits) in UK_NATIONAL_NUMBER_LENGTHS:
            best_end = run.end()
        elif len(digits) > max(UK_NATIONAL_NUMBER_LENGTHS):
            break
    if best_end is None or digits[1] not in UK_DIALLABLE_PREFIXES:
        return None
    return best_end


def find_phones(text: str, allowed_phones: set[str]) -> Iterator[Finding]:
    for window_start, window_end in windows(text):
        position = window_start
        while match := PHONE_CANDIDATE.search(text, position, window_end):
            end = _phone_end(match)
            if end is None:
                position = match.end()
                continue
            position = end
            found = text[match.start() : end]
            if national_phone_digits(re.sub(r"\D", "", found)) in allowed_phones:
                continue
            yield Finding(PHONE, match.start(), end, found)
