"""/partners/: every partner with its spend, active engagements, latest
ratings and their trend, and the contract dates coming up."""

import datetime
from decimal import Decimal

import pytest

from pmo.permissions import Role
from portfolio.partners import selectors
from tests.partners.factories import (
    BreakClauseFactory,
    ContractFactory,
    EngagementCostFactory,
    EngagementFactory,
    PartnerFactory,
    ReviewFactory,
)
from tests.portfolio.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("portfolio.partners.views._today", lambda: TODAY)


def _partners(count: int):
    project = ProjectFactory()
    reviewer = UserFactory()
    for n in range(count):
        partner = PartnerFactory(name=f"Partner {n:04d}")
        contract = ContractFactory(
            partner=partner,
            start_date=datetime.date(2025, 4, 1),
            end_date=datetime.date(2027, 3, 31),
        )
        BreakClauseFactory(
            contract=contract,
            break_date=datetime.date(2026, 6, 1),
            notice_date=datetime.date(2026, 3, 1),
        )
        engagement = EngagementFactory(partner=partner, contract=contract, project=project)
        EngagementCostFactory(
            engagement=engagement, financial_year=2025, partner_cost=Decimal("1000")
        )
        EngagementCostFactory(
            engagement=engagement, financial_year=2026, partner_cost=Decimal("500")
        )
        ReviewFactory(
            partner=partner, reviewer=reviewer, review_date=datetime.date(2026, 5, 1), delivery=2
        )
        ReviewFactory(
            partner=partner, reviewer=reviewer, review_date=datetime.date(2026, 8, 1), delivery=4
        )


def test_it_shows_spend_this_year_and_in_total(client_as):
    partner = PartnerFactory(name="Meridian")
    engagement = EngagementFactory(
        partner=partner, start_date=datetime.date(2024, 4, 1), end_date=datetime.date(2027, 3, 31)
    )
    EngagementCostFactory(
        engagement=engagement, financial_year=2024, partner_cost=Decimal("100000.40")
    )
    EngagementCostFactory(
        engagement=engagement, financial_year=2026, partner_cost=Decimal("25000.30")
    )
    ended = EngagementFactory(
        partner=partner, start_date=datetime.date(2024, 4, 1), end_date=datetime.date(2025, 3, 31)
    )
    EngagementCostFactory(engagement=ended, financial_year=2024, partner_cost=Decimal("5000"))

    [row] = selectors.partner_rows(TODAY)

    assert row.spend_this_year == Decimal("25000.30")
    assert row.spend_total == Decimal("130000.70")
    assert row.active_engagements == 1
    page = client_as(Role.FINANCE).get("/partners/").content.decode()
    assert "Spend 2026/27" in page
    assert "£25,000" in page and "£130,001" in page


def test_it_shows_the_latest_ratings_with_their_trend(client_as):
    partner = PartnerFactory()
    ReviewFactory(
        partner=partner, review_date=datetime.date(2026, 5, 1), delivery=2, social_value=4
    )
    ReviewFactory(
        partner=partner, review_date=datetime.date(2026, 8, 1), delivery=4, social_value=3
    )
    ReviewFactory(partner=partner, review_date=datetime.date(2026, 2, 1), delivery=1)

    [row] = selectors.partner_rows(TODAY)

    assert row.latest_review.review_date == datetime.date(2026, 8, 1)
    ratings = {cell.name: (cell.value, cell.trend) for cell in row.ratings}
    assert ratings["delivery"] == (4, "up")
    assert ratings["social_value"] == (3, "down")
    assert ratings["relationship"] == (3, "same")
    assert row.next_review_due == datetime.date(2026, 11, 1)
    assert row.review_overdue
    page = client_as(Role.VIEWER).get("/partners/").content.decode()
    assert "up from 2" in page and "down from 4" in page and "Review overdue" in page


def test_costs_are_hidden_from_roles_other_than_pmo_and_finance(client_as):
    engagement = EngagementFactory()
    EngagementCostFactory(engagement=engagement, financial_year=2026, partner_cost=Decimal("98765"))
    for role, sees in [
        (Role.PMO, True),
        (Role.FINANCE, True),
        (Role.CLT, False),
        (Role.VIEWER, False),
        (Role.SPONSOR, False),
    ]:
        page = client_as(role).get("/partners/").content.decode()
        assert ("£98,765" in page) is sees, role
        assert ("Spend in total" in page) is sees, role


def test_it_lists_contracts_ending_or_reaching_a_break_notice_in_six_months(client_as):
    ending = ContractFactory(
        reference="ENDS-SOON",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2027, 3, 31),
    )
    later = ContractFactory(
        reference="ENDS-LATER",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2028, 3, 31),
    )
    BreakClauseFactory(
        contract=later, break_date=datetime.date(2027, 10, 1), notice_date=datetime.date(2027, 4, 1)
    )
    BreakClauseFactory(
        contract=later, break_date=datetime.date(2027, 12, 1), notice_date=datetime.date(2027, 9, 1)
    )
    ContractFactory(
        reference="ENDED", start_date=datetime.date(2024, 4, 1), end_date=datetime.date(2026, 3, 31)
    )

    alerts = selectors.contract_alerts(TODAY)

    assert [(a.contract.reference, a.event, a.date) for a in alerts] == [
        ("ENDS-SOON", "Contract ends", datetime.date(2027, 3, 31)),
        ("ENDS-LATER", "Break notice due", datetime.date(2027, 4, 1)),
    ]
    page = client_as(Role.CLT).get("/partners/").content.decode()
    assert "Break notice due (break on 1 Oct 2027)" in page
    assert ending.reference in page


@pytest.mark.parametrize("count", [10, 200])
def test_the_list_uses_the_same_number_of_queries_for_10_or_200_partners(
    client_as, django_assert_num_queries, count
):
    _partners(count)
    client = client_as(Role.PMO)
    # 1 session, 2 user, 3 the user's roles (groups), 4 every review (two kept
    # per partner), 5 partners with their spend and active engagements
    # (subqueries), 6 contracts with dates coming up, 7 their break clauses
    # due, 8-10 savepoint, session save (SESSION_SAVE_EVERY_REQUEST), release.
    with django_assert_num_queries(10):
        response = client.get("/partners/")
    assert response.content.decode().count('href="/partners/') >= count


def test_the_selector_reads_in_two_queries(django_assert_num_queries):
    _partners(20)
    # 1 partners with spend and active-engagement subqueries, 2 every review.
    with django_assert_num_queries(2):
        rows = selectors.partner_rows(TODAY)
    assert len(rows) == 20
    assert rows[0].spend_this_year == Decimal("500") and rows[0].spend_total == Decimal("1500")
