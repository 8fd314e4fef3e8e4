"""The agreement statistics against published worked examples."""

import math

import pytest

from moderation.calibration import (
    agreement,
    agreement_shares,
    ordinal_alpha,
    pair_kappas,
    quadratic_kappa,
    severities,
)

# Krippendorff, K. (2011) "Computing Krippendorff's Alpha-Reliability",
# section C: four observers, twelve units, values 1-5, with missing data.
# Published: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
KRIPPENDORFF_2011_C = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def as_units(table: dict, shift: int = 0) -> dict:
    units: dict = {}
    for coder, values in table.items():
        for unit, value in enumerate(values):
            if value is not None:
                units.setdefault(unit, {})[coder] = value - shift
    return units


def test_ordinal_alpha_matches_krippendorffs_published_example_to_three_decimals():
    units = as_units(KRIPPENDORFF_2011_C, shift=1)  # values 1-5 as positions 0-4
    assert round(ordinal_alpha(units, scale_size=5), 3) == 0.815


def test_the_unit_rated_once_is_left_out_as_krippendorff_does():
    units = as_units(KRIPPENDORFF_2011_C, shift=1)
    summary = agreement(units, scale_size=5)
    assert summary.units == 11  # unit 12 has a single value
    assert round(summary.alpha, 3) == 0.815
    assert summary.small_sample is False


def test_ordinal_alpha_of_perfect_agreement_is_one_and_of_no_variation_undefined():
    assert ordinal_alpha({1: {"a": 0, "b": 0}, 2: {"a": 3, "b": 3}}, scale_size=4) == 1.0
    assert ordinal_alpha({1: {"a": 2, "b": 2}, 2: {"a": 2, "b": 2}}, scale_size=4) is None
    assert ordinal_alpha({1: {"a": 2}}, scale_size=4) is None


# Expected values computed once with scikit-learn 1.9.1:
# cohen_kappa_score(a, b, weights="quadratic", labels=[0, 1, 2, 3]).
SKLEARN_QUADRATIC_KAPPA = [
    ([0, 1, 2, 3, 2, 2, 1, 0, 3, 2], [0, 2, 2, 3, 1, 2, 1, 1, 3, 3], 0.803921568627451),
    ([3, 3, 2, 2, 1], [2, 2, 1, 1, 0], 0.5283018867924528),
    ([0, 3, 0, 3, 0, 3], [0, 3, 3, 3, 0, 0], 0.33333333333333337),
    ([2, 2, 3, 2, 1, 2, 2], [2, 1, 3, 3, 1, 2, 2], 0.6666666666666666),
]


@pytest.mark.parametrize("first, second, expected", SKLEARN_QUADRATIC_KAPPA)
def test_quadratic_kappa_matches_scikit_learn(first, second, expected):
    assert math.isclose(
        quadratic_kappa(list(zip(first, second, strict=True)), scale_size=4),
        expected,
        abs_tol=1e-12,
    )


def test_kappa_is_undefined_when_both_raters_give_one_value_throughout():
    assert quadratic_kappa([(2, 2), (2, 2)], scale_size=4) is None
    assert quadratic_kappa([], scale_size=4) is None


def test_pair_kappas_use_only_the_units_both_moderators_rated():
    first, second, _ = SKLEARN_QUADRATIC_KAPPA[0]
    units = {
        unit: {"ann": a, "bob": b} for unit, (a, b) in enumerate(zip(first, second, strict=True))
    }
    units[99] = {"ann": 0, "cy": 3}
    by_pair = {(pair.first, pair.second): pair for pair in pair_kappas(units, scale_size=4)}
    assert by_pair[("ann", "bob")].units == 10
    assert math.isclose(by_pair[("ann", "bob")].kappa, 0.803921568627451)
    assert by_pair[("ann", "cy")].units == 1 and by_pair[("ann", "cy")].small_sample
    assert by_pair[("ann", "cy")].kappa == 0.0  # as scikit-learn gives for one pair


def test_exact_and_adjacent_agreement_count_every_pair_on_a_unit():
    units = {1: {"a": 2, "b": 2, "c": 0}, 2: {"a": 1, "b": 2}}
    # pairs: (2,2) exact; (2,0) and (2,0) two apart; (1,2) adjacent
    assert agreement_shares(units) == (0.25, 0.5, 4)


def test_severity_is_the_mean_difference_from_co_moderators():
    units = {
        1: {"harsh": 1, "kind": 3},
        2: {"harsh": 2, "kind": 2},
        3: {"harsh": 0, "kind": 2, "mid": 1},
    }
    by_moderator = {row.moderator: row for row in severities(units)}
    harsh = by_moderator["harsh"]
    assert harsh.units == 3
    assert math.isclose(harsh.mean_difference, (-2 + 0 + -1.5) / 3)
    assert math.isclose(harsh.share_below, 2 / 3)
    assert math.isclose(by_moderator["kind"].mean_difference, (2 + 0 + 1.5) / 3)
    assert by_moderator["mid"].mean_difference == 0
    assert by_moderator["mid"].small_sample
