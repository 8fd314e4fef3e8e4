"""People's names: found by their cues and by the names data set, less those allowed."""

from __future__ import annotations

from collections.abc import Iterator

from .kinds import Finding
from .names_allowed import is_allowed_name
from .names_cues import find_cued_names
from .names_families import find_family_names
from .names_lexicon import find_lexicon_names


def find_person_names(text: str, allowed_names: set[str]) -> Iterator[Finding]:
    for finding in (*find_cued_names(text), *find_lexicon_names(text), *find_family_names(text)):
        if not is_allowed_name(text, finding, allowed_names):
            yield finding
