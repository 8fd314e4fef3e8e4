"""Names found by the words in front of or behind them: a title, "Baby", a family role,
"named"/"called", "placed with"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .kinds import PERSON_NAME, Finding
from .lexicon import (
    FUNCTION_WORDS,
    LOWER_LETTERS,
    MONTH_NAMES,
    NOT_NAME_WORDS,
    ORDINARY_WORDS,
    ORGANISATION_WORDS,
    PLACE_NAMES,
    PLACE_PREPOSITIONS,
    SEASONS,
    THING_NOUNS,
    UPPER_LETTERS,
    trie_pattern,
    words,
)

_UPPER = UPPER_LETTERS
_LOWER = LOWER_LETTERS
# An apostrophe after a letter is inside a name ("O'Brien"); after a space it opens a quote.
_NAME_WORD = (
    rf"(?<![\w-])(?<!\w['’])"
    rf"(?:Mc|Mac|O['’])?[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)*(?![\w])"
)
# A full name is up to three capitalised words: "Priya", "Jean Brooks", "Mary Ann Smith".
_NAME_SEQUENCE = rf"{_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,2}}"
_NAME_LIST = rf"{_NAME_SEQUENCE}(?:(?:[ ]*,[ ]*|[ ]+(?:and|&)[ ]+){_NAME_SEQUENCE}){{0,5}}"
_INITIAL = r"(?<![\w'’])[A-HJ-Z](?![\w'’])"  # "I" is the pronoun far more often than an initial

NAME_WORD = re.compile(_NAME_WORD)
NAME_SEQUENCE = re.compile(_NAME_SEQUENCE)

_TITLE = r"(?:Mrs|Mr|Ms|Miss|Mx|Master|Dr)"
_ROLE_MODIFIER = f"(?:{trie_pattern(words('role_modifiers'))})"
_ROLE_BASE = f"(?:{trie_pattern(words('family_roles'))})"
_ROLE = rf"(?i:(?:{_ROLE_MODIFIER}[ -]){{0,2}}{_ROLE_BASE}(?:e?s)?(?:[ ]+for[ ]+adoption)?)"

TITLE_THEN_NAME = re.compile(
    rf"\b{_TITLE}\b\.?(?:[ ]+(?:and|&)[ ]+{_TITLE}\b\.?)?[ ]+"
    rf"(?P<names>(?:[A-Z]\.?[ ]+)?{_NAME_SEQUENCE}|{_INITIAL})"
)
# Hospitals record unnamed babies as "Baby Boy Smith" or "Baby Girl Smith".
BABY_THEN_NAME = re.compile(
    rf"\b[Bb]aby[ ]+(?:(?:Boy|Girl)[ ]+)?(?P<names>{_NAME_SEQUENCE}|{_INITIAL})"
)
# A form or table labels a value with a colon: "Birth mother: Kerry Smith", or the value on
# the next line.
_LABEL_COLON = r"[ ]*:[ ]*(?:\r?\n[ ]*)?"
ROLE_THEN_NAME = re.compile(
    rf"\b(?P<role>{_ROLE})(?![\w'’])(?:[ ]*,[ ]*|[ ]*\([ ]*|{_LABEL_COLON}|[ ]+)"
    rf"(?:['‘\"“](?=[{_UPPER}][{_LOWER}]+['’\"”]))?"
    rf"(?P<names>(?:[A-Z]\.[ ]?){{1,3}}[ ]*{_NAME_SEQUENCE}|{_NAME_LIST})"
)
NAME_THEN_ROLE = re.compile(
    rf"(?P<names>{_NAME_SEQUENCE}(?:[ ]+(?:and|&)[ ]+{_NAME_SEQUENCE}){{0,3}})[ ]*[,(][ ]*"
    rf"(?:(?:the|a|an|his|her|their|our|{_NAME_WORD}['’]s)[ ]+)?"
    rf"(?:[a-z][\w'’-]*[ ]+){{0,2}}(?P<role>{_ROLE})(?![\w])"
)
NAME_POSSESSIVE_ROLE = re.compile(
    rf"(?P<names>{_NAME_SEQUENCE})['’]s[ ]+(?:[a-z][\w-]*[ ]+){{0,2}}(?P<role>{_ROLE})(?![\w])"
)
# Case studies say who a child went to: "we placed the baby with Claire and Tom".
PLACED_WITH_NAME = re.compile(rf"\bplaced[ ]+(?:[a-z]+[ ]+){{0,3}}?with[ ]+(?P<names>{_NAME_LIST})")
CALLED_THEN_NAME = re.compile(
    r"\b(?:"
    r"(?:named|called|(?:first[ ]+|middle[ ]+|full[ ]+|real[ ]+|sur)?name"
    r"(?:[ ]+(?:is|was)|[ ]*,))[ ]+"
    r"|known[ ]+(?:to[ ]+(?:[a-z]+[ ]+){1,2})?as[ ]+['‘\"“]"
    r"|in[ ]+the[ ]+name[ ]+of[ ]+['‘\"“]?"
    r"|(?:real[ ]+|sur|maiden[ ]+|birth[ ]+)name[ ]+(?=[A-Z])"
    rf"|[Nn]ame{_LABEL_COLON}"
    rf")(?P<names>{_NAME_LIST})"
)


SENTENCE_OPENERS = frozenset(".!?:;\n\"“‘'(•*-–—")
# Adverbs such as "Subsequently," open sentences; "Sally" and "Emily" must stay names.
ADVERB_ENDINGS = tuple(
    [
        "ally",
        "ently",
        "antly",
        "ously",
        "ively",
        "ately",
        "ingly",
        "fully",
        "edly",
        "ably",
        "ibly",
        "arly",
        "ctly",
        "stly",
        "ssly",
        "rtly",
    ]
)
MINIMUM_ADVERB_LENGTH = 7
LOOKBEHIND_CHARS = 100
WORD = re.compile(r"[\w'’]+")
NEXT_WORD = re.compile(r"[ ]+([\w'’]+)")
FOLLOWED_BY_NUMBER = re.compile(r"[ ]*\d")
SENTENCE_END = re.compile(r"[.!?;\n]")


def _is_function_word(word: str) -> bool:
    lower = word.lower()
    return lower in FUNCTION_WORDS or (
        len(lower) >= MINIMUM_ADVERB_LENGTH and lower.endswith(ADVERB_ENDINGS)
    )


def _is_not_a_name(text: str, word: re.Match[str], *, weak_cue: bool) -> bool:
    lower = word.group().lower()
    parts = lower.split("-")  # "Home-Start" is a charity, "Stacey-Leigh" a person
    if any(part in NOT_NAME_WORDS for part in parts) or _is_function_word(lower):
        return True
    if lower in MONTH_NAMES or lower in SEASONS:
        # "her daughter May" is a name; "the mother May 2024" is a date.
        return weak_cue or bool(FOLLOWED_BY_NUMBER.match(text, word.end()))
    return weak_cue and lower in PLACE_NAMES


def _text_before(text: str, position: int) -> str:
    """The stretch of text just before ``position`` (bounded, so long documents stay fast)."""
    return text[max(0, position - LOOKBEHIND_CHARS) : position]


def _at_sentence_start(text: str, position: int) -> bool:
    before = _text_before(text, position).rstrip(" \t")
    return not before or before[-1] in SENTENCE_OPENERS


def _previous_word(text: str, position: int) -> str:
    words = WORD.findall(_text_before(text, position))
    return words[-1].lower() if words else ""


def _next_word(text: str, position: int) -> str:
    match = NEXT_WORD.match(text, position)
    return match.group(1).lower() if match else ""


def _current_sentence_before(text: str, position: int) -> str:
    return SENTENCE_END.split(_text_before(text, position))[-1]


def _accept_name(text: str, start: int, end: int, *, weak_cue: bool) -> tuple[int, int] | None:
    """Trim a candidate name to the words that can be a name; None if nothing is left."""
    words = list(NAME_WORD.finditer(text, start, end))
    if not words:
        # A single initial, as in "Baby J" or "Mrs K".
        return (start, end) if re.fullmatch(_INITIAL, text[start:end]) else None
    if weak_cue:
        while words and _is_function_word(words[0].group()):
            words.pop(0)
    kept: list[re.Match[str]] = []
    for word in words:
        if _is_not_a_name(text, word, weak_cue=weak_cue):
            if word.group().lower() in ORGANISATION_WORDS:
                return None  # "Baby Sensory Club" names a programme, not a baby
            if kept and kept[0].group().lower() in PLACE_NAMES:
                return None  # "partner, Yorkshire Family Futures" names a body
            break
        kept.append(word)
    if not kept:
        return None
    last = kept[-1].group().lower()
    if last in ORDINARY_WORDS and FOLLOWED_BY_NUMBER.match(text, kept[-1].end()):
        return None  # "carers (Couple 2)" numbers them instead of naming them
    # Keep a leading initial that belongs to the name: "Ms T. Jones".
    name_start = start if start < kept[0].start() and not weak_cue else kept[0].start()
    name_end = kept[-1].end()
    if _next_word(text, name_end) in THING_NOUNS:
        return None
    if weak_cue and _previous_word(text, name_start) in PLACE_PREPOSITIONS:
        return None
    return name_start, name_end


def _name_findings(
    text: str, match: re.Match[str], *, weak_cue: bool = False, single: bool = False
) -> Iterator[Finding]:
    """Findings for the ``names`` group: one name, or a list such as "Sam and Priya Patel"."""
    start, end = match.span("names")
    if single:
        spans = [(start, end)]
    else:
        spans = [item.span() for item in NAME_SEQUENCE.finditer(text, start, end)]
    for item_start, item_end in spans:
        accepted = _accept_name(text, item_start, item_end, weak_cue=weak_cue)
        if accepted is None:
            # "the adopters, Cafcass and the court": stop at the first non-name in a list.
            break
        yield Finding(PERSON_NAME, *accepted, text[accepted[0] : accepted[1]])


def _role_reads_as_title(text: str, role: re.Match[str]) -> bool:
    """A capitalised role mid-sentence is part of a proper noun ("our Birth Parent Service")."""
    word = role.group("role")
    if any(char.isupper() for char in word[1:]):
        return True
    return word[0].isupper() and not _at_sentence_start(text, role.start("role"))


def _names_after_titles(text: str) -> Iterator[Finding]:
    for match in TITLE_THEN_NAME.finditer(text):
        yield from _name_findings(text, match, single=True)


def _baby_names(text: str) -> Iterator[Finding]:
    for match in BABY_THEN_NAME.finditer(text):
        yield from _name_findings(text, match, single=True)


def _names_after_roles(text: str) -> Iterator[Finding]:
    for match in ROLE_THEN_NAME.finditer(text):
        if not _role_reads_as_title(text, match):
            yield from _name_findings(text, match)


def _names_with_weak_cues(text: str) -> Iterator[Finding]:
    for pattern in (NAME_THEN_ROLE, NAME_POSSESSIVE_ROLE, PLACED_WITH_NAME):
        for match in pattern.finditer(text):
            yield from _name_findings(text, match, weak_cue=True)


def _names_after_called(text: str) -> Iterator[Finding]:
    for match in CALLED_THEN_NAME.finditer(text):
        preceding = WORD.findall(_current_sentence_before(text, match.start()))
        held_by = match.group().startswith("in")  # "an account in the name of Dean Harrop"
        if not held_by and any(word.lower() in THING_NOUNS for word in preceding[-4:]):
            continue  # "a peer mentoring scheme called Pathways"
        yield from _name_findings(text, match, weak_cue=True)


def find_cued_names(text: str) -> Iterator[Finding]:
    yield from _names_after_titles(text)
    yield from _baby_names(text)
    yield from _names_after_roles(text)
    yield from _names_with_weak_cues(text)
    yield from _names_after_called(text)


# --------------------------------------------------------------------------------------------
