"""The guard's word lists, read once from the data files beside this module.

``first_names.txt`` and ``surnames.txt`` are built from the Faker package's name lists for
every locale written in the Latin alphabet (``applications/anonymisation/build_lexicon.py``);
the other lists are kept by hand. Every word is stored in lower case.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


@cache
def words(name: str) -> frozenset[str]:
    """The words of ``data/<name>.txt``, separated by white space; "#" starts a comment."""
    return frozenset(word for line in _lines(name) for word in line.split())


@cache
def phrases(name: str) -> tuple[str, ...]:
    """The entries of ``data/<name>.txt``, one a line, longest first (for patterns)."""
    return tuple(sorted(set(_lines(name)), key=len, reverse=True))


def _lines(name: str) -> list[str]:
    text = (DATA_DIR / f"{name}.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return [line for line in lines if line]


# Letters of names written in the Latin alphabet, as regular expression classes: Latin-1
# and Latin Extended-A ("Cieślak", "Woźniak", "Łukasz").
_EXTENDED = [chr(code) for code in range(0x100, 0x180)]
UPPER_LETTERS = "A-ZÀ-ÖØ-Þ" + "".join(c for c in _EXTENDED if c.isupper())
LOWER_LETTERS = "a-zß-öø-ÿ" + "".join(c for c in _EXTENDED if c.islower())

FUNCTION_WORDS = words("function_words")
NOT_NAME_WORDS = words("not_names")
PLACE_NAMES = words("places")
THING_NOUNS = words("thing_nouns")
ORGANISATION_WORDS = words("organisation_words")
PLACE_PREPOSITIONS = words("place_prepositions")
MONTH_NAMES = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
SEASONS = frozenset(["spring", "summer", "autumn", "winter"])
FIRST_NAMES = words("first_names")
SURNAMES = words("surnames")
# Names that are also ordinary words ("Hope", "Grace", "Will"): only a name when the text
# around them says a person is meant.
ORDINARY_WORDS = words("ordinary_words") | words("name_words") | FUNCTION_WORDS | NOT_NAME_WORDS
# Month names stay possible names ("April settled quickly"): the reader asks for a person cue.
PEOPLES = words("peoples")  # nationalities, ethnic groups, faiths, languages
NEVER_NAMES = (FUNCTION_WORDS | NOT_NAME_WORDS | words("never_names") | PEOPLES) - words(
    "name_words"
)
NAME_WORDS = (FIRST_NAMES | SURNAMES) - NEVER_NAMES
# What a lower-case name must not be: "will", "rose" and "bishop" are words in lower case.
DICTIONARY_WORDS = ORDINARY_WORDS | words("dictionary_words")
STAFF_ROLES = phrases("staff_roles")
FAMILY_ROLES = words("family_roles") | words("role_modifiers")
PERSON_VERBS = words("person_verbs")
STREET_TYPES = words("street_types")
SCHOOL_WORDS = words("school_words")


def trie_pattern(entries) -> str:
    """A regular expression matching any of ``entries``, shaped as a tree of shared
    prefixes, so the engine tries a letter at a time rather than every entry in turn."""
    tree: dict = {}
    for entry in entries:
        node = tree
        for char in entry:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        pattern = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{pattern})?" if "" in node else pattern

    return build(tree)
