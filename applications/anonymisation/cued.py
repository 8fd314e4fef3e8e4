"""Identifiers known by the word that introduces them: initials with a date, a person's own
numbers (passport, prison, hospital, vehicle registration), social media identities, houses
named without a number, nurseries named with a child, and names in capitals or in brackets."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .kinds import ADDRESS, CASE_REFERENCE, PERSON_NAME, SCHOOL, Finding, finditer_near
from .lexicon import (
    DICTIONARY_WORDS,
    FAMILY_ROLES,
    FIRST_NAMES,
    FUNCTION_WORDS,
    THING_NOUNS,
    phrases,
    trie_pattern,
    words,
)
from .names_lexicon import person_after
from .places import CHILD_CUE, ORGANISATION_CONTEXT, STREET_TYPES
from .record_numbers import _is_ofsted_urn

ORGANISATION_ACRONYMS = words("organisation_acronyms")

# --------------------------------------------------------------------------------------------
# Initials with any date: "J.K., placed 14 March 2023", "RB-S was matched on 9 January 2024"
# --------------------------------------------------------------------------------------------

INITIALS = re.compile(
    r"(?<![\w.'’/-])(?P<initials>(?:(?:Mc|Mac|O['’])?[A-Z]\.[ ]?){2,3}"
    r"|[A-Z]{2,3}(?:[-'’][A-Z]{1,2})?)"
    r"(?![\w-]|['’](?![sS]\b)|\.\w)"
)
# Each alternative starts with a digit or a month's capital, so the engine can skip ahead.
ANY_DATE = re.compile(
    r"\d{1,2}(?:[/.-]\d{1,2}[/.-]\d{2,4}\b|(?:st|nd|rd|th)?[ ]+(?:of[ ]+)?"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?[ ]+\d{4}\b)"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*[ ]+\d{4}\b"
)
DATE_REACH = 70
INITIALS_LABEL = re.compile(r"\b[Ii]nitials?[ ]*:[ ]*(?P<initials>[A-Z]{1,3}(?:\.[A-Z])*\.?)")
SENTENCE_BREAK = re.compile(r"[.!?;][ ]+[A-Z]|\n")


NEXT_WORD = re.compile(r"[ ]+([a-z]+)")


def _names_a_paper(text: str, end: int) -> bool:
    """ "LPM minutes", "PLO meeting": letters before a thing's noun abbreviate the thing."""
    after = NEXT_WORD.match(text, end)
    return after is not None and after.group(1) in THING_NOUNS


CAPITALISED_WORD = re.compile(r"[A-Z]{3,}")


def _a_word_in_capitals(text: str, start: int, end: int) -> bool:
    """ "WITNESSED BY CAFCASS OFFICER ON": a short word of a line in capitals, not initials."""
    if text[start:end].lower() not in FUNCTION_WORDS:
        return False
    before, after = text[max(0, start - 30) : start].split(), text[end : end + 30].split()
    return any(CAPITALISED_WORD.fullmatch(word) for word in before[-1:] + after[:1])


def _initials_with_dates(text: str) -> Iterator[Finding]:
    """Dates are found first (they need a digit), then initials just before them."""
    for date in finditer_near(ANY_DATE, text):
        low = max(0, date.start() - DATE_REACH)
        for match in INITIALS.finditer(text, low, date.start()):
            letters = re.sub(r"[^A-Z]", "", match.group("initials"))
            if letters.lower() in ORGANISATION_ACRONYMS or _names_a_paper(text, match.end()):
                continue
            if _a_word_in_capitals(text, *match.span("initials")):
                continue
            if not SENTENCE_BREAK.search(text, match.end(), date.start()):
                found = match.group("initials").rstrip(" ")
                yield Finding(PERSON_NAME, match.start(), match.start() + len(found), found)
    for match in INITIALS_LABEL.finditer(text):
        yield Finding(PERSON_NAME, *match.span("initials"), match.group("initials"))


# --------------------------------------------------------------------------------------------
# A person's own numbers, introduced by what they are
# --------------------------------------------------------------------------------------------

_CUE = trie_pattern(phrases("reference_cues"))
CUED_NUMBER = re.compile(
    rf"\b(?i:{_CUE})(?:[ ]+(?i:number|no\.?|num|ref(?:erence)?\.?|id|identifier|code|crn))*"
    r"[ ]*(?:(?:is|was)[ ]+)?[:#(]?[ ]*"
    r"(?P<code>(?=[A-Z0-9/ -]*\d)[A-Z0-9]+(?:[ /-][A-Z0-9]+){0,3})(?![\w])"
)
YEAR = re.compile(r"(?:19|20)\d{2}(?:[-/]\d{2,4})?")
DATE_CODE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
MINIMUM_CODE = 5
VEHICLE_REGISTRATION = re.compile(r"[A-Z]{2}\d{2}[ ]?[A-Z]{3}|[A-Z]\d{1,3}[ ]?[A-Z]{3}")
NHS_NUMBER_CUED = re.compile(
    r"\bNHS[ ]+(?i:no\.?|number|num)[ ]*:?[ ]*(?P<code>\d{3}([ -]?)\d{3}\2\d{4})\b"
)


_OWNER_ROLES = trie_pattern(sorted({*FAMILY_ROLES, *(role.capitalize() for role in FAMILY_ROLES)}))
# Any number a person owns: "Mum's tenancy reference HX44512", "his client ID 88812".
OWNED_NUMBER = re.compile(
    rf"(?<![\w'’-])(?:[Hh]is|[Hh]er|[Tt]heir|{_OWNER_ROLES}['’]s)[ ]+(?:[a-zA-Z]+[ ]+){{0,3}}?"
    r"(?i:number|no\.?|ref(?:erence)?\.?|id|crn)[ ]*(?:(?:is|was)[ ]+)?[:#]?[ ]*"
    r"(?P<code>(?=[A-Z0-9/ -]*\d)[A-Z0-9]+(?:[ /-][A-Z0-9]+){0,2})(?![\w])"
)


OTHER_KIND_CUE = re.compile(
    r"\b(?:NI|NINO|NHS|national|phone|mobile|tel|telephone|contact)\b", re.IGNORECASE
)


def _cued_numbers(text: str) -> Iterator[Finding]:
    matches = [*finditer_near(CUED_NUMBER, text), *finditer_near(OWNED_NUMBER, text)]
    for match in matches:
        if OTHER_KIND_CUE.search(match.group(), 0, match.start("code") - match.start()):
            continue  # an NI, NHS or phone number is reported as what it is
        code = match.group("code")
        # A trailing word in capitals is not part of the number ("A1234BC at HMP").
        while " " in code and not any(c.isdigit() for c in code.rsplit(" ", 1)[1]):
            tail = code.rsplit(" ", 1)[1]
            if len(tail) == 3 and re.fullmatch(r"[A-Z]{2}\d{2}", code.split(" ")[0]):
                break  # a vehicle registration: "YK19 ABC"
            code = code.rsplit(" ", 1)[0]
        if sum(c.isalnum() for c in code) < MINIMUM_CODE or YEAR.fullmatch(code):
            continue
        if DATE_CODE.fullmatch(code):
            continue  # "Date of referral: 04/09/2022" is when, not which
        cue = match.group().lower()
        if cue.startswith("reg") and not VEHICLE_REGISTRATION.fullmatch(code):
            continue  # "Charity Commission registration 1093417" is the agency's
        if _is_ofsted_urn(text, match.start(), code):
            continue
        start = match.start("code")
        yield Finding(CASE_REFERENCE, start, start + len(code), code)


# A vehicle registration in the current format, "BD68 TWU", is a person's wherever it is.
CURRENT_REGISTRATION = re.compile(r"(?<![\w-])[A-Z]{2}\d{2}[ ][A-Z]{3}(?![\w-])")


def _vehicle_registrations(text: str) -> Iterator[Finding]:
    for match in finditer_near(CURRENT_REGISTRATION, text):
        yield Finding(CASE_REFERENCE, match.start(), match.end(), match.group())


# --------------------------------------------------------------------------------------------
# Social media
# --------------------------------------------------------------------------------------------

HANDLE = re.compile(r"(?<![\w.@])@(?P<handle>[A-Za-z0-9_][A-Za-z0-9_.]{2,29})(?<!\.)(?![\w@])")
ORGANISATION_HANDLE_WORDS = words("organisation_handle_words")
OUR_HANDLE = re.compile(r"\b(?:[Ff]ollow|[Oo]ur|us)\b[^.\n@]*$")
PROFILE_URL = re.compile(
    r"\b(?:https?://)?(?:www\.)?(?:instagram|facebook|tiktok|twitter|x|snapchat|youtube)\.com"
    r"/@?[A-Za-z0-9_.-]{3,}(?<!\.)",
    re.IGNORECASE,
)
PROFILE_LABEL = re.compile(
    r"(?:[Ss]napchat|[Ii]nsta(?:gram)?|[Tt]ik[Tt]ok|[Ff]acebook|FB|[Tt]witter|[Dd]iscord"
    r"|[Ww]hats[Aa]pp|SNAPCHAT|INSTAGRAM|TIKTOK|FACEBOOK)"
    r"[ ]+(?i:user[ ]?name|handle|profile(?:[ ]+name)?|name|account|id)"
    r"[ ]*(?:(?:is|was)[ ]+)?:?[ ]*"
    r"(?P<id>[A-Za-z0-9_][\w.]*[\w](?:[ ][A-Z][\w'’-]*){0,3})"
)


PLATFORMS = ("snapchat", "insta", "tiktok", "facebook", "fb", "twitter", "discord", "whatsapp")


def _profile_labels(text: str) -> Iterator[re.Match[str]]:
    """The labels are found by plain search for a platform's name, faster than a pattern."""
    lowered = text.lower()
    for platform in PLATFORMS:
        position = lowered.find(platform)
        while position >= 0:
            match = PROFILE_LABEL.match(text, position)
            if match and not _inside_word(text, position):
                yield match
            position = lowered.find(platform, position + 1)


def _social_media(text: str) -> Iterator[Finding]:
    for match in finditer_near(HANDLE, text, anchor=re.compile("@"), reach=40):
        handle = match.group("handle").lower()
        if any(word in handle for word in ORGANISATION_HANDLE_WORDS) or OUR_HANDLE.search(
            text, max(0, match.start() - 30), match.start()
        ):
            continue  # the agency's own account: "follow us at @AdoptNorth"
        yield Finding(PERSON_NAME, match.start(), match.end(), match.group())
    for match in finditer_near(PROFILE_URL, text, anchor=re.compile(r"\.com/"), reach=40):
        path = match.group().rsplit("/", 1)[-1].lower()
        if any(word in path for word in ORGANISATION_HANDLE_WORDS):
            continue
        yield Finding(PERSON_NAME, match.start(), match.end(), match.group())
    for match in _profile_labels(text):
        yield Finding(PERSON_NAME, *match.span("id"), match.group("id"))


# --------------------------------------------------------------------------------------------
# Houses named without a number, nurseries named with a child
# --------------------------------------------------------------------------------------------

_HOUSE = "|".join(re.escape(w.capitalize()) for w in sorted(words("house_names")))
_STREET = "|".join(re.escape(w.capitalize()) for w in sorted(STREET_TYPES, key=len, reverse=True))
NAMED_HOUSE = re.compile(
    rf"\b(?P<house>(?:[A-Z][a-z'’]+[ ]){{1,2}}(?:{_HOUSE}))\b,[ ]+"
    rf"(?:[A-Z][a-z'’]+[ ]+){{1,3}}(?:{_STREET})\b"
)
_NURSERY = trie_pattern(sorted(phrase.title() for phrase in phrases("nursery_names")))
# A chain or common name, or "Little" and a plural ("Little Owls"), then its place.
NURSERY = re.compile(
    rf"(?:{_NURSERY}|Little[ ][A-Z][a-z]+s)\b(?:[ ][A-Z][a-z]+)*(?:(?:,|[ ]at)[ ]+[A-Z][a-z]+)?"
)
NURSERY_CUE = re.compile(r"\b(?:[Nn]ursery|[Pp]re-?school|[Cc]hildren['’]s)\b")
NURSERY_AS_SERVICE = re.compile(r"\b(?:group|groups|club|open[ ]+to|partners?|sessions)\b")
CENTRE = re.compile(r"\b(?:[A-Z][a-z'’]+[ ]+){1,3}Children['’]s[ ]+Centre\b")
HOUSE_ANCHOR = re.compile(rf"\b(?:{_HOUSE}),")
HOUSE_REACH = 80
CENTRE_ANCHOR = re.compile(r"Children['’]s[ ]Centre")


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    right = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    return text[left : min(right) if right else len(text)]


def _houses_and_nurseries(text: str) -> Iterator[Finding]:
    for match in finditer_near(NAMED_HOUSE, text, HOUSE_ANCHOR, HOUSE_REACH):
        if ORGANISATION_CONTEXT.search(_sentence(text, match.start(), match.end())):
            continue  # a venue: "the training at Oak Lodge, Station Road"
        yield Finding(ADDRESS, match.start(), match.end(), match.group())
    nurseries = [*NURSERY.finditer(text), *finditer_near(CENTRE, text, CENTRE_ANCHOR, 60)]
    for match in nurseries:
        found = match.group()
        if match.start() and text[match.start() - 1].isalnum():
            continue  # inside a word: "Robust Eps" is not "Bust"
        sentence = _sentence(text, match.start(), match.end())
        cued = CHILD_CUE.search(sentence) or NURSERY_CUE.search(sentence)
        if cued and not (
            ORGANISATION_CONTEXT.search(sentence) or NURSERY_AS_SERVICE.search(sentence)
        ):
            yield Finding(SCHOOL, match.start(), match.end(), found)


# --------------------------------------------------------------------------------------------
# Names in capitals after "MR AND MRS", in brackets after a family role, after "Little"
# --------------------------------------------------------------------------------------------

UPPER_TITLED = re.compile(
    r"(?:MR|MRS|MS|MISS)(?:[ ]+[A-Z]\b\.?)?(?:[ ]+(?:AND|&)[ ]+(?:MR|MRS|MS)(?:[ ]+[A-Z]\b\.?)?)?"
    r"[ ]+(?:[A-Z]\.[ ]*)?(?P<name>[A-Z][A-Z'’-]{2,})\b"
)
_ROLES = trie_pattern(sorted(FAMILY_ROLES))
ROLE_BRACKETED = re.compile(
    rf"\b(?i:{_ROLES})[ ]*\([ ]*(?P<name>[a-z][a-z'’-]{{2,}}(?:[ ][a-z][a-z'’-]{{2,}})?)[ ]*\)"
)
BRACKETED_LOWER = re.compile(r"\([ ]*[a-z]")
# "K.T. (birth mother)": initials with the family role they stand for.
INITIALS_WITH_ROLE = re.compile(
    rf"(?<![\w.'’/-])(?P<name>(?:[A-Z]\.[ ]?){{2,3}}|[A-Z]{{2,3}})[ ]*\([ ]*(?:the[ ]+)?"
    rf"(?i:(?:maternal|paternal|birth|foster|adoptive)[ ]+)?(?i:{_ROLES})[ ]*\)"
)
LITTLE_NAME = re.compile(r"(?:Little|little|lil|Lil)[ ]+(?P<name>[A-Z][a-z]{1,12})\b")
NOT_LITTLE = THING_NOUNS | words("not_names") | words("function_words")
# "Grandmother (maternal)": a word of the language in brackets says which one, not who.
NOT_BRACKETED = NOT_LITTLE | ((DICTIONARY_WORDS | FAMILY_ROLES) - FIRST_NAMES)


def _inside_word(text: str, start: int) -> bool:
    """Patterns that start with a word leave out the leading word boundary (which stops the
    engine skipping ahead to the word's first letter) and check it here."""
    return start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_")


def _names(text: str) -> Iterator[Finding]:
    for match in UPPER_TITLED.finditer(text):
        if _inside_word(text, match.start()):
            continue
        if match.group("name").lower() not in ORGANISATION_ACRONYMS:
            yield Finding(PERSON_NAME, *match.span("name"), match.group("name"))
    for match in finditer_near(ROLE_BRACKETED, text, BRACKETED_LOWER, 40):
        if not set(match.group("name").split()) & NOT_BRACKETED:
            yield Finding(PERSON_NAME, *match.span("name"), match.group("name"))
    for match in INITIALS_WITH_ROLE.finditer(text):
        if re.sub(r"[^A-Z]", "", match.group("name")).lower() not in ORGANISATION_ACRONYMS:
            found = match.group("name").rstrip(" ")
            yield Finding(PERSON_NAME, match.start(), match.start() + len(found), found)
    for match in LITTLE_NAME.finditer(text):
        if _inside_word(text, match.start()):
            continue
        name = match.group("name").lower()
        if (name in FIRST_NAMES and name not in NOT_LITTLE) or person_after(
            text, match.end("name")
        ):
            yield Finding(PERSON_NAME, *match.span("name"), match.group("name"))


def find_cued_identifiers(text: str) -> Iterator[Finding]:
    yield from _initials_with_dates(text)
    yield from _cued_numbers(text)
    yield from _vehicle_registrations(text)
    for match in finditer_near(NHS_NUMBER_CUED, text):
        yield Finding("nhs_number", *match.span("code"), match.group("code"))
    yield from _social_media(text)
    yield from _houses_and_nurseries(text)
    yield from _names(text)
