"""Adding and editing engagements: the contract's dates, the cost profile,
and the contract-value warning that must be acknowledged."""

import datetime
from decimal import Decimal

import pytest

from pmo.permissions import Role
from portfolio.partners.models import Engagement
from tests.partners.factories import (
    ContractFactory,
    EngagementCostFactory,
    EngagementFactory,
    PartnerFactory,
)
from tests.portfolio.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _post_data(project, contract=None, costs=(), **overrides):
    data = {
        "title": "Front door redesign",
        "contract": contract.pk if contract else "",
        "project": project.pk,
        "workstream": "",
        "role": "delivery",
        "start_date": "2025-06-01",
        "end_date": "2026-09-30",
        "exit_date": "",
        "deliverables": "Triage pathway",
        "kt_skills": "Demand analysis",
        "kt_counterpart": "Service manager",
        "kt_status": "planned",
        "kt_evidence": "",
        "version": "",
        "costs-TOTAL_FORMS": str(max(len(costs), 1)),
        "costs-INITIAL_FORMS": "0",
        "costs-MIN_NUM_FORMS": "0",
        "costs-MAX_NUM_FORMS": "1000",
    }
    for index, (year, partner_cost, internal_cost) in enumerate(costs):
        data[f"costs-{index}-financial_year"] = year
        data[f"costs-{index}-partner_cost"] = partner_cost
        data[f"costs-{index}-internal_cost"] = internal_cost
    data.update(overrides)
    return data


@pytest.fixture
def contract():
    return ContractFactory(
        value=Decimal("300000"),
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2027, 3, 31),
    )


def test_it_adds_an_engagement_with_its_cost_profile(client_as, contract):
    project = ProjectFactory()
    response = client_as(Role.PMO).post(
        f"/partners/{contract.partner.pk}/engagements/new/",
        _post_data(
            project, contract, costs=[("2025/26", "£120,000", "20k"), ("2026-27", "60000", "")]
        ),
    )
    assert response.status_code == 302
    engagement = Engagement.objects.get(title="Front door redesign")
    assert engagement.partner == contract.partner
    assert [
        (c.financial_year, c.partner_cost, c.internal_cost) for c in engagement.costs.all()
    ] == [
        (2025, Decimal("120000.00"), Decimal("20000.00")),
        (2026, Decimal("60000.00"), Decimal("0.00")),
    ]


def test_it_refuses_an_engagement_outside_its_contract(client_as, contract):
    response = client_as(Role.PMO).post(
        f"/partners/{contract.partner.pk}/engagements/new/",
        _post_data(ProjectFactory(), contract, end_date="2027-09-30"),
    )
    assert response.status_code == 200
    assert (
        f"The engagement must fall within contract {contract.reference}, which runs from "
        "1 Apr 2025 to 31 Mar 2027"
    ) in response.content.decode()
    assert not Engagement.objects.exists()


def test_costs_above_the_contract_value_need_acknowledging(client_as, contract):
    other = EngagementFactory(partner=contract.partner, contract=contract)
    EngagementCostFactory(engagement=other, financial_year=2025, partner_cost=Decimal("250000"))
    data = _post_data(ProjectFactory(), contract, costs=[("2025/26", "60000", "0")])
    client = client_as(Role.PMO)

    response = client.post(f"/partners/{contract.partner.pk}/engagements/new/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        f"Partner costs under contract {contract.reference} would total £310,000.00, which is "
        "£10,000.00 more than the contract value of £300,000.00"
    ) in page
    assert 'name="acknowledge_overrun"' in page
    assert not Engagement.objects.filter(title="Front door redesign").exists()

    response = client.post(
        f"/partners/{contract.partner.pk}/engagements/new/", data | {"acknowledge_overrun": "on"}
    )
    assert response.status_code == 302
    assert Engagement.objects.get(title="Front door redesign").costs.get().partner_cost == Decimal(
        "60000"
    )


def test_editing_does_not_count_the_engagements_own_old_costs(client_as, contract):
    engagement = EngagementFactory(
        partner=contract.partner,
        contract=contract,
        start_date=datetime.date(2025, 6, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    EngagementCostFactory(
        engagement=engagement, financial_year=2025, partner_cost=Decimal("250000")
    )
    response = client_as(Role.PMO).post(
        f"/partners/engagements/{engagement.pk}/edit/",
        _post_data(
            engagement.project,
            contract,
            costs=[("2025/26", "280000", "0")],
            version=engagement.version,
        ),
    )
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.costs.get().partner_cost == Decimal("280000")
    assert engagement.version == 2


def test_it_refuses_a_cost_year_outside_the_engagement(client_as, contract):
    response = client_as(Role.PMO).post(
        f"/partners/{contract.partner.pk}/engagements/new/",
        _post_data(ProjectFactory(), contract, costs=[("2028/29", "1000", "0")]),
    )
    assert "2028/29 is outside the engagement, which runs from 1 Jun 2025 to 30 Sep 2026" in (
        response.content.decode()
    )
    assert not Engagement.objects.exists()


def test_it_refuses_a_year_that_is_not_a_financial_year(client_as, contract):
    response = client_as(Role.PMO).post(
        f"/partners/{contract.partner.pk}/engagements/new/",
        _post_data(ProjectFactory(), contract, costs=[("2025/27", "1000", "0")]),
    )
    assert "is not a financial year: the years must be consecutive" in response.content.decode()
    assert not Engagement.objects.exists()


def test_an_engagement_is_on_a_project_or_a_workstream(client_as):
    partner = PartnerFactory()
    response = client_as(Role.PMO).post(
        f"/partners/{partner.pk}/engagements/new/", _post_data(ProjectFactory()) | {"project": ""}
    )
    assert "Choose the project or the workstream the partner works on" in response.content.decode()


def test_a_stale_edit_is_refused_and_keeps_the_input(client_as, contract):
    engagement = EngagementFactory(
        partner=contract.partner,
        title="Original",
        start_date=datetime.date(2025, 6, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    engagement.version = 2
    engagement.save()
    response = client_as(Role.PMO).post(
        f"/partners/engagements/{engagement.pk}/edit/",
        _post_data(engagement.project, title="My edit", version="1"),
    )
    page = response.content.decode()
    assert "was changed by someone else while you were editing it" in page
    assert 'value="My edit"' in page
    engagement.refresh_from_db()
    assert engagement.title == "Original"


def test_only_pmo_may_add_engagements(client_as, contract):
    response = client_as(Role.FINANCE).post(
        f"/partners/{contract.partner.pk}/engagements/new/", _post_data(ProjectFactory(), contract)
    )
    assert response.status_code == 403
    assert not Engagement.objects.exists()
