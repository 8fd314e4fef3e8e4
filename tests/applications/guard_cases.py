"""The two checks of a guard rule's cases: an identifier is found (as the kind named, when
one is), and a clean sentence gives nothing."""

from applications.anonymisation import find_identifiers


def assert_found(sentence: str, identifier: str, kind: str | None) -> None:
    start = sentence.index(identifier)
    end = start + len(identifier)
    overlapping = [f for f in find_identifiers(sentence) if f.start < end and start < f.end]
    assert overlapping, (sentence, find_identifiers(sentence))
    if kind is not None:
        assert {f.kind for f in overlapping} == {kind}, overlapping


def assert_clean(sentence: str) -> None:
    assert find_identifiers(sentence) == []
