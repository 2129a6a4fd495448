"""The model rules for partners, contracts, engagements and reviews."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from portfolio.partners.models import Engagement, PartnershipReview
from tests.partners.factories import (
    BreakClauseFactory,
    ContractFactory,
    EngagementFactory,
    PartnerFactory,
    ReviewFactory,
)
from tests.portfolio.factories import ProjectFactory, UserFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


def _errors(instance) -> dict:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_an_engagement_must_fall_within_its_contract():
    contract = ContractFactory(
        start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2026, 3, 31)
    )
    engagement = EngagementFactory.build(
        partner=contract.partner,
        contract=contract,
        project=ProjectFactory(),
        start_date=datetime.date(2025, 6, 1),
        end_date=datetime.date(2026, 6, 30),
    )
    assert _errors(engagement)["end_date"] == [
        f"The engagement must fall within contract {contract.reference}, which runs from "
        "1 Apr 2025 to 31 Mar 2026"
    ]
    engagement.start_date, engagement.end_date = (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 6, 1),
    )
    assert "start_date" in _errors(engagement)


def test_an_engagement_uses_its_own_partners_contract():
    contract = ContractFactory()
    engagement = EngagementFactory.build(
        partner=PartnerFactory(), contract=contract, project=ProjectFactory()
    )
    assert _errors(engagement)["contract"] == ["Choose one of this partner's contracts"]


def test_an_engagement_is_on_a_project_or_a_workstream_not_both():
    partner = PartnerFactory()
    both = EngagementFactory.build(
        partner=partner, project=ProjectFactory(), workstream=WorkstreamFactory()
    )
    assert _errors(both)["workstream"] == ["Choose a project or a workstream, not both"]
    neither = EngagementFactory.build(partner=partner, project=None, workstream=None)
    assert "project" in _errors(neither)


def test_the_database_refuses_an_engagement_on_both(db):
    engagement = EngagementFactory()
    engagement.workstream = WorkstreamFactory()
    with pytest.raises(IntegrityError):
        engagement.save()


def test_transferred_knowledge_needs_evidence():
    engagement = EngagementFactory.build(
        partner=PartnerFactory(), project=ProjectFactory(), kt_status="transferred"
    )
    assert _errors(engagement)["kt_evidence"] == [
        "Enter the evidence that the skills were transferred"
    ]


def test_ratings_run_from_one_to_five():
    review = ReviewFactory.build(
        partner=PartnerFactory(), reviewer=UserFactory(), delivery=6, social_value=0
    )
    errors = _errors(review)
    assert errors["delivery"] == ["Ratings run from 1 (poor) to 5 (excellent)"]
    assert errors["social_value"] == ["Ratings run from 1 (poor) to 5 (excellent)"]


def test_the_database_refuses_a_rating_out_of_range():
    review = ReviewFactory()
    with pytest.raises(IntegrityError):
        PartnershipReview.objects.filter(pk=review.pk).update(delivery=9)


def test_a_review_needs_a_narrative():
    review = ReviewFactory.build(partner=PartnerFactory(), reviewer=UserFactory(), narrative="   ")
    assert _errors(review)["narrative"] == ["Enter a narrative: say how the partnership is working"]


def test_break_notice_comes_before_the_break_inside_the_contract():
    contract = ContractFactory(
        start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2027, 3, 31)
    )
    clause = BreakClauseFactory.build(
        contract=contract,
        break_date=datetime.date(2028, 1, 1),
        notice_date=datetime.date(2028, 2, 1),
    )
    errors = _errors(clause)
    assert errors["notice_date"] == ["The notice date must be on or before the break date"]
    assert errors["break_date"][0].startswith("The break date must fall within the contract")


def test_contract_ends_after_it_starts():
    contract = ContractFactory.build(
        partner=PartnerFactory(),
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2025, 3, 1),
    )
    assert _errors(contract)["end_date"] == [
        "Contract end date must be the same as or after its start date"
    ]


def test_next_review_is_due_one_interval_after_the_last():
    partner = PartnerFactory(review_interval_months=3)
    assert partner.next_review_due(datetime.date(2026, 11, 30)) == datetime.date(2027, 2, 28)
    assert partner.next_review_due(None) is None


def test_active_engagements_are_those_running_on_the_day():
    EngagementFactory(start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2025, 12, 31))
    running = EngagementFactory(
        start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2026, 12, 31)
    )
    assert list(Engagement.objects.active_on(datetime.date(2026, 1, 1))) == [running]
