"""Do moderators judge alike? Agreement between moderators' ratings on the
ordinal descriptor scale (0 = lowest … k-1 = highest).

A *unit* is one thing rated by several moderators (an application's rating on
one descriptor). `units` maps each unit to {moderator: rating}.

- Krippendorff's alpha, ordinal metric (the `krippendorff` package): 1 is
  perfect agreement, 0 is what chance would give; it uses every unit rated by
  two or more moderators, whoever they are, and copes with missing ratings.
- Quadratic-weighted kappa (Cohen) for each pair of moderators on the units
  both rated: disagreements count by the square of their distance.
- Exact and adjacent agreement: the share of pairs of ratings on the same
  unit that are equal, or at most one step apart.
- Severity: each moderator's mean difference from the mean of the others on
  the same unit (negative: harsher), and the share of units they rated below
  the others' mean."""

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from statistics import mean

import krippendorff
import numpy as np

# Fewer units than this and a figure is marked as a small sample.
MIN_UNITS = 10

Units = dict[object, dict[object, int]]


def _pairable(units: Units) -> Units:
    return {unit: ratings for unit, ratings in units.items() if len(ratings) >= 2}


def ordinal_alpha(units: Units, *, scale_size: int) -> float | None:
    """Krippendorff's alpha for ordinal data; None where it is undefined (no
    unit rated twice, or every rating the same)."""
    units = _pairable(units)
    coders = sorted({coder for ratings in units.values() for coder in ratings}, key=str)
    values = {value for ratings in units.values() for value in ratings.values()}
    if len(coders) < 2 or len(values) < 2:  # nothing to compare: undefined
        return None
    data = [[ratings.get(coder, np.nan) for ratings in units.values()] for coder in coders]
    try:
        alpha = krippendorff.alpha(
            reliability_data=np.array(data, dtype=float),
            level_of_measurement="ordinal",
            value_domain=list(range(scale_size)),
        )
    except ValueError:
        return None
    return None if np.isnan(alpha) else float(alpha)


def quadratic_kappa(pairs: list[tuple[int, int]], *, scale_size: int) -> float | None:
    """Cohen's kappa with quadratic weights for two raters' ratings of the
    same units; None where chance disagreement is nil (nothing to compare)."""
    if not pairs:
        return None
    observed = np.zeros((scale_size, scale_size))
    for first, second in pairs:
        observed[first, second] += 1
    observed /= observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    steps = np.arange(scale_size)
    weights = (steps[:, None] - steps[None, :]) ** 2
    chance = float((weights * expected).sum())
    if chance == 0:
        return None
    return 1 - float((weights * observed).sum()) / chance


def agreement_shares(units: Units) -> tuple[float | None, float | None, int]:
    """(exact, adjacent, number of pairs of ratings compared)."""
    exact = adjacent = pairs = 0
    for ratings in units.values():
        for first, second in combinations(ratings.values(), 2):
            pairs += 1
            exact += first == second
            adjacent += abs(first - second) <= 1
    if not pairs:
        return None, None, 0
    return exact / pairs, adjacent / pairs, pairs


@dataclass(frozen=True)
class Agreement:
    units: int
    alpha: float | None
    exact: float | None
    adjacent: float | None
    pairs: int

    @property
    def small_sample(self) -> bool:
        return self.units < MIN_UNITS


def agreement(units: Units, *, scale_size: int) -> Agreement:
    pairable = _pairable(units)
    exact, adjacent, pairs = agreement_shares(pairable)
    return Agreement(
        units=len(pairable),
        alpha=ordinal_alpha(pairable, scale_size=scale_size),
        exact=exact,
        adjacent=adjacent,
        pairs=pairs,
    )


@dataclass(frozen=True)
class PairKappa:
    first: object
    second: object
    units: int
    kappa: float | None

    @property
    def small_sample(self) -> bool:
        return self.units < MIN_UNITS


def pair_kappas(units: Units, *, scale_size: int) -> list[PairKappa]:
    """Quadratic-weighted kappa for every pair of moderators who rated at
    least one unit in common."""
    shared: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for ratings in units.values():
        for first, second in combinations(sorted(ratings, key=str), 2):
            shared[(first, second)].append((ratings[first], ratings[second]))
    return [
        PairKappa(first, second, len(pairs), quadratic_kappa(pairs, scale_size=scale_size))
        for (first, second), pairs in sorted(shared.items(), key=lambda item: str(item[0]))
    ]


@dataclass(frozen=True)
class Severity:
    moderator: object
    units: int
    mean_difference: float
    share_below: float

    @property
    def small_sample(self) -> bool:
        return self.units < MIN_UNITS


def severities(units: Units) -> list[Severity]:
    """Each moderator against the mean of their co-moderators on the same units."""
    differences: dict[object, list[float]] = defaultdict(list)
    for ratings in _pairable(units).values():
        for coder, value in ratings.items():
            others = [other for key, other in ratings.items() if key != coder]
            differences[coder].append(value - mean(others))
    return [
        Severity(
            moderator=coder,
            units=len(values),
            mean_difference=mean(values),
            share_below=sum(value < 0 for value in values) / len(values),
        )
        for coder, values in sorted(differences.items(), key=lambda item: str(item[0]))
    ]
