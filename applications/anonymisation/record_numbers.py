"""NHS, National Insurance, case, court and case-system numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .kinds import CASE_REFERENCE, NHS_NUMBER, NI_NUMBER, Finding, finditer_near

# --------------------------------------------------------------------------------------------
# NHS numbers
# --------------------------------------------------------------------------------------------

# Ten digits, optionally grouped 3-3-4 with the same separator (space or dash) both times.
NHS_NUMBER_CANDIDATE = re.compile(r"(?<![\w.,/-])\d{3}(?P<sep>[ -]?)\d{3}(?P=sep)\d{4}(?![\w/-])")


def nhs_checksum_is_valid(digits: str) -> bool:
    """Modulus 11 check: weights 10..2 on the first nine digits give the tenth."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], weights, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


NHS_CUE_BEFORE = re.compile(r"\bNHS\b[^.\n\d]{0,20}$", re.IGNORECASE)
INTERNATIONAL_DIALLING = re.compile(r"\+[ ]?44[ ]?(?:\(0\)[ ]?)?$")


def find_nhs_numbers(text: str) -> Iterator[Finding]:
    """Ten digits that pass the checksum, or any ten digits introduced as an NHS number."""
    for match in finditer_near(NHS_NUMBER_CANDIDATE, text):
        if INTERNATIONAL_DIALLING.search(text, max(0, match.start() - 8), match.start()):
            continue  # "+44 191 498 0123" is a phone number
        cued = NHS_CUE_BEFORE.search(text, max(0, match.start() - 30), match.start())
        if cued or nhs_checksum_is_valid(re.sub(r"\D", "", match.group())):
            yield Finding(NHS_NUMBER, match.start(), match.end(), match.group())


# --------------------------------------------------------------------------------------------
# National Insurance numbers
# --------------------------------------------------------------------------------------------

NI_NUMBER_CANDIDATE = re.compile(
    r"\b(?P<prefix>[A-Z]{2})"
    r"(?: ?\d{2} ?\d{2} ?\d{2} ?|(?P<sep>[.-])\d{2}(?:(?P=sep)\d{2}){2}(?P=sep))[A-D]\b",
    re.IGNORECASE,
)
# Lower case is accepted only straight after a cue: "at 12 34 56 a" could be anything.
NI_CUE_BEFORE = re.compile(
    r"\b(?:NI|NINO|national[ ]+insurance)\b(?:[ ]+(?:number|no\.?))?(?:[ ]+(?:is|was))?[ :]*$",
    re.IGNORECASE,
)
NI_INVALID_FIRST_LETTERS = frozenset("DFIQUV")
NI_INVALID_SECOND_LETTERS = frozenset("DFIOQUV")
NI_INVALID_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def ni_prefix_is_valid(prefix: str) -> bool:
    prefix = prefix.upper()
    return (
        len(prefix) == 2
        and prefix[0] not in NI_INVALID_FIRST_LETTERS
        and prefix[1] not in NI_INVALID_SECOND_LETTERS
        and prefix not in NI_INVALID_PREFIXES
    )


# "NI number QQ 12 34 56 C", "NINO: QQ 65 43 21 A": introduced as a number, any prefix is
# meant as one.
NI_NAMED_BEFORE = re.compile(
    r"\b(?:NINO|NI[ ]+(?:number|no\.?)|national[ ]+insurance(?:[ ]+(?:number|no\.?))?)"
    r"(?:[ ]+(?:is|was|as|of|given|recorded|written|noted|being)){0,3}[ :]*$",
    re.IGNORECASE,
)


def find_ni_numbers(text: str) -> Iterator[Finding]:
    for match in finditer_near(NI_NUMBER_CANDIDATE, text):
        found = match.group()
        if not found.isupper():
            cued = NI_CUE_BEFORE.search(text, max(0, match.start() - 40), match.start())
            if not (found.islower() and cued):
                continue
        named = NI_NAMED_BEFORE.search(text, max(0, match.start() - 40), match.start())
        if named or ni_prefix_is_valid(match.group("prefix")):
            yield Finding(NI_NUMBER, match.start(), match.end(), match.group())


# --------------------------------------------------------------------------------------------
# Case and court references
# --------------------------------------------------------------------------------------------

# Family court numbering: court code, year, case type, serial, e.g. "BS24C00456".
FAMILY_COURT_CASE_NUMBER = re.compile(r"\b[A-Z]{2}\d{2}[A-Z]\d{5}\b")
INTRODUCED_REFERENCE = re.compile(
    r"\b(?:"
    r"case[ ]+(?:number|no\.?|ref(?:erence)?\.?)"
    r"|court[ ]+(?:case[ ]+)?(?:number|no\.?|ref(?:erence)?\.?)"
    r"|LA[ ]+ref(?:erence)?\.?"
    r"|ref(?:erence)?\.?[ ]+(?:no\.?|number)"
    r"|(?:appeal|matter|claim)[ ]+(?:ref(?:erence)?\.?|no\.?|number)"
    r")(?![A-Za-z])"
    r"[ ]*(?:is[ ]+|was[ ]+)?[:#]?[ ]*"
    r"(?P<code>[A-Za-z0-9](?:[A-Za-z0-9/-]*[A-Za-z0-9])?)",
    re.IGNORECASE,
)
MINIMUM_REFERENCE_LENGTH = 4  # "case number 2" is an enumeration, not a reference


def find_case_references(text: str) -> Iterator[Finding]:
    yield from find_system_references(text)
    for match in finditer_near(FAMILY_COURT_CASE_NUMBER, text):
        yield Finding(CASE_REFERENCE, match.start(), match.end(), match.group())
    for match in finditer_near(INTRODUCED_REFERENCE, text):
        code = match.group("code")
        if any(char.isdigit() for char in code) and len(code) >= MINIMUM_REFERENCE_LENGTH:
            if _is_ofsted_urn(text, match.start("code"), code):
                continue
            yield Finding(CASE_REFERENCE, match.start("code"), match.end("code"), code)


# Local authorities' case systems and other record numbers: "Mosaic ID 1234567",
# "LCS number: 448812", "CS/2023/004512", "MOS-0045123".
CASE_SYSTEMS = (
    r"Mosaic|LCS|Liquid[ ]?logic|EHM|Eclipse|Care[ ]?first|SystmOne|ICS|CCM|Azeus|Frameworki"
    r"|ContrOCC|Capita[ ]+ONE|Paris|Protocol|Synergy|Servelec|Rio|EMIS|Carenotes"
)
# The number is found first (numbers are rare in prose), then the words before it.
SYSTEM_CODE = re.compile(
    r"(?<![\w/-])(?=(?:[A-Za-z/-]*\d){4})(?:[A-Za-z]{0,4}[-/]?\d[\dA-Za-z/-]*\d|\d{4,})"
)
SYSTEM_CUE_BEFORE = re.compile(
    rf"\b(?:{CASE_SYSTEMS}|person|child|client|case|record|file|pupil|patient|hospital|unique"
    r"|UPN|ULN|MRN|CHI|ID)(?:[ ]+(?:person|child|client|case|record|system))?"
    r"(?:[ ]+(?:ID|identifier|number|no\.?|ref(?:erence)?\.?|record))?"
    r"[ ]*(?:is[ ]+|was[ ]+)?[:#]?[ ]*$",
    re.IGNORECASE,
)
SYSTEM_CUE_CHARS = 45
YEAR_OR_PERIOD = re.compile(r"(?:19|20)\d{2}(?:[-/]\d{2,4})?")
# "CS/2023/004512", and "A23/0419" with digits in its first part, but not a quarter or a key
# stage with a year ("Q3/2024", "KS2/2023"); a redaction ("XX/XX/2023") is left out.
SLASHED_REFERENCE = re.compile(
    r"\b(?=[A-Z0-9]{3})[A-Z]{1,6}\d{0,4}(?:/[A-Z0-9]{1,6}){0,2}/(?!(?:19|20)\d{2}\b)\d{3,}(?:/\d+)?\b"
    r"|\b[A-Z]{1,6}(?:/[A-Z0-9]{1,6}){0,2}/\d{3,}(?:/\d+)?\b"
)
REDACTED = re.compile(r"[Xx*/ -]*\d*")
PREFIXED_NUMBER = re.compile(r"\b(?P<prefix>[A-Z]{2,5})-?\d{5,}\b")
OFSTED_PREFIXES = frozenset({"SC", "EY", "URN"})
OFSTED_CUE = re.compile(r"\b(?:URN|Ofsted|unique[ ]+reference[ ]+number)\b[^.\n]{0,30}$", re.I)
MINIMUM_SYSTEM_DIGITS = 4
OFSTED_SHAPE = re.compile(r"[A-Z]{2}\d{6}")  # Ofsted's URNs: two letters and six digits


def _is_ofsted_urn(text: str, start: int, code: str) -> bool:
    return code[:2].upper() in OFSTED_PREFIXES or bool(
        OFSTED_CUE.search(text, max(0, start - 40), start)
    )


def find_system_references(text: str) -> Iterator[Finding]:
    for match in finditer_near(SYSTEM_CODE, text):
        code, start = match.group(), match.start()
        digits = sum(char.isdigit() for char in code)
        if digits < MINIMUM_SYSTEM_DIGITS or YEAR_OR_PERIOD.fullmatch(code):
            continue
        if SYSTEM_CUE_BEFORE.search(text, max(0, start - SYSTEM_CUE_CHARS), start) and not (
            _is_ofsted_urn(text, start, code)
        ):
            yield Finding(CASE_REFERENCE, start, match.end(), code)
    for match in finditer_near(SLASHED_REFERENCE, text):
        if REDACTED.fullmatch(match.group()):
            continue
        yield Finding(CASE_REFERENCE, match.start(), match.end(), match.group())
    for match in finditer_near(PREFIXED_NUMBER, text):
        if not _is_ofsted_urn(text, match.start(), match.group()) and not OFSTED_SHAPE.fullmatch(
            match.group()
        ):
            yield Finding(CASE_REFERENCE, match.start(), match.end(), match.group())
