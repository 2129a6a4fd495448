"""Pure money and financial-year arithmetic. No Django, no database.

UK local government financial years run 1 April to 31 March and are written
`2025/26`. A year is identified here by the calendar year it starts in.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


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
