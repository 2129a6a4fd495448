"""A KPI's status: the latest value against the straight line from
baseline to target."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from benefits.outcomes import KpiStatus, expected_value, kpi_status

BASE = dict(
    baseline=Decimal("40"),
    baseline_date=datetime.date(2025, 1, 1),
    target=Decimal("60"),
    target_date=datetime.date(2027, 1, 1),
)


def status(value, on, higher=True, **extra):
    return kpi_status(
        **{**BASE, **extra}, higher_is_better=higher, latest_date=on, latest_value=Decimal(value)
    )


def test_halfway_along_the_line_is_on_track():
    assert status("50", datetime.date(2026, 1, 1)) == KpiStatus.ON_TRACK


def test_below_the_line_but_above_baseline_is_behind():
    assert status("45", datetime.date(2026, 1, 1)) == KpiStatus.BEHIND


def test_below_baseline_is_worse():
    assert status("39", datetime.date(2026, 1, 1)) == KpiStatus.WORSE_THAN_BASELINE


def test_reaching_the_target_is_achieved():
    assert status("61", datetime.date(2025, 6, 1)) == KpiStatus.ACHIEVED


def test_lower_is_better_turns_it_round():
    extra = dict(baseline=Decimal("210"), target=Decimal("80"))
    assert status("140", datetime.date(2026, 1, 1), higher=False, **extra) == KpiStatus.ON_TRACK
    assert status("200", datetime.date(2026, 1, 1), higher=False, **extra) == KpiStatus.BEHIND


def test_no_measurement_says_so():
    assert (
        kpi_status(**BASE, higher_is_better=True, latest_date=None, latest_value=None)
        == KpiStatus.NO_MEASUREMENT
    )


@given(st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 1, 1)))
def test_the_line_stays_between_baseline_and_target(day):
    value = expected_value(
        BASE["baseline"], BASE["baseline_date"], BASE["target"], BASE["target_date"], day
    )
    assert Decimal("40") <= value <= Decimal("60")
