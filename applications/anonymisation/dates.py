"""Dates of birth, and ages that give one away."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .kinds import DATE_OF_BIRTH, PERSON_NAME, Finding, finditer_near

# --------------------------------------------------------------------------------------------
# Dates of birth
# --------------------------------------------------------------------------------------------

_MONTH = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
ISO_DATE = re.compile(r"(?<![\w/.-])\d{4}-(?P<month>\d{2})-(?P<day>\d{2})(?![\w/-])")
NUMERIC_DATE = re.compile(
    r"(?<![\w/.-])(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?:\d{4}|\d{2})(?![\w/-]|\.\d)"
)
DAY_MONTH_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?[ ]+(?:of[ ]+)?{_MONTH}(?:,?[ ]+\d{{4}}\b)?",
    re.IGNORECASE,
)
MONTH_DAY_DATE = re.compile(
    rf"\b{_MONTH}[ ]+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?[ ]+\d{{4}}\b)?", re.IGNORECASE
)
# "born on Christmas Day 2022".
FESTIVAL_DATE = re.compile(
    r"\b(?:Christmas|Boxing|New[ ]Year['’]s|Valentine['’]s|Hallowe['’]?en|Bonfire)"
    r"(?:[ ]+(?:Day|Eve|Night))?,?[ ]+\d{4}\b",
    re.IGNORECASE,
)
BIRTH_CUE = re.compile(
    r"\b(?:born(?![ ]+out[ ]+of\b)|birthday|date[ _]+of[ _]+birth|birth[ _]?date|D\.?O\.?B\b\.?"
    r"|(?:gave|given|giving)[ ]+birth|birth[ ]+(?:was|is)"
    r"|turned[ ]+(?:one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})"
    r"|(?<![\w.])b\.|arrived[ ]+\(?(?:prematurely|early|late)\)?|arrived[ ]+at[ ]+\d{2}[ ]+weeks"
    r"|(?:she|he|baby|they|twins)[ ]+(?:was|were)[ ]+delivered|came[ ]+into[ ]+the[ ]+world"
    r"|date[ ]+of[ ]+delivery)",
    re.IGNORECASE,
)
# Anything that starts a new clause between the cue and the date breaks the link:
# "born at 34 weeks and placed on 3 March 2024" gives a placement date, not a birth date.
# A single line break does not: text read from a document breaks lines inside sentences
# ("born on\n3 March 2024") and puts a table's label and value on lines of their own
# ("Date of birth\n12/01/2024"). A blank line, between paragraphs, does.
CLAUSE_BREAK = re.compile(
    r"[.!?;,]|\n[ \t\r]*\n"
    r"|\b(?:and|but|then|until|before|after|when|while|whilst|between|from|since"
    r"|during|within|placed|moved|matched|adopted|discharged|returned|joined)\b",
    re.IGNORECASE,
)
# "babies born 1 April 2023 - 31 March 2024" is a reporting period, not a birth date.
RANGE_AFTER_DATE = re.compile(r"[ ]*(?:-|–|—|to|until)[ ]*\d", re.IGNORECASE)
RANGE_BEFORE_DATE = re.compile(r"(?:-|–|—|\bto|\buntil)[ ]*$", re.IGNORECASE)
BIRTH_CUE_LOOKBACK = 60
# "her first birthday on 3 March" is a birth date, "our birthday picnic on 21 June" is not:
# after "birthday" the date must follow at once.
BIRTHDAY_GAP = re.compile(r"[ :(–-]*(?:(?:is|was|on|falls|fell)[ :]+)*", re.IGNORECASE)


def _dates(text: str) -> Iterator[re.Match[str]]:
    """Dates that follow a birth cue closely enough to be introduced by it."""
    for cue in BIRTH_CUE.finditer(text):
        start, end = cue.start(), min(len(text), cue.end() + BIRTH_CUE_LOOKBACK + 2)
        for pattern in (NUMERIC_DATE, ISO_DATE):
            for match in pattern.finditer(text, start, end):
                if 1 <= int(match.group("day")) <= 31 and 1 <= int(match.group("month")) <= 12:
                    yield match
        for pattern in (DAY_MONTH_DATE, MONTH_DAY_DATE, FESTIVAL_DATE):
            # A date may run past the window ("3 March 2024"): match from inside it.
            position = start
            while (match := pattern.search(text, position, min(len(text), end + 20))) and (
                match.start() < end
            ):
                yield match
                position = match.end()


def _introduced_as_birth_date(text: str, date_start: int) -> bool:
    window_start = max(0, date_start - BIRTH_CUE_LOOKBACK)
    cues = list(BIRTH_CUE.finditer(text, window_start, date_start))
    if not cues:
        return False
    cue = cues[-1]
    between = text[cue.end() : date_start]
    if RANGE_BEFORE_DATE.search(between) and re.search(r"\w", between):
        return False  # a range's second date; a dash straight after the cue is a label's
    if cue.group().lower() == "birthday":
        return BIRTHDAY_GAP.fullmatch(between) is not None
    return CLAUSE_BREAK.search(between) is None


def _birth_dates(text: str) -> Iterator[Finding]:
    for match in _dates(text):
        if RANGE_AFTER_DATE.match(text, match.end()):
            continue
        if _introduced_as_birth_date(text, match.start()):
            yield Finding(DATE_OF_BIRTH, match.start(), match.end(), match.group())


# An age and an exact date in one sentence give the date of birth by arithmetic:
# "11 days old when placed on 23 January 2024".
AGE = re.compile(
    r"\b(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"[ -](?:day|week|month|year)s?[ -]old\b"
    r"|\bage[ds]?[ ]+\d{1,3}[ ]+(?:days?|weeks?|months?)\b",
    re.IGNORECASE,
)
FULL_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?[ ]+(?:of[ ]+)?{_MONTH}[ ]+\d{{4}}\b"
    rf"|\b{_MONTH}[ ]+\d{{1,2}}(?:st|nd|rd|th)?,?[ ]+\d{{4}}\b"
    r"|(?<![\w/.-])\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?![\w/])",
    re.IGNORECASE,
)
SENTENCE_CHARS = 300  # how far either side of an age to look for the sentence's dates
# Initials with a date: "J.S. (born 03/2022)", "AB (DOB 2021)".
INITIALS = re.compile(
    r"(?<![\w.])(?:[A-Z]\.[ ]?){1,2}[A-Z]\.?(?![\w])|(?<![\w.])[A-Z]{2,3}(?=[ ]*\()"
)
DATE_OR_BIRTH_NEAR = re.compile(
    r"[ ]*[,(:–-]?[ ]*(?:(?:born|dob|aged?|date[ ]+of[ ]+birth)\b|b\.|d\.o\.b"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}/\d{4})",
    re.IGNORECASE,
)
# "born 07/1996": a month and year introduced as a birth.
BIRTH_MONTH_YEAR = re.compile(
    r"\b(?:born|dob|d\.o\.b\.?|b\.)[ ]*:?[ ]*(?P<date>(?:(?:0?[1-9]|1[0-2])/"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?[ ]+)(?:19|20)\d{2})\b",
    re.IGNORECASE,
)


NOT_INITIALS = frozenset({"DOB", "NHS", "NI", "UK", "LA", "EP", "FFA"})


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(mark, max(0, start - SENTENCE_CHARS), start) for mark in ".!?\n") + 1
    stops = [text.find(mark, end, end + SENTENCE_CHARS) for mark in ".!?\n"]
    right = min((stop for stop in stops if stop >= 0), default=min(len(text), end + SENTENCE_CHARS))
    return max(left, start - SENTENCE_CHARS), right


def _ages_with_dates(text: str) -> Iterator[Finding]:
    for age in AGE.finditer(text):
        left, right = _sentence_around(text, age.start(), age.end())
        dates = list(FULL_DATE.finditer(text, left, right))
        if dates:
            yield Finding(DATE_OF_BIRTH, age.start(), age.end(), age.group())
            for date in dates:
                yield Finding(DATE_OF_BIRTH, date.start(), date.end(), date.group())


def _initials_with_dates(text: str) -> Iterator[Finding]:
    for match in INITIALS.finditer(text):
        letters = re.sub(r"[^A-Z]", "", match.group())
        if letters not in NOT_INITIALS and DATE_OR_BIRTH_NEAR.match(text, match.end()):
            yield Finding(PERSON_NAME, match.start(), match.end(), match.group())


# "(b.14/02/23)", "DOB:03.03.2021": a date written straight after the cue.
BIRTH_CUE_THEN_DATE = re.compile(
    r"\b(?:b|dob|d\.o\.b)\.?[ ]*:?[ ]*(?P<date>\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})\b",
    re.IGNORECASE,
)


def find_dates_of_birth(text: str) -> Iterator[Finding]:
    for match in finditer_near(BIRTH_CUE_THEN_DATE, text):
        yield Finding(DATE_OF_BIRTH, match.start("date"), match.end("date"), match.group("date"))
    yield from _birth_dates(text)
    yield from _ages_with_dates(text)
    yield from _initials_with_dates(text)
    for match in BIRTH_MONTH_YEAR.finditer(text):
        yield Finding(DATE_OF_BIRTH, match.start("date"), match.end("date"), match.group("date"))
