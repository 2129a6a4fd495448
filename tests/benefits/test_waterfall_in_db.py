"""The summary's waterfall, computed in the database, equals the first-in,
first-out split of benefits.money.variance_split summed benefit by benefit,
for savings, dis-benefits and profiles that mix signs."""

from collections import defaultdict
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benefits import money, selectors
from benefits.models import ZERO, BenefitYear, FinancialBenefit
from tests.benefits.factories import this_year
from tests.portfolio.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def waterfall(frame: pd.DataFrame, year: int) -> selectors.Waterfall:
    """The oracle: benefits.money.variance_split run benefit by benefit in
    Python over the profiles, summed for the year."""
    result = selectors.Waterfall(year)
    plans: dict[int, dict] = defaultdict(dict)
    forecasts: dict[int, dict] = defaultdict(dict)
    for benefit_id, y, p, f in zip(
        frame["benefit_id"], frame["year"], frame["plan"], frame["forecast"], strict=True
    ):
        plans[benefit_id][y] = p
        forecasts[benefit_id][y] = f
    for benefit_id in plans:
        for y, v in money.variance_split(plans[benefit_id], forecasts[benefit_id]).items():
            if y == year:
                result.plan += v.plan
                result.forecast += v.forecast
                result.slipped += v.slipped
                result.lost += v.lost
                result.new += v.new
    return result


amounts = st.integers(min_value=-3, max_value=6).map(lambda n: Decimal(n * 1000) / 4)
profiles = st.lists(
    st.tuples(
        st.sampled_from(["positive", "negative", "any"]),
        st.lists(st.tuples(amounts, amounts), min_size=1, max_size=5),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(profiles=profiles)
def test_the_database_waterfall_matches_variance_split(profiles):
    FinancialBenefit.objects.all().delete()
    project = ProjectFactory()
    first = this_year() - 1
    for sign, years in profiles:
        benefit = FinancialBenefit.objects.create(
            project=project,
            title="Saving",
            mtfp_category="procurement",
            directorate=project.lead_directorate,
            is_disbenefit=sign != "positive",
        )
        for offset, (plan, forecast) in enumerate(years):
            if sign == "positive":
                plan, forecast = abs(plan), abs(forecast)
            elif sign == "negative":
                plan, forecast = -abs(plan), -abs(forecast)
            BenefitYear.objects.create(
                benefit=benefit, year=first + offset, plan=plan, forecast=forecast
            )
    frame = selectors.profile_frame()
    for year in range(first - 1, first + 6):
        expected = waterfall(frame, year)
        got = selectors.waterfall_for_year(year)
        for part in ("plan", "forecast", "slipped", "lost", "new"):
            assert getattr(got, part) == getattr(expected, part), (year, part)


def test_a_duplicate_saving_is_left_out_of_the_waterfall():
    project = ProjectFactory()
    year = this_year()

    def saving(plan, forecast, duplicate_of=None):
        benefit = FinancialBenefit.objects.create(
            project=project,
            title="Saving",
            mtfp_category="procurement",
            directorate=project.lead_directorate,
            duplicate_of=duplicate_of,
        )
        BenefitYear.objects.create(benefit=benefit, year=year, plan=plan, forecast=forecast)
        BenefitYear.objects.create(benefit=benefit, year=year + 1, plan=ZERO, forecast=plan)
        return benefit

    original = saving(Decimal("1000.00"), Decimal("400.00"))
    saving(Decimal("1000.00"), Decimal("400.00"), duplicate_of=original)

    got = selectors.waterfall_for_year(year)

    # Counted once: 1,000 planned, 400 forecast, 600 slipped into next year.
    assert (got.plan, got.forecast) == (Decimal("1000.00"), Decimal("400.00"))
    assert (got.slipped, got.lost, got.new) == (Decimal("600.00"), ZERO, ZERO)


def test_profile_years_with_nothing_in_them_change_nothing():
    # The database waterfall skips rows with no plan and no forecast; a
    # profile of zeros around a saving, a dis-benefit and a mixed profile
    # must still split exactly as variance_split does over every row.
    project = ProjectFactory()
    first = this_year() - 1
    profiles = [
        [(0, 0), (1000, 400), (0, 600), (0, 0)],
        [(0, 0), (-500, -200), (0, -300), (0, 0)],
        [(0, 0), (-500, 200), (300, 0), (0, 0)],
        [(0, 0), (0, 0), (0, 0), (0, 0)],
    ]
    for amounts in profiles:
        benefit = FinancialBenefit.objects.create(
            project=project,
            title="Saving",
            mtfp_category="procurement",
            directorate=project.lead_directorate,
            is_disbenefit=any(p < 0 or f < 0 for p, f in amounts),
        )
        for offset, (plan, forecast) in enumerate(amounts):
            BenefitYear.objects.create(
                benefit=benefit, year=first + offset, plan=plan, forecast=forecast
            )
    frame = selectors.profile_frame()
    for year in range(first, first + 4):
        expected = waterfall(frame, year)
        got = selectors.waterfall_for_year(year)
        assert vars(got) == vars(expected), year
