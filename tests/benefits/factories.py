import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from benefits.models import (
    BenefitActual,
    BenefitYear,
    FinancialBenefit,
    KpiMeasurement,
    NonFinancialBenefit,
    OutcomeCategory,
    OutcomeKind,
)
from benefits.money import financial_year_of
from tests.portfolio.factories import ProjectFactory, UserFactory


def this_year() -> int:
    return financial_year_of(timezone.localdate())


class FinancialBenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancialBenefit

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Saving {n}")
    mtfp_category = "service_transformation"
    directorate = factory.LazyAttribute(lambda o: o.project.lead_directorate)
    budget_code = factory.Sequence(lambda n: f"BC-{n:04d}")


class BenefitYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitYear

    benefit = factory.SubFactory(FinancialBenefitFactory)
    year = factory.LazyFunction(this_year)
    plan = Decimal("100000.00")
    forecast = Decimal("100000.00")


class BenefitActualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitActual

    benefit = factory.SubFactory(FinancialBenefitFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    year = factory.LazyAttribute(lambda o: financial_year_of(o.month))
    amount = Decimal("1000.00")
    evidence = "Budget monitoring"
    entered_by = factory.SubFactory(UserFactory)


class NonFinancialBenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NonFinancialBenefit

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Outcome {n}")
    category = OutcomeCategory.RESIDENTS
    kind = OutcomeKind.MEASURED
    kpi_name = "Contacts resolved first time"
    unit = "%"
    baseline_value = Decimal("40")
    baseline_date = datetime.date(2025, 4, 1)
    target_value = Decimal("60")
    target_date = datetime.date(2027, 4, 1)
    frequency = "monthly"


class KpiMeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiMeasurement

    benefit = factory.SubFactory(NonFinancialBenefitFactory)
    measured_on = datetime.date(2026, 1, 1)
    value = Decimal("45")
