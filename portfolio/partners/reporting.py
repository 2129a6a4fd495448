"""The strategic partners section of the monthly pack."""

from __future__ import annotations

import calendar
import datetime

from portfolio.partners import selectors


def as_of_for(period: datetime.date) -> datetime.date:
    """The pack for a month is judged as at that month's last day."""
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def pack_section(period: datetime.date) -> dict:
    as_of = as_of_for(period)
    return {
        "title": "Strategic partners",
        "template": "partners/_pack_section.html",
        "context": {
            "period": period,
            "as_of": as_of,
            "overdue_reviews": selectors.overdue_reviews(as_of),
            "kt_not_started": list(selectors.knowledge_transfer_not_started(as_of)),
            "contracts_ending": selectors.contract_alerts(as_of),
        },
    }
