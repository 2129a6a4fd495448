"""Pure arithmetic for partner reliance and value. No Django, no database.

Cost profiles are kept by financial year, but reliance is watched quarter by
quarter, so each year's cost is spread evenly over the days the engagement
runs in that year. Rounding is done on running totals, so the quarters of a
year always add back to the year's figure to the penny.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from benefits.money import fy_bounds, fy_label

PENNY = Decimal("0.01")


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial quarter: Q1 is April to June."""

    financial_year: int
    number: int

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        fy = day.year if day.month >= 4 else day.year - 1
        return cls(fy, ((day.month - 4) % 12) // 3 + 1)

    @property
    def start(self) -> datetime.date:
        month = 4 + (self.number - 1) * 3
        year = self.financial_year + (1 if month > 12 else 0)
        return datetime.date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> datetime.date:
        nxt = self.next().start
        return nxt - datetime.timedelta(days=1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.financial_year + 1, 1)
        return Quarter(self.financial_year, self.number + 1)

    @property
    def label(self) -> str:
        return f"Q{self.number} {fy_label(self.financial_year)}"


def _overlap_days(a_start, a_end, b_start, b_end) -> int:
    start, end = max(a_start, b_start), min(a_end, b_end)
    return max(0, (end - start).days + 1)


def spread_by_quarter(
    amount: Decimal, financial_year: int, start: datetime.date, end: datetime.date
) -> dict[Quarter, Decimal]:
    """One year's cost spread evenly over the engagement's days in that year.

    A cost entered for a year the engagement does not touch is spread over the
    whole year rather than lost, so totals still reconcile.
    """
    fy_start, fy_end = fy_bounds(financial_year)
    run_start, run_end = max(start, fy_start), min(end, fy_end)
    if run_end < run_start:
        run_start, run_end = fy_start, fy_end
    total_days = (run_end - run_start).days + 1
    amount = Decimal(amount)
    result: dict[Quarter, Decimal] = {}
    days_so_far = 0
    allocated = Decimal("0")
    quarter = Quarter(financial_year, 1)
    for _ in range(4):
        days = _overlap_days(run_start, run_end, quarter.start, quarter.end)
        if days:
            days_so_far += days
            running = (amount * days_so_far / total_days).quantize(PENNY, rounding=ROUND_HALF_UP)
            result[quarter] = running - allocated
            allocated = running
        quarter = quarter.next()
    return result


@dataclass(frozen=True)
class CostLine:
    start: datetime.date
    end: datetime.date
    financial_year: int
    partner_cost: Decimal
    internal_cost: Decimal


@dataclass(frozen=True)
class RelianceQuarter:
    quarter: Quarter
    partner_cost: Decimal
    internal_cost: Decimal

    @property
    def label(self) -> str:
        return self.quarter.label

    @property
    def total_cost(self) -> Decimal:
        return self.partner_cost + self.internal_cost

    @property
    def share(self) -> Decimal | None:
        """The partner's share of the cost of the work, 0-100 to one decimal
        place; None when nothing was spent that quarter."""
        if not self.total_cost:
            return None
        return (self.partner_cost * 100 / self.total_cost).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def reliance_by_quarter(lines: Iterable[CostLine]) -> list[RelianceQuarter]:
    """Partner cost / (partner cost + internal cost), quarter by quarter, over
    every quarter from the first with cost to the last (gaps included, so a
    pause shows as a gap rather than vanishing)."""
    partner: dict[Quarter, Decimal] = {}
    internal: dict[Quarter, Decimal] = {}
    for line in lines:
        for q, amount in spread_by_quarter(
            line.partner_cost, line.financial_year, line.start, line.end
        ).items():
            partner[q] = partner.get(q, Decimal("0")) + amount
        for q, amount in spread_by_quarter(
            line.internal_cost, line.financial_year, line.start, line.end
        ).items():
            internal[q] = internal.get(q, Decimal("0")) + amount
    quarters = set(partner) | set(internal)
    if not quarters:
        return []
    result = []
    quarter, last = min(quarters), max(quarters)
    while quarter <= last:
        result.append(
            RelianceQuarter(
                quarter, partner.get(quarter, Decimal("0")), internal.get(quarter, Decimal("0"))
            )
        )
        quarter = quarter.next()
    return result


def reliance_direction(trend: list[RelianceQuarter]) -> str | None:
    """'falling', 'rising' or 'level': the first quarter with spend against
    the last. None with fewer than two such quarters."""
    shares = [q.share for q in trend if q.share is not None]
    if len(shares) < 2:
        return None
    if shares[-1] < shares[0]:
        return "falling"
    if shares[-1] > shares[0]:
        return "rising"
    return "level"


@dataclass(frozen=True)
class SpendAgainstSavings:
    """Partner spend beside the savings of the projects it supports.

    The savings are *attributable to projects supported*, not caused by the
    partner: several partners and the council's own staff work on the same
    projects, so these figures must never be added up across partners.
    """

    spend: Decimal
    savings: Decimal | None  # None: savings figures not available
    projects_supported: int
    projects_with_savings: int

    @property
    def available(self) -> bool:
        return self.savings is not None

    @property
    def savings_per_pound(self) -> Decimal | None:
        if self.savings is None or not self.spend:
            return None
        return (self.savings / self.spend).quantize(PENNY, rounding=ROUND_HALF_UP)


def spend_against_savings(
    spend: Decimal, project_ids: Iterable[int], savings: Mapping[int, Decimal] | None
) -> SpendAgainstSavings:
    """Each supported project's savings counted once, however many of the
    partner's engagements touch it."""
    ids = set(project_ids)
    if savings is None:
        return SpendAgainstSavings(Decimal(spend), None, len(ids), 0)
    counted = [Decimal(savings[pid]) for pid in ids if savings.get(pid) is not None]
    return SpendAgainstSavings(Decimal(spend), sum(counted, Decimal("0")), len(ids), len(counted))


RATING_TRENDS = {1: "up", -1: "down", 0: "same"}


def rating_trend(latest: int | None, previous: int | None) -> str | None:
    """'up', 'down' or 'same' against the previous review; None if there is
    no previous review to compare with."""
    if latest is None or previous is None:
        return None
    return RATING_TRENDS[(latest > previous) - (latest < previous)]
