"""The scoring arithmetic, proved with hypothesis (no database)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prioritisation import defaults
from prioritisation.scoring import (
    ModelRules,
    Tier,
    band_edges,
    band_of,
    normalise,
    phased_window,
    priority_ranks,
    quarter_label,
    tier_for,
    what_if,
)

CODES = ["a", "b", "c", "d", "e"]
levels_st = st.fixed_dictionaries({code: st.integers(1, 5) for code in CODES})
weights_st = st.fixed_dictionaries({code: st.decimals("0.01", "100", places=2) for code in CODES})
scores_st = st.decimals("0", "100", places=1)


@given(levels_st, weights_st)
def test_a_score_stays_within_0_and_100(levels, weights):
    assert Decimal(0) <= normalise(levels, weights) <= Decimal(100)


@given(levels_st, weights_st, st.sampled_from(CODES))
def test_a_score_never_falls_when_one_criterion_rises(levels, weights, code):
    if levels[code] == 5:
        return
    higher = {**levels, code: levels[code] + 1}
    assert normalise(higher, weights) >= normalise(levels, weights)


@given(levels_st, weights_st, st.sampled_from(CODES))
def test_raising_a_criterion_from_1_to_5_raises_the_score(levels, weights, code):
    low = normalise({**levels, code: 1}, weights)
    high = normalise({**levels, code: 5}, weights)
    share = weights[code] / sum(weights.values())
    # The criterion's full range is worth share x 100 points, less rounding.
    assert high - low >= (share * 100).quantize(Decimal("0.1")) - Decimal("0.1")


@given(weights_st)
def test_all_ones_score_0_and_all_fives_score_100(weights):
    assert normalise(dict.fromkeys(CODES, 1), weights) == 0
    assert normalise(dict.fromkeys(CODES, 5), weights) == 100


@pytest.mark.parametrize("bad", [Decimal(0), Decimal("-1")])
def test_a_weight_of_zero_or_less_is_refused_by_the_arithmetic(bad):
    with pytest.raises(ValueError, match="must be more than 0"):
        normalise(dict.fromkeys(CODES, 3), {**dict.fromkeys(CODES, Decimal(1)), "a": bad})


def test_the_default_model_weights_give_the_documented_figure():
    weights = {code: weight for code, dim, _, _, weight, _ in defaults.CRITERIA if dim == "impact"}
    levels = dict.fromkeys(weights, 3)
    levels["financial"] = 5  # weight 3 of 12: (3x4 + 9x2) / (4x12) = 30/48 = 62.5
    assert normalise(levels, weights) == Decimal("62.5")


@given(scores_st, scores_st)
def test_ranges_fall_exactly_at_the_thresholds(impact_threshold, risk_threshold):
    at = tier_for(impact_threshold, risk_threshold, impact_threshold, risk_threshold)
    assert at == Tier.MAJOR_CORPORATE
    if impact_threshold > 0:
        below = impact_threshold - Decimal("0.1")
        assert tier_for(below, risk_threshold, impact_threshold, risk_threshold) == (
            Tier.REVIEW_OR_PHASE_LATER
        )
    if risk_threshold > 0:
        below = risk_threshold - Decimal("0.1")
        assert tier_for(impact_threshold, below, impact_threshold, risk_threshold) == (
            Tier.STRATEGIC_PRIORITY
        )
    if impact_threshold > 0 and risk_threshold > 0:
        assert (
            tier_for(
                impact_threshold - Decimal("0.1"),
                risk_threshold - Decimal("0.1"),
                impact_threshold,
                risk_threshold,
            )
            == Tier.SERVICE_LED
        )


@given(scores_st, scores_st)
def test_every_band_lies_in_one_range(score, threshold):
    band = band_of(score, threshold)
    assert (band >= 2) == (score >= threshold)
    edges = band_edges(threshold)
    assert edges[band] <= score
    assert band == 3 or score < edges[band + 1]


@given(st.lists(st.tuples(scores_st, scores_st), min_size=1, max_size=30))
def test_rank_puts_higher_impact_first_then_lower_risk(pairs):
    ranks = priority_ranks(pairs)
    for i, (impact_i, risk_i) in enumerate(pairs):
        for j, (impact_j, risk_j) in enumerate(pairs):
            if impact_i > impact_j or (impact_i == impact_j and risk_i < risk_j):
                assert ranks[i] < ranks[j]
            if (impact_i, risk_i) == (impact_j, risk_j):
                assert ranks[i] == ranks[j]


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    pairs = [(Decimal(70), Decimal(40)), (Decimal(80), Decimal(10)), (Decimal(70), Decimal(40))]
    assert priority_ranks(pairs) == [2, 1, 2]
    assert priority_ranks([*pairs, (Decimal(10), Decimal(0))]) == [2, 1, 2, 4]


def test_what_if_lists_only_the_projects_that_change_range():
    rules = ModelRules(
        {"i1": Decimal(1), "i2": Decimal(1)}, {"r": Decimal(1)}, Decimal(50), Decimal(50)
    )
    stricter = ModelRules(
        {"i1": Decimal(1), "i2": Decimal(1)}, {"r": Decimal(1)}, Decimal(70), Decimal(50)
    )
    current = {
        "steady": {"i1": 5, "i2": 5, "r": 1},  # impact 100: high under both
        "mover": {"i1": 4, "i2": 3, "r": 1},  # impact 62.5: high, then lower
        "low": {"i1": 1, "i2": 1, "r": 5},
    }
    result = what_if(current, rules, stricter)
    assert [(m.key, m.before, m.after) for m in result.movers] == [
        ("mover", Tier.STRATEGIC_PRIORITY, Tier.SERVICE_LED)
    ]
    assert result.counts_before[Tier.STRATEGIC_PRIORITY] == 2
    assert result.counts_after[Tier.STRATEGIC_PRIORITY] == 1
    assert result.counts_after[Tier.SERVICE_LED] == 1
    assert sum(result.counts_after.values()) == sum(result.counts_before.values()) == 3


TODAY = datetime.date(2026, 11, 25)  # Q3 2026/27


def test_phasing_now_leaves_the_remaining_work_where_it_is():
    window = phased_window(
        datetime.date(2026, 1, 1), datetime.date(2027, 6, 30), today=TODAY, phase="now"
    )
    assert window == (TODAY, datetime.date(2027, 6, 30))


def test_phasing_next_moves_the_remaining_work_to_next_quarter_keeping_its_length():
    start, end = phased_window(
        datetime.date(2026, 1, 1), datetime.date(2027, 6, 30), today=TODAY, phase="next"
    )
    assert start == datetime.date(2027, 1, 1)
    assert end - start == datetime.date(2027, 6, 30) - TODAY


def test_phasing_later_starts_after_the_next_two_quarters():
    start, _ = phased_window(
        datetime.date(2026, 12, 1), datetime.date(2027, 3, 31), today=TODAY, phase="later"
    )
    assert start == datetime.date(2027, 7, 1)
    assert quarter_label(start) == "Q2 2027/28"


def test_a_target_quarter_already_after_the_planned_start_moves_it_there():
    start, end = phased_window(
        datetime.date(2027, 2, 1),
        datetime.date(2027, 5, 31),
        today=TODAY,
        phase="quarter",
        target_quarter=datetime.date(2027, 10, 1),
    )
    assert start == datetime.date(2027, 10, 1)
    assert end - start == datetime.date(2027, 5, 31) - datetime.date(2027, 2, 1)


def test_a_project_planned_after_the_phase_date_is_not_moved():
    window = phased_window(
        datetime.date(2028, 1, 1), datetime.date(2028, 6, 30), today=TODAY, phase="next"
    )
    assert window == (datetime.date(2028, 1, 1), datetime.date(2028, 6, 30))


def test_quarters_are_financial_quarters():
    assert quarter_label(datetime.date(2026, 4, 1)) == "Q1 2026/27"
    assert quarter_label(datetime.date(2027, 1, 1)) == "Q4 2026/27"


@given(st.decimals(max_value=0, places=2, allow_nan=False, allow_infinity=False))
def test_a_criterion_with_a_weight_of_zero_or_less_cannot_be_saved(weight):
    from django.core.exceptions import ValidationError

    from prioritisation.models import Criterion

    criterion = Criterion(code="x", dimension="impact", name="X", weight=weight)
    with pytest.raises(ValidationError) as error:
        criterion.clean_fields(exclude=["model"])
    assert "weight" in error.value.message_dict


@given(st.decimals(min_value="0.01", max_value="999.99", places=2))
def test_any_positive_weight_can_be_saved(weight):
    from prioritisation.models import Criterion

    Criterion(code="x", dimension="impact", name="X", weight=weight).clean_fields(exclude=["model"])
