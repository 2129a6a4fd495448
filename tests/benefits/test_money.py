"""The arithmetic finance builds the MTFP on: financial years, incremental
<-> budget effect (including part-year starts), variance split, net benefit,
payback and benefit-cost ratio. Decimal throughout."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from benefits import money

YEARS = st.integers(min_value=2000, max_value=2100)
PENNIES = st.decimals(
    min_value=Decimal("0"), max_value=Decimal("10000000"), places=2, allow_nan=False
)
SIGNED = st.decimals(
    min_value=Decimal("-10000000"), max_value=Decimal("10000000"), places=2, allow_nan=False
)
PROFILES = st.dictionaries(st.integers(2024, 2031), PENNIES, min_size=1, max_size=8)


@given(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_the_financial_year_of_any_date_contains_it(day):
    year = money.financial_year_of(day)
    start, end = money.fy_bounds(year)
    assert start <= day <= end
    assert start == datetime.date(year, 4, 1)


def test_financial_years_turn_on_1_april():
    assert money.financial_year_of(datetime.date(2026, 3, 31)) == 2025
    assert money.financial_year_of(datetime.date(2026, 4, 1)) == 2026
    assert money.fy_label(2025) == "2025/26"
    assert money.fy_label(2099) == "2099/00"


def test_the_mtfp_range_is_last_year_to_four_years_ahead():
    assert money.mtfp_years(datetime.date(2026, 11, 25)) == [2025, 2026, 2027, 2028, 2029, 2030]
    assert money.mtfp_years(datetime.date(2027, 3, 31)) == [2025, 2026, 2027, 2028, 2029, 2030]
    assert money.mtfp_years(datetime.date(2027, 4, 1))[0] == 2026


def test_recurring_saving_is_counted_once():
    """£1m recurring from 2025/26: £1m new in 2025/26, £0 new after; the
    budget effect in 2026/27 is still £1m."""
    incremental = {2025: Decimal("1000000.00"), 2026: Decimal("0.00"), 2027: Decimal("0.00")}
    effect = money.full_year_effect(incremental, recurring=True)
    assert effect == {
        2025: Decimal("1000000.00"),
        2026: Decimal("1000000.00"),
        2027: Decimal("1000000.00"),
    }
    assert money.cumulative_effect(incremental, recurring=True)[2027] == Decimal("3000000.00")
    assert money.total(incremental) == Decimal("1000000.00")


def test_a_one_off_saving_touches_its_own_year_only():
    effect = money.full_year_effect({2025: Decimal("500.00"), 2027: Decimal("0")}, recurring=False)
    assert effect == {2025: Decimal("500.00"), 2026: Decimal("0"), 2027: Decimal("0")}


@given(PROFILES, st.booleans())
def test_incremental_and_budget_effect_are_inverses(incremental, recurring):
    span = list(range(min(incremental), max(incremental) + 1))
    effect = money.full_year_effect(incremental, recurring=recurring, years=span)
    back = money.incremental_from_full_year(effect, recurring=recurring)
    assert back == {y: incremental.get(y, Decimal("0.00")) for y in span}
    assert all(isinstance(v, Decimal) for v in effect.values())


@given(PROFILES)
def test_cumulative_reading_inverts_cumulative_effect(incremental):
    span = list(range(min(incremental), max(incremental) + 1))
    cumulative = money.cumulative_effect(incremental, recurring=True, years=span)
    assert money.incremental_from_cumulative(cumulative, recurring=True) == {
        y: incremental.get(y, Decimal("0.00")) for y in span
    }


@given(
    PENNIES, st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 12, 31))
)
def test_a_part_year_start_splits_the_full_year_across_two_years(full_year, start):
    split = money.part_year_split(full_year, start)
    year = money.financial_year_of(start)
    assert money.total(split) == money.to_pence(full_year)
    assert set(split) <= {year, year + 1}
    effect = money.full_year_effect(split, recurring=True, years=[year, year + 1])
    assert effect[year + 1] == money.to_pence(full_year)


def test_a_saving_from_october_is_half_in_year_one():
    assert money.part_year_split(Decimal("1000000"), datetime.date(2025, 10, 1)) == {
        2025: Decimal("500000.00"),
        2026: Decimal("500000.00"),
    }
    assert money.part_year_split(Decimal("1000000"), datetime.date(2025, 4, 15)) == {
        2025: Decimal("1000000.00")
    }


NEGATIVE_PROFILES = st.dictionaries(
    st.integers(2024, 2031), PENNIES.map(lambda v: -v), min_size=1, max_size=8
)
ANY_PROFILES = st.one_of(
    st.tuples(PROFILES, PROFILES),
    st.tuples(NEGATIVE_PROFILES, NEGATIVE_PROFILES),
    st.tuples(
        st.dictionaries(st.integers(2024, 2031), SIGNED, min_size=1, max_size=8),
        st.dictionaries(st.integers(2024, 2031), SIGNED, min_size=1, max_size=8),
    ),
)


def _sum(values):
    return sum(values, Decimal(0))


@given(ANY_PROFILES)
def test_slipped_lost_and_delivered_add_up_to_the_plan_every_year(profiles):
    plan, forecast = profiles
    split = money.variance_split(plan, forecast)
    for year, v in split.items():
        assert v.delivered + v.slipped + v.lost == v.plan == plan.get(year, 0)
        assert v.delivered + v.new == v.forecast == forecast.get(year, 0)
        assert v.plan - v.slipped - v.lost + v.new == v.forecast
    # And so per benefit: slipped + lost + delivered = plan.
    assert _sum(v.slipped + v.lost + v.delivered for v in split.values()) == money.total(plan)


@given(ANY_PROFILES)
def test_slipped_out_of_one_year_is_slipped_into_another(profiles):
    split = money.variance_split(*profiles)
    assert _sum(v.slipped for v in split.values()) == 0
    for year, v in split.items():
        out, into = v.moves_out(year), v.moves_in(year)
        assert v.slipped == _sum(m.amount for m in out) - _sum(m.amount for m in into)
        for m in out:
            assert m in split[m.to_year].moves_in(m.to_year)
        # A year either falls short of its plan or exceeds it, never both.
        assert not (out and into)


@given(PROFILES, PROFILES)
def test_only_a_shortfall_is_lost_and_only_an_excess_is_new(plan, forecast):
    split = money.variance_split(plan, forecast)
    for v in split.values():
        assert 0 <= v.lost <= max(v.plan - v.forecast, 0)
        assert 0 <= v.new <= max(v.forecast - v.plan, 0)
        assert v.lost == 0 or v.new == 0
    lost = _sum(v.lost for v in split.values())
    new = _sum(v.new for v in split.values())
    assert lost == max(money.total(plan) - money.total(forecast), Decimal(0))
    assert new == max(money.total(forecast) - money.total(plan), Decimal(0))


@given(NEGATIVE_PROFILES, NEGATIVE_PROFILES)
def test_a_dis_benefit_is_split_on_its_size(plan, forecast):
    split = money.variance_split(plan, forecast)
    mirrored = money.variance_split(
        {y: -v for y, v in plan.items()}, {y: -v for y, v in forecast.items()}
    )
    for year, v in split.items():
        m = mirrored[year]
        assert (v.slipped, v.lost, v.new) == (-m.slipped, -m.lost, -m.new)


@given(PROFILES, st.integers(1, 3))
def test_a_plan_moved_later_whole_has_slipped_and_nothing_is_lost(plan, years_later):
    forecast = {y + years_later: v for y, v in plan.items()}
    split = money.variance_split(plan, forecast)
    assert all(v.lost == 0 and v.new == 0 for v in split.values())
    assert all(m.has_slipped for v in split.values() for m in v.moves)


def test_a_shortfall_that_never_comes_back_is_lost_in_the_year_it_fell_short():
    # The benefit: plan £40k / £80k / £30k, forecast £35k / £80k / £30k.
    # Nothing moved to a later year: the first year is £5,000 short, for good.
    split = money.variance_split(
        {2026: Decimal("40000"), 2027: Decimal("80000"), 2028: Decimal("30000")},
        {2026: Decimal("35000"), 2027: Decimal("80000"), 2028: Decimal("30000")},
    )
    assert [(y, v.slipped, v.lost, v.new) for y, v in split.items()] == [
        (2026, 0, Decimal("5000"), 0),
        (2027, 0, 0, 0),
        (2028, 0, 0, 0),
    ]
    assert not any(v.moves for v in split.values())


def test_a_saving_moved_a_year_later_has_slipped_not_been_lost():
    split = money.variance_split({2025: Decimal("100")}, {2026: Decimal("100")})
    assert split[2025].slipped == Decimal("100") and split[2025].lost == 0
    assert split[2026].slipped == Decimal("-100") and split[2026].new == 0
    assert split[2025].moves == (money.Move(2025, 2026, Decimal("100")),)


def test_a_shortfall_made_up_later_slipped_to_that_year_and_the_rest_is_lost():
    split = money.variance_split(
        {2026: Decimal("100"), 2027: Decimal("100"), 2028: Decimal("100")},
        {2026: Decimal("60"), 2027: Decimal("100"), 2028: Decimal("110")},
    )
    assert split[2026].moves == (money.Move(2026, 2028, Decimal("10")),)
    assert (split[2026].slipped, split[2026].lost) == (Decimal("10"), Decimal("30"))
    assert (split[2028].slipped, split[2028].new) == (Decimal("-10"), 0)
    assert split[2027].slipped == split[2027].lost == 0


def test_a_saving_delivered_a_year_early_is_brought_forward_not_lost():
    split = money.variance_split({2026: Decimal("0"), 2027: Decimal("100")}, {2026: Decimal("100")})
    [move] = split[2027].moves
    assert (move.from_year, move.to_year, move.has_slipped) == (2027, 2026, False)
    assert split[2027].lost == 0 and split[2026].new == 0


def test_a_written_off_saving_is_lost():
    split = money.variance_split({2025: Decimal("100"), 2026: Decimal("50")}, {2025: Decimal("30")})
    assert (split[2025].lost, split[2026].lost) == (Decimal("70"), Decimal("50"))
    assert sum(v.slipped for v in split.values()) == 0


def test_a_dis_benefit_is_matched_on_its_size():
    split = money.variance_split({2025: Decimal("-100")}, {2026: Decimal("-100")})
    assert split[2025].slipped == Decimal("-100")
    assert split[2025].plan - split[2025].slipped == split[2025].forecast


def test_a_profile_mixing_signs_is_split_year_by_year_without_timing():
    split = money.variance_split(
        {2025: Decimal("-50"), 2026: Decimal("100")}, {2026: Decimal("40")}
    )
    assert (split[2025].new, split[2026].lost) == (Decimal("50"), Decimal("60"))
    assert not any(v.slipped or v.moves for v in split.values())


@given(PROFILES, PROFILES)
def test_net_benefit_is_benefit_less_cost_and_cumulates(benefit, cost):
    net = money.net_by_year(benefit, cost)
    assert money.total(net) == money.total(benefit) - money.total(cost)
    running = money.cumulative(net)
    assert running[max(running)] == money.total(net)


@given(PROFILES, PROFILES)
def test_payback_is_when_cumulative_net_stops_being_negative(benefit, cost):
    year = money.payback_year(benefit, cost)
    running = money.cumulative(money.net_by_year(benefit, cost))
    if money.total(cost) <= 0:
        assert year is None
    elif year is None:
        assert running[max(running)] < 0
    else:
        assert all(v >= 0 for y, v in running.items() if y >= year)
        assert year == min(running) or running[year - 1] < 0


def test_invest_to_save_pays_back_in_year_two():
    cost = {2025: Decimal("1000000")}
    benefit = {2025: Decimal("700000"), 2026: Decimal("700000")}
    assert money.payback_year(benefit, cost) == 2026
    assert money.benefit_cost_ratio(money.total(benefit), money.total(cost)) == Decimal("1.40")
    assert money.payback_year({2025: Decimal("1")}, cost) is None


@given(PENNIES, PENNIES)
def test_benefit_cost_ratio_is_benefit_over_cost_to_two_places(benefit, cost):
    ratio = money.benefit_cost_ratio(benefit, cost)
    if cost == 0:
        assert ratio is None
    else:
        assert isinstance(ratio, Decimal)
        assert abs(ratio - benefit / cost) <= Decimal("0.005")


@given(st.integers(1, 20), PENNIES.filter(lambda v: v > 0), st.integers(2, 5))
def test_a_profile_typed_as_money_saved_to_date_is_spotted(start, step, years):
    typed = {2024 + i: step * (i + 1) for i in range(years)}
    reading = money.looks_cumulative(typed)
    assert reading is not None and reading.kind == "cumulative"
    assert reading.incremental[2024] == step
    assert all(v == 0 for y, v in reading.incremental.items() if y > 2024)


def test_a_genuinely_incremental_profile_is_not_flagged():
    assert money.looks_cumulative({2025: Decimal("500"), 2026: Decimal("300")}) is None
    assert money.looks_cumulative({2025: Decimal("500")}) is None
    same = money.looks_cumulative({2025: Decimal("1000000"), 2026: Decimal("1000000")})
    assert same.kind == "full_year" and same.incremental == {
        2025: Decimal("1000000"),
        2026: Decimal("0"),
    }


def test_future_months_are_refused_and_this_month_is_not():
    today = datetime.date(2026, 11, 25)
    assert money.is_future_month(datetime.date(2026, 12, 1), today)
    assert not money.is_future_month(datetime.date(2026, 11, 30), today)
