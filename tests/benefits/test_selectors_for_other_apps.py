"""What the lead wires into other apps: annual savings per project (the
prioritisation grid's bubble size) and the monthly pack's totals."""

from decimal import Decimal

import pytest

from benefits import selectors
from tests.benefits.factories import (
    BenefitYearFactory,
    FinancialBenefitFactory,
    this_year,
)
from tests.portfolio.factories import ProjectFactory

pytestmark = pytest.mark.django_db
FY = this_year()


def test_annual_savings_are_the_forecast_budget_effect_counted_once():
    project = ProjectFactory()
    recurring = FinancialBenefitFactory(project=project, recurrence="recurring")
    BenefitYearFactory(
        benefit=recurring, year=FY - 1, plan=Decimal("0"), forecast=Decimal("400000.10")
    )
    one_off = FinancialBenefitFactory(project=project, recurrence="one_off")
    BenefitYearFactory(benefit=one_off, year=FY - 1, forecast=Decimal("50000"))
    duplicate = FinancialBenefitFactory(project=project, duplicate_of=recurring)
    BenefitYearFactory(benefit=duplicate, year=FY, forecast=Decimal("999"))
    other = BenefitYearFactory(year=FY, forecast=Decimal("12.34")).benefit
    assert selectors.annual_savings_by_project(FY) == {
        project.pk: Decimal("400000.10"),
        other.project_id: Decimal("12.34"),
    }
