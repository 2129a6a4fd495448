"""Pure KPI arithmetic for non-financial benefits: where the straight line
from baseline to target says a KPI should be by now, and how it compares."""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import StrEnum


class KpiStatus(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    WORSE_THAN_BASELINE = "worse"
    NO_MEASUREMENT = "none"


KPI_STATUS_LABELS: dict[str, str] = {
    KpiStatus.ACHIEVED: "Target achieved",
    KpiStatus.ON_TRACK: "On track",
    KpiStatus.BEHIND: "Behind the line to target",
    KpiStatus.WORSE_THAN_BASELINE: "Worse than baseline",
    KpiStatus.NO_MEASUREMENT: "Not yet measured",
}


def expected_value(
    baseline: Decimal,
    baseline_date: datetime.date,
    target: Decimal,
    target_date: datetime.date,
    on: datetime.date,
) -> Decimal:
    """The straight line from baseline to target, read at `on` (held flat
    before the baseline and after the target date)."""
    span = (target_date - baseline_date).days
    if span <= 0 or on >= target_date:
        return Decimal(target)
    if on <= baseline_date:
        return Decimal(baseline)
    elapsed = Decimal((on - baseline_date).days) / Decimal(span)
    return Decimal(baseline) + (Decimal(target) - Decimal(baseline)) * elapsed


def kpi_status(
    *,
    baseline: Decimal,
    baseline_date: datetime.date,
    target: Decimal,
    target_date: datetime.date,
    higher_is_better: bool,
    latest_date: datetime.date | None,
    latest_value: Decimal | None,
) -> KpiStatus:
    if latest_date is None or latest_value is None:
        return KpiStatus.NO_MEASUREMENT
    sign = Decimal(1) if higher_is_better else Decimal(-1)

    def better_or_equal(a, b):
        return (Decimal(a) - Decimal(b)) * sign >= 0

    if better_or_equal(latest_value, target):
        return KpiStatus.ACHIEVED
    line = expected_value(baseline, baseline_date, target, target_date, latest_date)
    if better_or_equal(latest_value, line):
        return KpiStatus.ON_TRACK
    if not better_or_equal(latest_value, baseline):
        return KpiStatus.WORSE_THAN_BASELINE
    return KpiStatus.BEHIND
