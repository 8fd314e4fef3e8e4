"""Names found by what they are: words of the names data set, in any case, read in context.

A run of name words ("Amelia Jones", "amelia jones", "AMELIA JONES") is a name when one of
its words is not also an ordinary word; a name that is an ordinary word ("Hope", "Grace",
"will") counts only when the words around it say a person is meant: a verb a person does
("Hope attends"), a possessive, "(aged", or a word such as "with" or "named" before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .kinds import PERSON_NAME, Finding
from .lexicon import (
    DICTIONARY_WORDS,
    FAMILY_ROLES,
    FIRST_NAMES,
    MONTH_NAMES,
    NAME_WORDS,
    NEVER_NAMES,
    NOT_NAME_WORDS,
    ORDINARY_WORDS,
    ORGANISATION_WORDS,
    PEOPLES,
    PERSON_VERBS,
    PLACE_NAMES,
    PLACE_PREPOSITIONS,
    SCHOOL_WORDS,
    STREET_TYPES,
    THING_NOUNS,
    trie_pattern,
    words,
)
from .names_allowed import ROLE_WORDS

# A hashtag ("#EarlyPermanenceWeek") is a campaign, not a name.
TOKEN = re.compile(r"(?<![\w'’#])[^\W\d_]+(?:['’-][^\W\d_]+)*")
POSSESSIVE_ENDINGS = frozenset({"'s", "’s", "'S", "’S"})
_AUXILIARY = (
    r"(?:was|is|has|had|have|been|being|now|still|then|later|also|quickly|soon|really|first"
    r"|finally|happily|initially|just|always|never|often|did|does|will|would|could|can)"
)
AFTER_PERSON = re.compile(
    rf"(?:['’]s\b|[ ]+(?:{_AUXILIARY}[ ]+){{0,2}}(?P<verb>[a-z]+)\b"
    r"|[ ]*,?[ ]*\([ ]*(?:aged?|born|b\.|dob|d\.o\.b|now)\b|[ ]*,[ ]*(?:aged?|born|now|who)\b"
    r"|[ ]+(?:aged?|who)\b|[ ]+and[ ]+(?:her|his|their)\b)",
    re.IGNORECASE,
)
BEFORE_PERSON = re.compile(
    r"\b(?:with|named|called|adopt|adopted|adopting|fostered|fostering|matched|supported"
    r"|supporting|loves|loved|visited|visiting|met|meet|meets|baby|little|see|saw|seeing|told"
    r"|asked|placing|placed|for|and|about|to|nicknamed|known[ ]+as)[ ]+$",
    re.IGNORECASE,
)
BEFORE_PERSON_CHARS = 20  # the longest cue, "known as", and its spaces
SENTENCE_OPENERS = frozenset(".!?:;\n\t|•*(")  # a table's cell starts like a sentence
LOOKAROUND = 60
LONG_NAME = 4  # a lower-case first name this long that is no English word: "natasha"
SHORT_NAME = 2  # "Al", "Jo": a name alone only in context ("Ab 12 34 56 c" is an NI number)
# Street types that are rarely surnames (unlike "Hill", "Green" or "Lane").
STREET_NAME_ENDINGS = frozenset(
    [
        "street",
        "road",
        "avenue",
        "crescent",
        "gardens",
        "terrace",
        "mews",
        "close",
        "drive",
        "square",
    ]
)
MINIMUM_UPPER_CASE_LENGTH = 3
HOLIDAY_EVE = re.compile(r"(?i:christmas|new[ ]year['’]s)[ ]+Eve$")
HOLIDAY_REACH = 20
PREVIOUS_CAPITALISED = re.compile(r"[A-Z][a-z]+[ ]+$")
_LISTED_NAME = r"(?P<name>[A-Z][a-zß-öø-ÿ'’]+(?:-[A-Z][a-zß-öø-ÿ]+)?)(?![\w'’-])"
LISTED_AFTER = re.compile(rf"(?:[ ]*,[ ]*|[ ]+(?:and|&)[ ]+){_LISTED_NAME}")
LISTED_BEFORE = re.compile(rf"(?<![\w'’-]){_LISTED_NAME}(?:[ ]*,[ ]*|[ ]+(?:and|&)[ ]+)$")
UPPER_WORD_AFTER = re.compile(r"[ ]+[A-Z][A-Z'’-]{2,}\b")


@dataclass
class _Word:
    start: int
    end: int  # without a possessive "'s"
    lower: str
    case: str  # "title", "upper" or "lower"
    possessive: bool

    @property
    def is_first_name(self) -> bool:
        return _all_parts(self.lower, FIRST_NAMES)

    @property
    def is_ordinary(self) -> bool:
        return self.lower in ORDINARY_WORDS or self.lower in PLACE_NAMES

    @property
    def is_dictionary_word(self) -> bool:
        return self.lower in DICTIONARY_WORDS or self.lower in PLACE_NAMES


def _all_parts(lower: str, lexicon: frozenset[str]) -> bool:
    return lower in lexicon or (
        "-" in lower and all(part in lexicon for part in lower.split("-") if part)
    )


def _case(word: str) -> str | None:
    if word.islower():
        return "lower"
    if word.isupper():
        return "upper" if len(word) >= MINIMUM_UPPER_CASE_LENGTH else None
    if word[0].isupper():
        return "title"
    return None


def _words(text: str) -> Iterator[_Word]:
    """The name words of ``text``, in order (the loop is kept lean: it sees every word)."""
    for match in TOKEN.finditer(text):
        word = match.group()
        lower = word.lower()
        if lower in NAME_WORDS:
            core = word
        elif lower[-2:] in POSSESSIVE_ENDINGS and lower[:-2] in NAME_WORDS:
            core, lower = word[:-2], lower[:-2]
        elif "-" in lower or word[0].isupper():
            core = word[:-2] if lower[-2:] in POSSESSIVE_ENDINGS else word
            lower = core.lower()
            hyphenated = "-" in lower and _all_parts(lower, NAME_WORDS)
            if not hyphenated and not (
                core[0].isupper() and lower not in NEVER_NAMES and _person_verb_after(text, match)
            ):
                continue  # a name the data set lacks counts with a person's verb: "Tendai attends"
        else:
            continue
        case = _case(core)
        if case is not None:
            yield _Word(match.start(), match.start() + len(core), lower, case, core != word)


def _runs(text: str) -> Iterator[list[_Word]]:
    """Name words next to each other, in the same case: "Amelia Jones", "AMELIA JONES"."""
    run: list[_Word] = []
    for word in _words(text):
        if run and (
            word.case != run[-1].case or run[-1].possessive or text[run[-1].end : word.start] != " "
        ):
            yield run
            run = []
        run.append(word)
    if run:
        yield run


def _next_word(text: str, end: int) -> str:
    match = re.match(r"[ ]+([\w'’-]+)", text[end : end + LOOKAROUND])
    return match.group(1).lower() if match else ""


def _previous_word(text: str, start: int) -> str:
    words = re.findall(r"[\w'’]+", text[max(0, start - LOOKAROUND) : start])
    return words[-1].lower() if words else ""


def _person_verb_after(text: str, word: re.Match[str]) -> bool:
    lower = word.group().lower()
    if lower in ORDINARY_WORDS or lower in PLACE_NAMES or lower.endswith("s"):
        return False  # "Carers attended", "Leeds attended" are not people named
    after = AFTER_PERSON.match(text, word.end(), min(len(text), word.end() + LOOKAROUND))
    return bool(after and after.group("verb") and after.group("verb").lower() in PERSON_VERBS)


def person_after(text: str, end: int) -> bool:
    after = AFTER_PERSON.match(text, end, min(len(text), end + LOOKAROUND))
    verb = after.group("verb") if after else None
    return bool(after and (verb is None or verb.lower() in PERSON_VERBS))


def person_context(text: str, start: int, end: int) -> bool:
    """Do the words around text[start:end] say it is a person?"""
    if person_after(text, end):
        return True
    return BEFORE_PERSON.search(text[max(0, start - BEFORE_PERSON_CHARS) : start]) is not None


def _at_sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - LOOKAROUND) : start].rstrip(" '‘\"“")
    return not before or before[-1] in SENTENCE_OPENERS


def _names_a_thing(text: str, run: list[_Word]) -> bool:
    just_before = text[max(0, run[0].start - 8) : run[0].start]
    if run[-1].lower in STREET_NAME_ENDINGS or re.search(r"\d[ ]*$", just_before):
        return True  # "Wellington Street", "18 Wellington"
    following = _next_word(text, run[-1].end)
    if following in THING_NOUNS or following in ORGANISATION_WORDS:
        return True
    if _names_a_body(text, run):
        return True
    if following in STREET_TYPES or following in SCHOOL_WORDS:
        return True
    previous = _previous_word(text, run[0].start)
    if previous in ("st", "saint", "mount", "lake", "port", "fort", "the"):
        return True
    if run[-1].lower == "eve" and _after_a_holiday(text, run[-1].end):
        return True
    if _ends_a_proper_noun(text, run[0].start, previous):
        return True  # "our Early Permanence Buddy", "Grandparents Plus"
    return previous in PLACE_PREPOSITIONS and all(w.lower in PLACE_NAMES for w in run)


# A title or a family role before "Church" or "Temple" says it is a surname.
NOT_A_BODY_BEFORE = FAMILY_ROLES | {"mr", "mrs", "ms", "miss", "mx", "dr", "baby", "little"}
# The capitalised words after a name word, up to two: "Heath Children's Centre".
CAPITALISED_AFTER = re.compile(r"(?:[ ]+(?:&[ ]+)?([A-Z][\w'’-]*)){1,3}")
# Words that end an agency's or a firm's name, after capitalised words only.
BODY_WORDS = ORGANISATION_WORDS | {"adoption", "fostering", "law"}


def _names_a_body(text: str, run: list[_Word]) -> bool:
    """Part of an institution's or a place's name, or of a description: "Northgate Press",
    "Kings Heath Children's Centre", "West Yorkshire", "Black African"."""
    last = run[-1]
    if len(run) == 1 and last.lower in ORGANISATION_WORDS:
        previous = PREVIOUS_CAPITALISED.search(text, max(0, last.start - LOOKAROUND), last.start)
        if previous and previous.group().strip().lower() not in NOT_A_BODY_BEFORE:
            return True
    after = CAPITALISED_AFTER.match(text, last.end, min(len(text), last.end + LOOKAROUND))
    if after is None:
        return False
    following = [word.lower() for word in re.findall(r"[A-Z][\w'’-]*", after.group())]
    if any(word in BODY_WORDS for word in following) or following[0] in PEOPLES:
        return True  # "Lawrence & Pike LLP", "Black Caribbean"
    return len(run) == 1 and following[0] in PLACE_NAMES and following[0] not in NAME_WORDS


def _ends_a_proper_noun(text: str, start: int, previous: str) -> bool:
    """The word before is a capitalised service or practice word (not a family role)."""
    if previous not in NOT_NAME_WORDS or previous in FAMILY_ROLES:
        return False
    match = PREVIOUS_CAPITALISED.search(text, max(0, start - LOOKAROUND), start)
    return match is not None and not _at_sentence_start(text, match.start())


# "Max. capacity", "Postal returns:": an abbreviation, or a label's first word.
NOT_A_NAME_AFTER = re.compile(r"\.[ ]+[a-z0-9]|(?:[ ]+[a-z]+){0,2}[ ]*:(?![ ]*\d)")
# "Moor Lane surgery": a street's name used for what is in it.
STREET_THEN_WORD = re.compile(r"[ ]+[a-z]")
HAS_A_CHILD_THING = re.compile(
    rf"[ ]+(?:has|had)[ ]+(?:a|an|her|his)[ ]+(?:{trie_pattern(sorted(words('child_things')))})\b"
)


def _is_name(text: str, run: list[_Word]) -> bool:
    start, end = run[0].start, run[-1].end
    if (
        len(run) == 1
        and NOT_A_NAME_AFTER.match(text, end, min(len(text), end + LOOKAROUND))
        and _next_word(text, end) not in PERSON_VERBS
        and _at_sentence_start(text, start)
    ):
        return False
    if (
        len(run) > 1
        and run[-1].lower in STREET_TYPES
        and not run[0].is_first_name
        and STREET_THEN_WORD.match(text, end)
    ):
        return False
    if len(run) == 1 and HAS_A_CHILD_THING.match(text, end, min(len(text), end + LOOKAROUND)):
        return True  # "Star has a memory box"
    if run[0].case == "lower":
        strong = run[0].is_first_name and any(not w.is_dictionary_word for w in run)
        return strong and (
            len(run) >= 2 or end - start > LONG_NAME or person_context(text, start, end)
        )
    if _names_a_thing(text, run) or (len(run) == 1 and _listed_with_peoples(text, start, end)):
        return False
    if all(w.lower in PLACE_NAMES for w in run):
        return not run[-1].possessive and person_after(text, end)  # "Bristol's carers"
    if len(run) == 1 and run[0].lower in MONTH_NAMES:
        # "April settled quickly" is a child; "in April", "to April 2025" are months.
        return person_after(text, end)
    strong = any(not w.is_ordinary and w.end - w.start > SHORT_NAME for w in run)
    if run[0].case == "upper":
        # "AMIR HADDAD": a first name, then another word in capitals (a surname).
        strong = run[0].is_first_name and (
            not run[0].is_dictionary_word or UPPER_WORD_AFTER.match(text, end) is not None
        )
    if strong and len(run) == 1 and run[0].is_dictionary_word and _at_sentence_start(text, start):
        # Capitalised only because it starts a sentence: "Alpha", "Amelia" need a person cue.
        return person_context(text, start, end)
    if strong and len(run) == 1 and not run[0].is_first_name:
        # A surname alone ("Patel", "Begum") is a name when something says a person is meant.
        return person_context(text, start, end) or not _at_sentence_start(text, start)
    return strong or person_context(text, start, end)


def _after_a_holiday(text: str, end: int) -> bool:
    """ "Christmas Eve" ends at `end` (looked for in the few characters before it)."""
    return HOLIDAY_EVE.search(text, max(0, end - HOLIDAY_REACH), end) is not None


def _listed_neighbours(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The capitalised words listed just after and just before text[start:end]."""
    after = LISTED_AFTER.match(text, end, min(len(text), end + LOOKAROUND))
    before = LISTED_BEFORE.search(text, max(0, start - LOOKAROUND), start)
    return (match for match in (after, before) if match is not None)


def _listed_with(text: str, start: int, end: int) -> Iterator[Finding]:
    """A capitalised word listed with a name is a name too: "Amelia and Tendai"."""
    for match in _listed_neighbours(text, start, end):
        lower = match.group("name").lower()
        if not (
            lower in NEVER_NAMES
            or lower in ORDINARY_WORDS
            or lower in PLACE_NAMES
            or lower in ROLE_WORDS
            or _after_a_holiday(text, match.end("name"))
        ):
            yield Finding(PERSON_NAME, *match.span("name"), match.group("name"))


def _listed_with_peoples(text: str, start: int, end: int) -> bool:
    """ "Muslim, Sikh, Christian and non-religious carers": a word in a list of faiths or
    nationalities is one of them."""
    return any(
        match.group("name").lower() in PEOPLES for match in _listed_neighbours(text, start, end)
    )


def find_lexicon_names(text: str) -> Iterator[Finding]:
    for run in _runs(text):
        if _is_name(text, run):
            start, end = run[0].start, run[-1].end
            yield Finding(PERSON_NAME, start, end, text[start:end])
            yield from _listed_with(text, start, end)
