"""Names that may stay: the agency's staff and panel, professionals with a title or a role,
authors of research, parties to case law, and the people the caller lists as allowed."""

from __future__ import annotations

import re

from .kinds import Finding
from .lexicon import FAMILY_ROLES, STAFF_ROLES, trie_pattern

_ROLE = trie_pattern(STAFF_ROLES)
LOOKAROUND = 80
ROLE_AFTER = re.compile(
    r"[ ]*(?:,|\(|–|—|-|:)?[ ]*(?:(?i:the|our|an?|their)[ ]+)?"
    r"(?:(?:(?i:agency|panel|independent|senior|deputy|interim|acting)|[A-Z][\w'’&-]*"
    r"|[a-z]+(?:ic|al|ive|ist))[ ]+){0,3}"
    rf"(?i:{_ROLE})\b"
)
ROLE_BEFORE = re.compile(
    rf"(?:\b(?i:{_ROLE})(?:[ ]+(?:to|of|for|with|in)[ ]+(?:the[ ]+)?[a-z]+(?:[ ]+[a-z]+)?)?"
    r"|\b(?i:delivered|provided|led|chaired|facilitated|run|supervised"
    r"|written|authored|presented|signed|approved)[ ]+by)[ ]*(?:\([^)]{0,40}\))?"
    r"[ ]*(?:,|:|–|—|-|\()?[ ]*"
    r"(?:(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor)\.?[ ]+)?(?:[A-Z]\.?[ ]*)?"
    r"(?:[A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*[ ]+)?$"
)
# Words of the same name the finding may have missed ("Andrew Nkemelu" from "Andrew").
NAME_AFTER = re.compile(r"(?:[ ]+(?!(?:KC|QC)\b)[A-Z][\w'’-]+){0,2}")
PROFESSIONAL_TITLE = re.compile(
    r"\b(?:Dr|Prof|Professor|Judge|HHJ|Justice|Lord|Lady|Sir|Dame|Cllr|Councillor|Baroness"
    r"|Rev|Revd|Recorder)\.?[ ]+(?:[A-Z]\.[ ]*)*(?:[A-Z][a-z'’-]+[ ]+)?$"
)
TITLE_IN_NAME = re.compile(r"(?:Justice|Judge|Lord|Lady|Sir|Dame|Professor|Prof)\b")
_AUTHOR_INITIALS = r"(?:[ ]*,?[ ]*(?:[A-Z]\.[ ]?){1,3})?"  # "Patel, R. (2020)"
CITATION_AFTER = re.compile(
    rf"{_AUTHOR_INITIALS}(?:[ ]*(?:,|and|&)[ ]*[A-Z][\w'’-]+{_AUTHOR_INITIALS})*(?:[ ]+et[ ]+al\.?"
    r"|[ ]+(?:and|&)[ ]+(?:colleagues|others|co-workers|co-authors))?[ ]*,?[ ]*\(?[ ]*"
    r"(?:19|20)\d{2}[a-z]?\b"
)
CASE_LAW_BEFORE = re.compile(r"(?:\bRe|\bv\.?|\bIn[ ]+re)[ ]+$")
CASE_LAW_AFTER = re.compile(r"[ ]+v\.?[ ]+|[ ]*\([ ]*(?:A[ ]+)?(?:Child|Children)\b", re.IGNORECASE)
FAMILY_CUE_BEFORE = re.compile(
    rf"\b(?i:baby|little|{trie_pattern(sorted(FAMILY_ROLES))})[ ]*[,:(]?[ ]*$"
)
TITLES = re.compile(r"^(?:(?:Mrs|Mr|Ms|Miss|Mx|Dr)\.?[ ]+)?(?:[A-Z]\.[ ]*)*")


def _normalise(name: str) -> str:
    return " ".join(re.sub(r"['’]s$", "", name).lower().split())


def _is_allowed_person(name: str, allowed_names: set[str], *, partly: bool = True) -> bool:
    """A listed person, by full name or (``partly``) one of its words."""
    name = _normalise(TITLES.sub("", name))
    if not name:
        return False
    if name in allowed_names:
        return True
    if not partly:
        return False
    if " " in name:
        return any(name in allowed for allowed in allowed_names)
    # One word: the first name or surname of a listed person ("Joanne", "Ms Okafor").
    return any(name in allowed.split() for allowed in allowed_names)


ROLE_WORDS = frozenset(word.strip("(),'’s") for role in STAFF_ROLES for word in role.split()) | {
    "by"
}
WORDS = re.compile(r"[A-Za-z'’-]+")


def _mentions_a_role(window: str) -> bool:
    """A quick look for any word of a role before the slower patterns run."""
    return any(word.lower().strip("'’s") in ROLE_WORDS for word in WORDS.findall(window))


def is_allowed_name(text: str, finding: Finding, allowed_names: set[str]) -> bool:
    if len(finding.text.strip(". ")) == 1:
        return True  # an initial alone is how applications anonymise: "Child A", "Baby D"
    if TITLE_IN_NAME.match(finding.text):
        return True  # "Mr Justice Cobb", "Lady Hale"
    start, end = finding.start, finding.end
    # "baby Rhys" is not Rhys Penhallow of the adoption team, though he is allowed.
    family_cue = FAMILY_CUE_BEFORE.search(text, max(0, start - LOOKAROUND), start) is not None
    if _is_allowed_person(finding.text, allowed_names, partly=not family_cue):
        return True
    end = NAME_AFTER.match(text, end, min(len(text), end + LOOKAROUND)).end()
    stop = min(len(text), end + LOOKAROUND)
    before = text[max(0, start - LOOKAROUND) : start]
    if PROFESSIONAL_TITLE.search(before):
        return True
    if _mentions_a_role(before) and ROLE_BEFORE.search(before):
        return True
    if _mentions_a_role(text[end:stop]) and (
        ROLE_AFTER.match(text, end, stop)
        or re.match(r"[ ]*\([^)]{0,40}\)", text[end:stop])
        and (ROLE_AFTER.search(text, end, min(stop, text.find(")", end) + 1)))
    ):
        return True
    if CITATION_AFTER.match(text, end, stop) or re.search(r"\bet[ ]+al\b", text[end:stop]):
        return True
    return bool(CASE_LAW_BEFORE.search(before) or CASE_LAW_AFTER.match(text, end, stop))
