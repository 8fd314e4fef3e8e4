"""The panel's consolidated view of the reviews, and the suggested outcome.

The rule (documented for the panel on the consolidation page):

1. For each descriptor the consolidated rating is the lower middle of the
   moderators' submitted ratings (with two moderators, the lower of the two).
   Erring low means the panel looks harder where moderators differ.
2. A descriptor is *met* when its consolidated rating is Meets or above.
3. Suggested outcome:
   - Full, when every descriptor is met;
   - Working Towards, when most descriptors (at least four of seven) are met
     and none is Not yet evidenced;
   - otherwise Not awarded.
   The suggestion never exceeds the level the agency applied for: an
   application for Working Towards is suggested at most Working Towards.
4. Moderators disagree on a descriptor when their ratings are two or more
   steps apart on the scale; the panel should discuss those first.
"""

from dataclasses import dataclass, field

from applications.models.submissions import Level

from .models.workflow import Recommendation
from .ratings import (
    lowest_level,
    lowest_meeting_level,
    meets_descriptor,
    rating_order,
    scale_labels,
)


@dataclass
class DescriptorLine:
    descriptor: object
    ratings: dict[int, str | None] = field(default_factory=dict)  # assignment id -> rating key

    @property
    def submitted(self) -> list[str]:
        return [value for value in self.ratings.values() if value is not None]

    @property
    def consolidated(self) -> str | None:
        values = sorted(self.submitted, key=rating_order)
        if not values:
            return None
        return values[(len(values) - 1) // 2]

    @property
    def disagreement(self) -> bool:
        steps = [rating_order(value) for value in self.submitted]
        return len(steps) >= 2 and max(steps) - min(steps) >= 2

    @property
    def met(self) -> bool:
        return meets_descriptor(self.consolidated)


def majority_of(descriptor_count: int) -> int:
    """How many descriptors are "most" of them."""
    return descriptor_count // 2 + 1


def rule_facts(descriptor_count: int) -> dict:
    """The rule's numbers and words, for the page that explains it."""
    return {
        "scale": scale_labels(),
        "meets": lowest_meeting_level().label,
        "lowest": lowest_level().label,
        "majority": majority_of(descriptor_count),
        "descriptor_count": descriptor_count,
    }


def suggest_outcome(lines: list[DescriptorLine], level_sought: str) -> str:
    if not lines or any(line.consolidated is None for line in lines):
        return Recommendation.NOT_AWARDED
    met = sum(line.met for line in lines)
    if met == len(lines):
        suggestion = Recommendation.FULL
    elif met >= majority_of(len(lines)) and not any(
        line.consolidated == lowest_level().key for line in lines
    ):
        suggestion = Recommendation.WORKING_TOWARDS
    else:
        suggestion = Recommendation.NOT_AWARDED
    if suggestion == Recommendation.FULL and level_sought == Level.WORKING_TOWARDS:
        return Recommendation.WORKING_TOWARDS
    return suggestion
