"""/partners/<id>/: contracts, engagements, reviews, knowledge transfer, spend
against the savings of projects supported, and the reliance trend."""

import datetime
from decimal import Decimal

import pytest

from pmo.permissions import Role
from portfolio.partners import selectors
from tests.partners.factories import (
    ContractFactory,
    EngagementCostFactory,
    EngagementFactory,
    PartnerFactory,
    ReviewFactory,
)
from tests.portfolio.factories import ProjectFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    partner = PartnerFactory(name="Meridian")
    contract = ContractFactory(
        partner=partner,
        reference="TC-1",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2027, 3, 31),
    )
    engagement = EngagementFactory(
        partner=partner,
        contract=contract,
        title="Front door",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2027, 3, 31),
        kt_status="in_progress",
        kt_counterpart="Service manager",
    )
    EngagementCostFactory(
        engagement=engagement,
        financial_year=2025,
        partner_cost=Decimal("365000"),
        internal_cost=Decimal("0"),
    )
    EngagementCostFactory(
        engagement=engagement,
        financial_year=2026,
        partner_cost=Decimal("100000"),
        internal_cost=Decimal("300000"),
    )
    ReviewFactory(partner=partner, narrative="Strong delivery this quarter.")
    return partner


def test_it_shows_contracts_engagements_reviews_and_knowledge_transfer(client_as, partner):
    page = client_as(Role.VIEWER).get(f"/partners/{partner.pk}/").content.decode()
    assert "TC-1" in page
    assert "Front door" in page
    assert "Strong delivery this quarter." in page
    assert "Service manager" in page
    assert "In progress: <strong>1</strong> engagement" in page


def test_projects_with_no_savings_recorded_are_never_shown_as_zero(client_as, partner):
    page = client_as(Role.FINANCE).get(f"/partners/{partner.pk}/").content.decode()
    assert "Spend against savings attributable to projects supported" in page
    assert "No savings recorded yet for the 1 project supported" in page
    block = page[page.index('id="spend-against-savings"') :]
    block = block[: block.index("</dl>")]
    assert "£465,000.00" in block  # partner spend, all years
    assert "£0" not in block


def test_savings_come_from_the_benefits_tracker_counted_once(client_as, partner):
    from benefits.models import BenefitYear
    from tests.benefits.factories import FinancialBenefitFactory

    project = partner.engagements.get().project
    benefit = FinancialBenefitFactory(project=project)
    BenefitYear.objects.filter(benefit=benefit).delete()
    BenefitYear.objects.create(benefit=benefit, year=2026, plan=100, forecast=Decimal("120000"))
    BenefitYear.objects.create(benefit=benefit, year=2027, plan=100, forecast=Decimal("30000.50"))
    duplicate = FinancialBenefitFactory(project=project, duplicate_of=benefit)
    BenefitYear.objects.create(benefit=duplicate, year=2026, plan=1, forecast=Decimal("999999"))
    page = client_as(Role.FINANCE).get(f"/partners/{partner.pk}/").content.decode()
    assert "£150,000.50 forecast new savings (incremental, all years) from 1 project" in page


def test_spend_against_savings_once_savings_are_wired(monkeypatch, partner):
    project = partner.engagements.get().project
    other_in_workstream = ProjectFactory(workstream=WorkstreamFactory(name="Digital"))
    EngagementFactory(partner=partner, project=None, workstream=other_in_workstream.workstream)
    EngagementFactory(partner=partner, project=project)  # the same project twice
    monkeypatch.setattr(
        selectors,
        "project_savings",
        lambda ids: {project.pk: Decimal("930000"), other_in_workstream.pk: Decimal("0")},
    )
    value = selectors.partner_value(selectors.partner_detail(partner.pk))
    assert value.spend == Decimal("465000")
    assert value.projects_supported == 2
    assert value.savings == Decimal("930000")
    assert value.savings_per_pound == Decimal("2.00")


def test_the_reliance_trend_is_a_chart_with_a_table(client_as, partner):
    response = client_as(Role.PMO).get(f"/partners/{partner.pk}/")
    trend = response.context["trend"]
    assert [q.share for q in trend] == [Decimal("100.0")] * 4 + [Decimal("25.0")] * 4
    assert response.context["trend_direction"]["direction"] == "falling"
    figure = response.context["trend_figure"]
    assert figure["data"][0]["y"] == [100.0] * 4 + [25.0] * 4
    assert figure["data"][0]["x"][0] == "Q1 2025/26"
    page = response.content.decode()
    assert 'id="reliance-table"' in page
    assert "It has fallen from 100.0% in Q1 2025/26 to 25.0% in Q4 2026/27." in page


def test_costs_and_the_reliance_trend_are_hidden_from_other_roles(client_as, partner):
    for role in (Role.VIEWER, Role.CLT, Role.PROJECT_MANAGER, Role.SPONSOR):
        response = client_as(role).get(f"/partners/{partner.pk}/")
        page = response.content.decode()
        assert "reliance-table" not in page, role
        assert "£365,000" not in page, role
        assert "Costs, spend and the reliance trend are shown to PMO and Finance." in page


def test_an_unknown_partner_is_404(client_as):
    assert client_as(Role.PMO).get("/partners/9999/").status_code == 404
