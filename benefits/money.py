"""Pure money and financial-year arithmetic. No Django, no database.

UK local government financial years run 1 April to 31 March and are written
`2025/26`. A year is identified here by the calendar year it starts in.

Savings are entered INCREMENTAL: the new saving first achieved in a year (the
London MTFP return counts a recurring saving once, in the year it starts).
Everything else - the full-year budget effect, the cumulative effect, net
benefit and payback - is derived here, so it is computed in one place and
never typed.

A profile is a mapping {start year: Decimal}. Missing years are zero.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

Profile = Mapping[int, Decimal]

# The MTFP window: the year just closed (actuals still being signed off), the
# current year and four years ahead. It is a function of today, not a
# setting, so it rolls forward on 1 April without anyone editing anything.
MTFP_YEARS_BEFORE = 1
MTFP_YEARS_AFTER = 4


def financial_year_of(day: datetime.date) -> int:
    """The starting calendar year of the financial year containing `day`."""
    return day.year if day.month >= 4 else day.year - 1


def fy_label(start_year: int) -> str:
    """2025 -> '2025/26'."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def fy_bounds(start_year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(start_year, 4, 1), datetime.date(start_year + 1, 3, 31)


def to_pence(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)


def mtfp_years(today: datetime.date) -> list[int]:
    """The financial years a profile may hold: current FY -1 .. current FY +4."""
    current = financial_year_of(today)
    return list(range(current - MTFP_YEARS_BEFORE, current + MTFP_YEARS_AFTER + 1))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def is_future_month(month: datetime.date, today: datetime.date) -> bool:
    """An actual can be recorded for the current month or earlier, never later."""
    return month_start(month) > month_start(today)


def _years(*profiles: Profile) -> list[int]:
    years: set[int] = set()
    for profile in profiles:
        years.update(profile)
    if not years:
        return []
    return list(range(min(years), max(years) + 1))


def total(profile: Profile) -> Decimal:
    return sum((Decimal(v) for v in profile.values()), ZERO)


# --- Incremental <-> budget effect ---------------------------------------


def full_year_effect(incremental: Profile, *, recurring: bool, years: Iterable[int] | None = None):
    """The saving in each year's budget.

    A recurring saving stays in the budget once made: the effect in a year is
    every increment up to and including it (£1m new in 2025/26 is still £1m
    off the 2026/27 budget). A one-off saving touches only its own year.
    """
    span = list(years) if years is not None else _years(incremental)
    if not recurring:
        return {year: Decimal(incremental.get(year, ZERO)) for year in span}
    effect: dict[int, Decimal] = {}
    running = ZERO
    for year in span:
        running += Decimal(incremental.get(year, ZERO))
        effect[year] = running
    return effect


def cumulative_effect(incremental: Profile, *, recurring: bool, years: Iterable[int] | None = None):
    """Money saved to date: the running total of the full-year effects."""
    effect = full_year_effect(incremental, recurring=recurring, years=years)
    cumulative: dict[int, Decimal] = {}
    running = ZERO
    for year, amount in effect.items():
        running += amount
        cumulative[year] = running
    return cumulative


def incremental_from_full_year(effect: Profile, *, recurring: bool) -> dict[int, Decimal]:
    """The inverse of full_year_effect: each year's new saving."""
    if not recurring:
        return {year: Decimal(v) for year, v in effect.items()}
    incremental: dict[int, Decimal] = {}
    previous = ZERO
    for year in _years(effect):
        amount = Decimal(effect.get(year, previous))
        incremental[year] = amount - previous
        previous = amount
    return incremental


def incremental_from_cumulative(cumulative: Profile, *, recurring: bool) -> dict[int, Decimal]:
    """The inverse of cumulative_effect (someone typed money-saved-to-date)."""
    effect: dict[int, Decimal] = {}
    previous = ZERO
    for year in _years(cumulative):
        amount = Decimal(cumulative.get(year, previous))
        effect[year] = amount - previous
        previous = amount
    return incremental_from_full_year(effect, recurring=recurring)


def part_year_split(full_year: Decimal, start: datetime.date) -> dict[int, Decimal]:
    """A recurring saving of `full_year` a year that starts on `start`.

    Year 1 gets the months remaining (counting the start month) / 12, to the
    penny; year 2 gets the rest, so the two always add up to the full-year
    amount and the budget effect from year 2 is the full amount.
    """
    year = financial_year_of(start)
    months_left = 12 - ((start.month - 4) % 12)
    first = to_pence(Decimal(full_year) * months_left / 12)
    split = {year: first}
    if first != to_pence(full_year):
        split[year + 1] = to_pence(full_year) - first
    return split


@dataclass(frozen=True)
class CumulativeReading:
    """An import row whose recurring profile looks like a running total."""

    kind: str  # "cumulative" (1m, 2m, 3m) or "full_year" (1m, 1m, 1m)
    incremental: dict[int, Decimal]


def looks_cumulative(profile: Profile) -> CumulativeReading | None:
    """Spot the classic error on a recurring saving: the same step added each
    year (£1m, £2m, £3m - money saved to date) or the same amount repeated
    (£1m, £1m, £1m - the budget effect), instead of £1m, £0, £0.

    Returns the incremental reading, or None when the profile looks incremental.
    """
    years = [y for y in _years(profile)]
    values = [Decimal(profile.get(y, ZERO)) for y in years]
    while values and values[0] == 0:
        values.pop(0)
        years.pop(0)
    while values and values[-1] == 0:
        values.pop()
        years.pop()
    if len(values) < 2 or any(v <= 0 for v in values):
        return None
    steps = {b - a for a, b in zip(values, values[1:], strict=False)}
    if steps == {ZERO}:
        return CumulativeReading(
            "full_year",
            incremental_from_full_year(dict(zip(years, values, strict=True)), recurring=True),
        )
    if steps == {values[0]}:
        return CumulativeReading(
            "cumulative",
            incremental_from_cumulative(dict(zip(years, values, strict=True)), recurring=True),
        )
    return None


# --- Variance from plan ---------------------------------------------------


@dataclass(frozen=True)
class YearVariance:
    """forecast = plan - slipped - lost + new, exactly, for one year.

    `slipped` is plan moved to another year, net of plan moved in (it sums to
    zero across the years of one benefit); `lost` is plan no forecast covers
    (reduced or written off); `new` is forecast no plan covers.
    """

    plan: Decimal
    forecast: Decimal
    slipped: Decimal
    lost: Decimal
    new: Decimal


def variance_split(plan: Profile, forecast: Profile) -> dict[int, YearVariance]:
    """Split forecast - plan into slipped, lost and new, year by year.

    Plan and forecast money are matched first-in, first-out through the
    years: the earliest planned pound is delivered by the earliest forecast
    pound. A matched pound in a different year has slipped (or come forward);
    plan left unmatched is lost; forecast left unmatched is new. Dis-benefits
    (all amounts zero or below) are matched on their size; a profile that
    mixes signs is split year by year without timing.
    """
    years = _years(plan, forecast)
    p = {y: Decimal(plan.get(y, ZERO)) for y in years}
    f = {y: Decimal(forecast.get(y, ZERO)) for y in years}
    values = list(p.values()) + list(f.values())
    sign = Decimal(1)
    if all(v <= 0 for v in values) and any(v < 0 for v in values):
        sign = Decimal(-1)
    elif any(v < 0 for v in values):
        return {
            y: YearVariance(p[y], f[y], ZERO, max(p[y] - f[y], ZERO), max(f[y] - p[y], ZERO))
            for y in years
        }
    plan_left = {y: p[y] * sign for y in years}
    forecast_left = {y: f[y] * sign for y in years}
    moved_out = dict.fromkeys(years, ZERO)  # plan of year y delivered in another year
    moved_in = dict.fromkeys(years, ZERO)  # forecast of year y delivering another year's plan
    fi = 0
    for py in years:
        while plan_left[py] > 0 and fi < len(years):
            fy = years[fi]
            take = min(plan_left[py], forecast_left[fy])
            if take > 0:
                plan_left[py] -= take
                forecast_left[fy] -= take
                if fy != py:
                    moved_out[py] += take
                    moved_in[fy] += take
            if forecast_left[fy] == 0:
                fi += 1
    result = {}
    for y in years:
        result[y] = YearVariance(
            plan=p[y],
            forecast=f[y],
            slipped=(moved_out[y] - moved_in[y]) * sign,
            lost=plan_left[y] * sign,
            new=forecast_left[y] * sign,
        )
    return result


# --- Costs, net benefit, payback -----------------------------------------


def net_by_year(benefit: Profile, cost: Profile) -> dict[int, Decimal]:
    """Benefit (budget effect) less cost, for each year either covers."""
    return {
        y: Decimal(benefit.get(y, ZERO)) - Decimal(cost.get(y, ZERO)) for y in _years(benefit, cost)
    }


def cumulative(profile: Profile) -> dict[int, Decimal]:
    running = ZERO
    result = {}
    for year in _years(profile):
        running += Decimal(profile.get(year, ZERO))
        result[year] = running
    return result


def payback_year(benefit: Profile, cost: Profile) -> int | None:
    """The first year from which cumulative net benefit stays at or above zero.

    None when nothing is invested or the investment is not paid back within
    the profile (invest-to-save that never pays back must say so).
    """
    if total(cost) <= 0:
        return None
    cumulative_net = cumulative(net_by_year(benefit, cost))
    payback = None
    for year, amount in cumulative_net.items():
        if amount >= 0:
            if payback is None:
                payback = year
        else:
            payback = None
    return payback


def benefit_cost_ratio(benefit_total: Decimal, cost_total: Decimal) -> Decimal | None:
    """Total benefit / total cost, to two places; None with no cost."""
    if Decimal(cost_total) <= 0:
        return None
    return (Decimal(benefit_total) / Decimal(cost_total)).quantize(PENNY, rounding=ROUND_HALF_UP)
