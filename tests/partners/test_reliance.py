"""The reliance trend and spend-vs-savings arithmetic, on hand-made cases."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from portfolio.partners.reliance import (
    CostLine,
    Quarter,
    rating_trend,
    reliance_by_quarter,
    reliance_direction,
    spend_against_savings,
    spread_by_quarter,
)

D = Decimal


def test_financial_quarters_start_in_april():
    assert Quarter.of(datetime.date(2025, 4, 1)) == Quarter(2025, 1)
    assert Quarter.of(datetime.date(2025, 12, 31)) == Quarter(2025, 3)
    assert Quarter.of(datetime.date(2026, 3, 31)) == Quarter(2025, 4)
    assert Quarter(2025, 4).start == datetime.date(2026, 1, 1)
    assert Quarter(2025, 4).end == datetime.date(2026, 3, 31)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2025, 3).label == "Q3 2025/26"


def test_a_full_year_is_spread_by_days_in_each_quarter():
    # 2025/26 has 365 days: Q1 91, Q2 92, Q3 92, Q4 90.
    spread = spread_by_quarter(
        D("365000"), 2025, datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)
    )
    assert spread == {
        Quarter(2025, 1): D("91000.00"),
        Quarter(2025, 2): D("92000.00"),
        Quarter(2025, 3): D("92000.00"),
        Quarter(2025, 4): D("90000.00"),
    }


def test_a_year_is_spread_only_over_the_days_the_engagement_runs():
    # Runs 1 Oct 2025 to 31 Dec 2025 inside 2025/26: all of the year's cost in Q3.
    spread = spread_by_quarter(
        D("50000"), 2025, datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)
    )
    assert spread == {Quarter(2025, 3): D("50000.00")}


def test_rounding_never_loses_a_penny():
    spread = spread_by_quarter(
        D("100.00"), 2025, datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)
    )
    assert sum(spread.values()) == D("100.00")
    assert spread[Quarter(2025, 1)] == D("24.93")  # 100 * 91 / 365


@given(
    amount=st.decimals(min_value=0, max_value=10_000_000, places=2),
    start_offset=st.integers(min_value=0, max_value=364),
    length=st.integers(min_value=0, max_value=400),
)
def test_quarters_always_add_back_to_the_year(amount, start_offset, length):
    start = datetime.date(2025, 4, 1) + datetime.timedelta(days=start_offset)
    end = start + datetime.timedelta(days=length)
    assert sum(spread_by_quarter(amount, 2025, start, end).values()) == amount


def test_reliance_is_partner_cost_over_all_cost_each_quarter():
    year = (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    next_year = (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))
    lines = [
        # Engagement A: 2025/26 partner £365,000 and internal £0; 2026/27 partner and
        # internal equal.
        CostLine(year[0], next_year[1], 2025, D("365000"), D("0")),
        CostLine(year[0], next_year[1], 2026, D("365000"), D("365000")),
        # Engagement B: only in Q4 2025/26, £90,000 partner and £270,000 internal.
        CostLine(
            datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), 2025, D("90000"), D("270000")
        ),
    ]
    trend = reliance_by_quarter(lines)
    assert [q.label for q in trend] == [
        "Q1 2025/26",
        "Q2 2025/26",
        "Q3 2025/26",
        "Q4 2025/26",
        "Q1 2026/27",
        "Q2 2026/27",
        "Q3 2026/27",
        "Q4 2026/27",
    ]
    assert [q.share for q in trend[:3]] == [D("100.0")] * 3
    # Q4 2025/26: partner 90,000 (A) + 90,000 (B) = 180,000 of 180,000 + 270,000.
    assert trend[3].partner_cost == D("180000.00")
    assert trend[3].internal_cost == D("270000.00")
    assert trend[3].share == D("40.0")
    assert [q.share for q in trend[4:]] == [D("50.0")] * 4
    assert reliance_direction(trend) == "falling"


def test_a_quarter_with_no_cost_has_no_share_and_is_kept_as_a_gap():
    lines = [
        CostLine(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30), 2025, D("10"), D("10")),
        CostLine(datetime.date(2025, 10, 1), datetime.date(2025, 12, 31), 2025, D("30"), D("10")),
    ]
    trend = reliance_by_quarter(lines)
    assert [(q.label, q.share) for q in trend] == [
        ("Q1 2025/26", D("50.0")),
        ("Q2 2025/26", None),
        ("Q3 2025/26", D("75.0")),
    ]
    assert reliance_direction(trend) == "rising"


def test_no_costs_no_trend():
    assert reliance_by_quarter([]) == []
    assert reliance_direction([]) is None


def test_spend_against_savings_counts_each_project_once():
    result = spend_against_savings(
        D("200000"), [1, 2, 2, 3], {1: D("500000"), 2: D("100000"), 4: D("999")}
    )
    assert result.available
    assert result.savings == D("600000")  # project 3 has no savings; 4 is not supported
    assert result.projects_supported == 3
    assert result.projects_with_savings == 2
    assert result.savings_per_pound == D("3.00")


def test_savings_not_available_is_not_zero():
    result = spend_against_savings(D("200000"), [1, 2], None)
    assert not result.available
    assert result.savings is None
    assert result.savings_per_pound is None


def test_no_spend_gives_no_ratio():
    assert spend_against_savings(D("0"), [1], {1: D("10")}).savings_per_pound is None


def test_rating_trend_compares_with_the_previous_review():
    assert rating_trend(4, 3) == "up"
    assert rating_trend(2, 3) == "down"
    assert rating_trend(3, 3) == "same"
    assert rating_trend(3, None) is None


line_strategy = st.builds(
    lambda start_offset, length, year_offset, partner, internal: CostLine(
        datetime.date(2024, 4, 1) + datetime.timedelta(days=start_offset),
        datetime.date(2024, 4, 1) + datetime.timedelta(days=start_offset + length),
        2024 + year_offset,
        partner,
        internal,
    ),
    st.integers(0, 700),
    st.integers(0, 700),
    st.integers(0, 2),
    st.decimals(min_value=0, max_value=1_000_000, places=2),
    st.decimals(min_value=0, max_value=1_000_000, places=2),
)


@given(st.lists(line_strategy, max_size=6))
def test_the_trend_reconciles_to_the_cost_profile_and_shares_stay_in_range(lines):
    trend = reliance_by_quarter(lines)
    assert sum((q.partner_cost for q in trend), D(0)) == sum(
        (line.partner_cost for line in lines), D(0)
    )
    assert sum((q.internal_cost for q in trend), D(0)) == sum(
        (line.internal_cost for line in lines), D(0)
    )
    assert all(q.share is None or D(0) <= q.share <= D(100) for q in trend)
