import datetime
from decimal import Decimal

import factory

from portfolio.partners.models import (
    BreakClause,
    Contract,
    Engagement,
    EngagementCost,
    EngagementRole,
    Partner,
    PartnershipReview,
    PartnerType,
    ProcurementRoute,
)
from tests.portfolio.factories import ProjectFactory, UserFactory


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n:04d}")
    partner_type = PartnerType.PRIVATE_CONSULTANCY


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    partner = factory.SubFactory(PartnerFactory)
    reference = factory.Sequence(lambda n: f"C-{n:05d}")
    procurement_route = ProcurementRoute.FRAMEWORK
    value = Decimal("500000")
    start_date = datetime.date(2025, 4, 1)
    end_date = datetime.date(2028, 3, 31)


class BreakClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreakClause

    contract = factory.SubFactory(ContractFactory)
    break_date = datetime.date(2027, 4, 1)
    notice_date = datetime.date(2027, 1, 1)


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    partner = factory.SubFactory(PartnerFactory)
    contract = None
    title = factory.Sequence(lambda n: f"Engagement {n}")
    project = factory.SubFactory(ProjectFactory)
    workstream = None
    role = EngagementRole.DELIVERY
    start_date = datetime.date(2025, 4, 1)
    end_date = datetime.date(2027, 3, 31)


class EngagementCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementCost

    engagement = factory.SubFactory(EngagementFactory)
    financial_year = 2025
    partner_cost = Decimal("100000")
    internal_cost = Decimal("0")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipReview

    partner = factory.SubFactory(PartnerFactory)
    review_date = datetime.date(2026, 10, 15)
    reviewer = factory.SubFactory(UserFactory)
    delivery = 3
    value_for_money = 3
    relationship = 3
    knowledge_transfer = 3
    social_value = 3
    narrative = "Working well."
