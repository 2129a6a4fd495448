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
class Move:
    """Planned money forecast in a different financial year from its plan.

    `amount` carries the benefit's sign (negative for a dis-benefit). A move
    to a later year has slipped; one to an earlier year is brought forward.
    """

    from_year: int
    to_year: int
    amount: Decimal

    @property
    def has_slipped(self) -> bool:
        return self.to_year > self.from_year


@dataclass(frozen=True)
class YearVariance:
    """One financial year's plan against its forecast, incremental.

    - `slipped` is net: planned money of this year forecast in another year
      (positive), less another year's planned money forecast in this one
      (negative). Summed over a benefit's years it is zero: slipping moves
      money between years, it never makes or loses any.
    - `lost` is this year's shortfall that no other year makes up, counted in
      the year it fell short.
    - `new` is forecast that no plan covers.
    - `delivered` is the forecast that delivers planned money: this year's own
      plan as far as the forecast reaches, plus any other year's plan that
      moved here. So per year `plan = delivered + slipped + lost` and
      `forecast = delivered + new`, hence `forecast = plan - slipped - lost + new`.
    - `moves` are the moves out of and into this year, earliest first.
    """

    plan: Decimal
    forecast: Decimal
    slipped: Decimal
    lost: Decimal
    new: Decimal
    moves: tuple[Move, ...] = ()

    @property
    def delivered(self) -> Decimal:
        return self.forecast - self.new

    def moves_out(self, year: int) -> list[Move]:
        return [m for m in self.moves if m.from_year == year]

    def moves_in(self, year: int) -> list[Move]:
        return [m for m in self.moves if m.to_year == year]


def variance_split(plan: Profile, forecast: Profile) -> dict[int, YearVariance]:
    """Split forecast - plan into slipped, lost and new, year by year.

    The rule, in the terms of the product's domain (plan: the approved
    business case; forecast: the latest view; both incremental, by financial
    year), as the PMO asked for it in issue 15 ("the first hour"):

    1. A year whose forecast is below its plan has a shortfall; one whose
       forecast is above its plan has an excess. Plan met in its own year is
       delivered on time and is neither slipped nor lost.
    2. A shortfall that reappears in a later year (that year's excess) has
       SLIPPED to it. Shortfalls come back in the order they fell short, and
       an excess makes up the earliest shortfall still open (first in, first
       out). Plan 40/80/30 against forecast 35/80/30 has no excess anywhere,
       so nothing slipped: it is £5,000 LOST, in the first year.
    3. A shortfall that no later year makes up but an earlier year's excess
       covers was BROUGHT FORWARD (delivered early): it is a move too, not a
       loss. After step 2 every excess left is earlier than every shortfall
       left, so this never competes with slipping.
    4. A shortfall that never comes back is LOST, in the year it fell short.
       An excess left over is NEW.

    So over a benefit's life lost is what the plan total exceeds the
    forecast total by, and new the reverse; moves only say when. A
    dis-benefit (every amount zero or below) is split on its size. A profile
    that mixes signs is split year by year, without timing: money of the
    opposite sign is not the same saving arriving late.
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
            y: YearVariance(
                plan=p[y],
                forecast=f[y],
                slipped=ZERO,
                lost=max(p[y] - f[y], ZERO),
                new=max(f[y] - p[y], ZERO),
            )
            for y in years
        }
    short = {y: max(p[y] * sign - f[y] * sign, ZERO) for y in years}
    excess = {y: max(f[y] * sign - p[y] * sign, ZERO) for y in years}
    moves: list[Move] = []

    def make_up(shortfalls: list[int], excesses: list[int]) -> None:
        """Match open shortfalls to excesses, both taken earliest first."""
        excess_years = iter(excesses)
        ey = next(excess_years, None)
        for sy in shortfalls:
            while short[sy] > 0 and ey is not None:
                take = min(short[sy], excess[ey])
                if take > 0:
                    short[sy] -= take
                    excess[ey] -= take
                    moves.append(Move(sy, ey, take * sign))
                if excess[ey] == 0:
                    ey = next(excess_years, None)

    # Step 2, slipped: walk the years; each excess makes up the shortfalls
    # still open before it, earliest first.
    open_shortfalls: list[int] = []
    for y in years:
        if short[y] > 0:
            open_shortfalls.append(y)
        elif excess[y] > 0:
            make_up([sy for sy in open_shortfalls if short[sy] > 0], [y])
    # Step 3, brought forward: what is left of the excess is all earlier
    # than what is left of the shortfall.
    make_up([y for y in years if short[y] > 0], [y for y in years if excess[y] > 0])
    moves.sort(key=lambda m: (m.from_year, m.to_year))
    result = {}
    for y in years:
        touching = tuple(m for m in moves if y in (m.from_year, m.to_year))
        moved_out = sum((m.amount for m in touching if m.from_year == y), ZERO)
        moved_in = sum((m.amount for m in touching if m.to_year == y), ZERO)
        result[y] = YearVariance(
            plan=p[y],
            forecast=f[y],
            slipped=moved_out - moved_in,
            lost=short[y] * sign,
            new=excess[y] * sign,
            moves=touching,
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
