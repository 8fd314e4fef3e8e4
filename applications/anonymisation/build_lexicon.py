"""Rebuild the names data files from Faker (names, common words) and english-words.

Run ``python applications/anonymisation/build_lexicon.py`` after upgrading Faker. Only names
written in the Latin alphabet are kept (what applications are written in); the guard
itself never imports Faker.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
LATIN_NAME = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’-][A-Za-zÀ-ÖØ-öø-ÿ]+)*")
MINIMUM_LENGTH = 2


def _names(prefix: str) -> set[str]:
    from faker.providers import person

    found: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute, value in vars(provider).items():
            if attribute.startswith(prefix) and isinstance(value, dict | list | tuple | set):
                found.update(
                    name.lower()
                    for name in value
                    if isinstance(name, str)
                    and len(name) >= MINIMUM_LENGTH
                    and LATIN_NAME.fullmatch(name)
                )
    return found


def _ordinary_words() -> set[str]:
    from faker.providers.lorem.en_US import Provider

    return {word.lower() for word in Provider.word_list}


def _dictionary_words(names: set[str]) -> set[str]:
    """Names that an English dictionary lists as ordinary lower-case words."""
    from english_words import get_english_words_set

    dictionary = get_english_words_set(["web2"], lower=False, alpha=True)
    return {word for word in dictionary if word.islower() and word in names}


def _write(name: str, words: set[str], source: str) -> None:
    header = f"# Built by build_lexicon.py from {source}; do not edit by hand.\n"
    (DATA_DIR / f"{name}.txt").write_text(header + "\n".join(sorted(words)) + "\n", "utf-8")


def main() -> None:
    import faker

    source = f"Faker {faker.VERSION}"
    first_names, surnames = _names("first_names"), _names("last_names")
    _write("first_names", first_names, f"{source} (first names, every locale)")
    _write("surnames", surnames, f"{source} (last names, every locale)")
    _write(
        "dictionary_words",
        _dictionary_words(first_names | surnames),
        "english-words (web2): names that are also lower-case dictionary words",
    )
    _write("ordinary_words", _ordinary_words(), f"{source} (common English words)")


if __name__ == "__main__":
    main()
