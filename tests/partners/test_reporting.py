"""The monthly pack section: overdue reviews, knowledge transfer not started
near an engagement's end, contracts ending soon."""

import datetime

import pytest
from django.template.loader import render_to_string

from portfolio.partners.reporting import pack_section
from tests.partners.factories import (
    ContractFactory,
    EngagementFactory,
    PartnerFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

NOVEMBER = datetime.date(2026, 11, 1)  # judged as at 30 Nov 2026


def test_it_lists_partners_with_overdue_reviews():
    late = PartnerFactory(name="Late")
    EngagementFactory(
        partner=late, start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2027, 6, 30)
    )
    ReviewFactory(partner=late, review_date=datetime.date(2026, 8, 29))  # due 29 Nov: overdue
    on_time = PartnerFactory(name="On time")
    EngagementFactory(
        partner=on_time, start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2027, 6, 30)
    )
    ReviewFactory(partner=on_time, review_date=datetime.date(2026, 9, 1))  # due 1 Dec
    never = PartnerFactory(name="Never reviewed")
    EngagementFactory(
        partner=never, start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2027, 6, 30)
    )
    idle = PartnerFactory(name="No work running")
    ReviewFactory(partner=idle, review_date=datetime.date(2025, 1, 1))

    section = pack_section(NOVEMBER)

    assert [row.partner.name for row in section["context"]["overdue_reviews"]] == [
        "Late",
        "Never reviewed",
    ]


def test_it_lists_knowledge_transfer_not_started_within_three_months_of_the_end():
    soon = EngagementFactory(
        title="Ends in Feb", end_date=datetime.date(2027, 2, 28), kt_status="planned"
    )
    EngagementFactory(
        title="Ends in March", end_date=datetime.date(2027, 3, 31), kt_status="planned"
    )
    EngagementFactory(title="Started", end_date=datetime.date(2027, 1, 31), kt_status="in_progress")
    ended = EngagementFactory(
        title="Ended",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2026, 10, 31),
        kt_status="planned",
    )

    section = pack_section(NOVEMBER)

    assert list(section["context"]["kt_not_started"]) == [ended, soon]


def test_it_lists_contracts_ending_soon_and_renders():
    ContractFactory(
        reference="ENDS", start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2027, 4, 30)
    )
    section = pack_section(NOVEMBER)
    assert [a.contract.reference for a in section["context"]["contracts_ending"]] == ["ENDS"]
    assert section["template"] == "partners/_pack_section.html"
    html = render_to_string(section["template"], section["context"])
    assert "As at 30 Nov 2026" in html
    assert "ENDS" in html and "Contract ends" in html
