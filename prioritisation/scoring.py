"""The scoring arithmetic, on plain values: no Django, no database, no money.

Every figure on the grid, the ranking, the capacity page and the what-if
preview comes from these functions, so hypothesis can prove them in
milliseconds and a PMO officer can defend them line by line.

The rules, in the words the PMO uses with CLT:

- **Normalisation.** Each criterion is scored 1 (least) to 5 (most). A
  dimension's score is the weighted average of its criteria, stretched so
  that all 1s give 0 and all 5s give 100:

      score = 100 x sum(weight x (level - 1)) / (4 x sum(weight))

  rounded half-up to one decimal place. A heavier weight moves the score
  more; a weight of 0 is not allowed (a criterion that does not count should
  be removed, not hidden).
- **Ranges.** A score AT the threshold counts as high. So with an impact
  threshold of 50, an impact of exactly 50.0 is high impact.
    Tier 1: high impact, high risk      Tier 2: high impact, lower risk
    Tier 4: lower impact, high risk     Tier 3: lower impact, lower risk
- **Priority rank.** Higher impact first; among equal impact, lower risk
  first; projects equal on both share a rank (1, 2, 2, 4: "standard
  competition ranking"), so no project is ranked above another on a tie.
- **Bands** for the accessible count matrix: each axis is cut at its
  threshold, and each side is halved, giving four bands per axis whose
  quadrants are exactly the four ranges.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum
from typing import TypeVar

LEVELS = (1, 2, 3, 4, 5)
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)


class Tier(IntEnum):
    MAJOR_CORPORATE = 1  # high impact, high risk
    STRATEGIC_PRIORITY = 2  # high impact, lower risk
    SERVICE_LED = 3  # lower impact, lower risk
    REVIEW_OR_PHASE_LATER = 4  # lower impact, high risk

    @property
    def quadrant(self) -> str:
        return QUADRANTS[self]


QUADRANTS = {
    Tier.MAJOR_CORPORATE: "High impact, high risk",
    Tier.STRATEGIC_PRIORITY: "High impact, lower risk",
    Tier.SERVICE_LED: "Lower impact, lower risk",
    Tier.REVIEW_OR_PHASE_LATER: "Lower impact, high risk",
}


def normalise(levels: Mapping[Hashable, int], weights: Mapping[Hashable, Decimal]) -> Decimal:
    """One dimension's 0-100 score from its criteria's 1-5 levels.

    `weights` names the criteria that belong to the dimension; every one
    must have a level.
    """
    if not weights:
        raise ValueError("A dimension needs at least one criterion")
    total_weight = Decimal(0)
    weighted = Decimal(0)
    for key, weight in weights.items():
        weight = Decimal(weight)
        if weight <= 0:
            raise ValueError(f"Weight for {key} must be more than 0")
        level = levels[key]
        if level not in LEVELS:
            raise ValueError(f"Score for {key} must be 1 to 5")
        total_weight += weight
        weighted += weight * (level - 1)
    return (HUNDRED * weighted / (4 * total_weight)).quantize(TENTH, rounding=ROUND_HALF_UP)


def tier_for(
    impact: Decimal, risk: Decimal, impact_threshold: Decimal, risk_threshold: Decimal
) -> Tier:
    high_impact = impact >= impact_threshold
    high_risk = risk >= risk_threshold
    if high_impact:
        return Tier.MAJOR_CORPORATE if high_risk else Tier.STRATEGIC_PRIORITY
    return Tier.REVIEW_OR_PHASE_LATER if high_risk else Tier.SERVICE_LED


def priority_key(impact: Decimal, risk: Decimal) -> tuple[Decimal, Decimal]:
    """Sort key: higher impact first, then lower risk."""
    return (-impact, risk)


def priority_ranks(scores: Sequence[tuple[Decimal, Decimal]]) -> list[int]:
    """The rank of each (impact, risk) pair, in input order, with ties
    sharing a rank (1, 2, 2, 4)."""
    order = sorted(range(len(scores)), key=lambda i: priority_key(*scores[i]))
    ranks = [0] * len(scores)
    previous = None
    for position, index in enumerate(order, start=1):
        key = priority_key(*scores[index])
        if key != previous:
            rank = position
            previous = key
        ranks[index] = rank
    return ranks


# --- Bands for the count matrix ------------------------------------------

BAND_NAMES = ("Low", "Moderate", "High", "Very high")


def band_edges(threshold: Decimal) -> list[Decimal]:
    """Five edges, 0 .. 100, cutting at the threshold and halfway either side."""
    threshold = Decimal(threshold)
    return [
        Decimal(0),
        (threshold / 2).quantize(TENTH, rounding=ROUND_HALF_UP),
        threshold,
        (threshold + (HUNDRED - threshold) / 2).quantize(TENTH, rounding=ROUND_HALF_UP),
        HUNDRED,
    ]


def band_of(score: Decimal, threshold: Decimal) -> int:
    """0 (Low) .. 3 (Very high). Bands 2 and 3 are at or above the threshold."""
    edges = band_edges(threshold)
    if score >= edges[2]:
        return 3 if score >= edges[3] else 2
    return 1 if score >= edges[1] else 0


# --- What-if ---------------------------------------------------------------


@dataclass(frozen=True)
class ModelRules:
    """The parts of a scoring model version the arithmetic needs."""

    impact_weights: Mapping[str, Decimal]
    risk_weights: Mapping[str, Decimal]
    impact_threshold: Decimal
    risk_threshold: Decimal

    def score(self, levels: Mapping[str, int]) -> tuple[Decimal, Decimal, Tier]:
        impact = normalise(levels, self.impact_weights)
        risk = normalise(levels, self.risk_weights)
        return impact, risk, tier_for(impact, risk, self.impact_threshold, self.risk_threshold)


@dataclass(frozen=True)
class Mover:
    key: Hashable
    before: Tier
    after: Tier
    impact_before: Decimal
    risk_before: Decimal
    impact_after: Decimal
    risk_after: Decimal


@dataclass(frozen=True)
class WhatIf:
    movers: list[Mover]
    counts_before: dict[Tier, int]
    counts_after: dict[Tier, int]
    tiers_after: dict[Hashable, Tier]


_Key = TypeVar("_Key", bound=Hashable)


def what_if(current: Mapping[_Key, Mapping[str, int]], before: ModelRules, after: ModelRules):
    """Rescore every project's current levels under `after` and list those
    whose range changes. Levels are matched by criterion code, which stays
    the same from one model version to the next."""
    counts_before = dict.fromkeys(Tier, 0)
    counts_after = dict.fromkeys(Tier, 0)
    movers = []
    tiers_after = {}
    for key, levels in current.items():
        impact_b, risk_b, tier_b = before.score(levels)
        impact_a, risk_a, tier_a = after.score(levels)
        counts_before[tier_b] += 1
        counts_after[tier_a] += 1
        tiers_after[key] = tier_a
        if tier_a != tier_b:
            movers.append(Mover(key, tier_b, tier_a, impact_b, risk_b, impact_a, risk_a))
    return WhatIf(movers, counts_before, counts_after, tiers_after)


# --- Change load -----------------------------------------------------------


def quarter_start(day: datetime.date) -> datetime.date:
    """First day of the financial quarter holding `day` (Q1 is April-June)."""
    return datetime.date(day.year, ((day.month - 1) // 3) * 3 + 1, 1)


def add_quarters(day: datetime.date, quarters: int) -> datetime.date:
    start = quarter_start(day)
    months = start.year * 12 + start.month - 1 + 3 * quarters
    return datetime.date(months // 12, months % 12 + 1, 1)


def quarter_end(start: datetime.date) -> datetime.date:
    return add_quarters(start, 1) - datetime.timedelta(days=1)


def quarter_label(start: datetime.date) -> str:
    """'Q3 2026/27' for October-December 2026: councils plan in financial years."""
    fy = start.year if start.month >= 4 else start.year - 1
    number = ((start.month - 4) % 12) // 3 + 1
    return f"Q{number} {fy}/{(fy + 1) % 100:02d}"


# How many quarters ahead phasing pushes the remaining work to start.
PHASE_DELAY_QUARTERS = {"now": 0, "next": 1, "later": 3}


def phased_window(
    start: datetime.date | None,
    end: datetime.date | None,
    *,
    today: datetime.date,
    phase: str | None,
    target_quarter: datetime.date | None = None,
) -> tuple[datetime.date, datetime.date] | None:
    """The dates a project loads its services, after phasing.

    The remaining work runs from max(start, today) to the end (forecast end,
    else planned end). Phasing sets the earliest it may start:
      Now: today (no change);
      Next: the first day of next quarter;
      Later: the first day of the quarter three quarters ahead, i.e. after
             the next two quarters (the usual MTFP planning horizon);
      a target quarter: that quarter's first day.
    If the remaining work would start before that, the whole remaining
    window moves so it starts then, keeping its length: phasing delays the
    work, it does not shrink it. A project with no end date is left out.
    """
    if end is None:
        return None
    remaining_start = max(start or today, today)
    if end < remaining_start:
        return None
    earliest = remaining_start
    if phase in PHASE_DELAY_QUARTERS and PHASE_DELAY_QUARTERS[phase]:
        earliest = add_quarters(today, PHASE_DELAY_QUARTERS[phase])
    elif phase == "quarter" and target_quarter is not None:
        earliest = target_quarter
    if earliest > remaining_start:
        shift = earliest - remaining_start
        return remaining_start + shift, end + shift
    return remaining_start, end


# Load a project puts on a service, when weighting by range: each "high"
# dimension adds one unit (high impact = more change for staff to absorb,
# high risk = more management attention), so Tier 1 = 3, Tiers 2 and 4 = 2,
# Tier 3 = 1. Unscored projects count 1, as in the unweighted view.
TIER_LOAD = {
    Tier.MAJOR_CORPORATE: 3,
    Tier.STRATEGIC_PRIORITY: 2,
    Tier.REVIEW_OR_PHASE_LATER: 2,
    Tier.SERVICE_LED: 1,
}


def load_of(tier: Tier | None, *, weighted: bool) -> int:
    if not weighted or tier is None:
        return 1
    return TIER_LOAD[tier]


def overlaps(window: tuple[datetime.date, datetime.date], quarter: datetime.date) -> bool:
    return window[0] <= quarter_end(quarter) and window[1] >= quarter


def load_status(load: int, capacity: int) -> str:
    """'over' when the load exceeds capacity, 'at' when equal, else 'within'."""
    if load > capacity:
        return "over"
    if load == capacity and load:
        return "at"
    return "within"
