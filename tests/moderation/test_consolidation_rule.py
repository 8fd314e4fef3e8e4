"""The documented suggested-outcome rule, at its boundaries (no database)."""

import pytest

from moderation.consolidation import DescriptorLine, majority_of, rule_facts, suggest_outcome
from moderation.ratings import Rating

NOT_YET, PARTLY, MEETS, EXCEEDS = Rating.values


def lines(*pairs):
    """Each pair is two moderators' ratings on one descriptor."""
    return [DescriptorLine(descriptor=n, ratings={1: a, 2: b}) for n, (a, b) in enumerate(pairs)]


def seven(met: int, rest=(PARTLY, PARTLY)):
    return lines(*([(MEETS, EXCEEDS)] * met + [rest] * (7 - met)))


def test_the_consolidated_rating_is_the_lower_middle():
    line = DescriptorLine(descriptor=1, ratings={1: EXCEEDS, 2: PARTLY})
    assert line.consolidated == PARTLY
    three = DescriptorLine(descriptor=1, ratings={1: EXCEEDS, 2: PARTLY, 3: MEETS})
    assert three.consolidated == MEETS


@pytest.mark.parametrize(
    ("met", "expected"),
    [(7, "full"), (6, "working_towards"), (4, "working_towards"), (3, "not_awarded")],
)
def test_most_descriptors_met_is_four_of_seven(met, expected):
    assert majority_of(7) == 4
    assert suggest_outcome(seven(met), "full") == expected


def test_a_descriptor_not_yet_evidenced_rules_out_working_towards():
    assert suggest_outcome(seven(6, rest=(NOT_YET, PARTLY)), "full") == "not_awarded"


def test_the_suggestion_never_exceeds_the_level_sought():
    assert suggest_outcome(seven(7), "working_towards") == "working_towards"


def test_an_unrated_descriptor_suggests_not_awarded():
    assert suggest_outcome(lines((MEETS, None), (None, None)), "full") == "not_awarded"


def test_disagreement_is_two_steps_apart():
    assert DescriptorLine(descriptor=1, ratings={1: EXCEEDS, 2: PARTLY}).disagreement
    assert not DescriptorLine(descriptor=1, ratings={1: EXCEEDS, 2: MEETS}).disagreement


def test_the_page_explains_the_same_numbers():
    facts = rule_facts(7)
    assert (
        facts["majority"] == 4
        and facts["meets"] == "Meets"
        and facts["lowest"] == "Not yet evidenced"
    )
