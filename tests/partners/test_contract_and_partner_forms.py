"""Adding partners and contracts with break clauses."""

import datetime
from decimal import Decimal

import pytest

from pmo.permissions import Role
from portfolio.partners.models import Contract, Partner
from tests.partners.factories import ContractFactory, EngagementFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _contract_data(**overrides):
    data = {
        "reference": "TC-2026-001",
        "title": "Transformation partner",
        "procurement_route": "framework",
        "value": "£1.2m",
        "start_date": "2026-04-01",
        "end_date": "2029-03-31",
        "social_value_commitments": "Two apprenticeships a year",
        "version": "",
        "breaks-TOTAL_FORMS": "2",
        "breaks-INITIAL_FORMS": "0",
        "breaks-MIN_NUM_FORMS": "0",
        "breaks-MAX_NUM_FORMS": "1000",
        "breaks-0-break_date": "2028-04-01",
        "breaks-0-notice_date": "2027-10-01",
        "breaks-0-terms": "Six months' notice",
    }
    return data | overrides


def test_it_adds_a_partner(client_as):
    response = client_as(Role.PMO).post(
        "/partners/new/",
        {"name": "Wyvern JV", "partner_type": "public_sector", "review_interval_months": "3"},
    )
    partner = Partner.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/partners/{partner.pk}/"
    assert partner.get_partner_type_display() == "Public-sector body or joint venture"


def test_it_adds_a_contract_with_a_break_clause(client_as):
    partner = PartnerFactory()
    response = client_as(Role.PMO).post(f"/partners/{partner.pk}/contracts/new/", _contract_data())
    assert response.status_code == 302
    contract = Contract.objects.get()
    assert contract.value == Decimal("1200000.00")
    assert [(b.break_date, b.notice_date) for b in contract.break_clauses.all()] == [
        (datetime.date(2028, 4, 1), datetime.date(2027, 10, 1))
    ]


def test_a_break_clause_needs_its_notice_date(client_as):
    partner = PartnerFactory()
    response = client_as(Role.PMO).post(
        f"/partners/{partner.pk}/contracts/new/", _contract_data(**{"breaks-0-notice_date": ""})
    )
    assert "Break clause 1, notice must be given by: Enter the date notice must be given by" in (
        response.content.decode()
    )
    assert not Contract.objects.exists()


def test_a_break_after_the_contract_ends_is_refused(client_as):
    partner = PartnerFactory()
    response = client_as(Role.PMO).post(
        f"/partners/{partner.pk}/contracts/new/",
        _contract_data(**{"breaks-0-break_date": "2030-01-01"}),
    )
    assert (
        "Break clause 1: The break date must fall within the contract" in response.content.decode()
    )
    assert not Contract.objects.exists()


def test_shortening_a_contract_cannot_strand_its_engagements(client_as):
    contract = ContractFactory(
        start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2028, 3, 31)
    )
    EngagementFactory(
        partner=contract.partner,
        contract=contract,
        title="Long engagement",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    response = client_as(Role.PMO).post(
        f"/partners/contracts/{contract.pk}/edit/",
        _contract_data(
            reference=contract.reference,
            start_date="2025-04-01",
            end_date="2027-03-31",
            version=contract.version,
            **{"breaks-0-break_date": "", "breaks-0-notice_date": "", "breaks-0-terms": ""},
        ),
    )
    assert (
        "would leave engagements outside the contract (Long engagement)"
        in response.content.decode()
    )
    contract.refresh_from_db()
    assert contract.end_date == datetime.date(2028, 3, 31)


def test_a_contract_value_must_be_money(client_as):
    partner = PartnerFactory()
    response = client_as(Role.PMO).post(
        f"/partners/{partner.pk}/contracts/new/", _contract_data(value="lots")
    )
    assert "&#x27;lots&#x27; is not an amount of money" in response.content.decode()
