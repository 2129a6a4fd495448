"""The tracker, summary and outcomes pages cost the same number of queries
for 10 benefits as for 2,000."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benefits.models import (
    BenefitActual,
    BenefitYear,
    FinancialBenefit,
    KpiMeasurement,
    NarrativeEntry,
    NonFinancialBenefit,
    ProjectCost,
)
from pmo.permissions import Role
from tests.benefits.factories import this_year
from tests.portfolio.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_book(count: int) -> None:
    """`count` financial and `count` non-financial benefits, bulk created."""
    year = this_year()
    projects = [ProjectFactory() for _ in range(5)]
    user = UserFactory()
    benefits = FinancialBenefit.objects.bulk_create(
        FinancialBenefit(
            project=projects[i % 5],
            title=f"Saving {i}",
            mtfp_category="procurement" if i % 2 else "service_transformation",
            directorate=projects[i % 5].lead_directorate,
            budget_code=f"BC-{i % 7}",
            recurrence="recurring" if i % 3 else "one_off",
            owner=user,
        )
        for i in range(count)
    )
    BenefitYear.objects.bulk_create(
        BenefitYear(benefit=b, year=y, plan=Decimal("1000.01"), forecast=Decimal("900.02"))
        for b in benefits
        for y in (year - 1, year, year + 1)
    )
    BenefitActual.objects.bulk_create(
        BenefitActual(
            benefit=b,
            month=datetime.date(year, 4, 1),
            year=year,
            amount=Decimal("10.10"),
            evidence="x",
            entered_by=user,
        )
        for b in benefits
    )
    ProjectCost.objects.bulk_create(
        ProjectCost(project=p, year=year, capital_one_off=Decimal("5000")) for p in projects
    )
    outcomes = NonFinancialBenefit.objects.bulk_create(
        NonFinancialBenefit(
            project=projects[i % 5],
            title=f"Outcome {i}",
            category="residents",
            kind="measured" if i % 4 else "narrative",
            kpi_name="KPI",
            unit="%",
            baseline_value=Decimal("10"),
            baseline_date=datetime.date(2025, 4, 1),
            target_value=Decimal("20"),
            target_date=datetime.date(2027, 4, 1),
            frequency="monthly",
        )
        for i in range(count)
    )
    KpiMeasurement.objects.bulk_create(
        KpiMeasurement(benefit=o, measured_on=datetime.date(2026, m, 1), value=Decimal(10 + m))
        for o in outcomes
        if o.kind == "measured"
        for m in (1, 2, 3)
    )
    NarrativeEntry.objects.bulk_create(
        NarrativeEntry(
            benefit=o, entry_date=datetime.date(2026, 1, 1), description="New capability"
        )
        for o in outcomes
        if o.kind == "narrative"
    )


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# Every page: the session, the user and their roles (3 queries) first. The
# session is not written: a warming request renewed it a moment ago.
# tracker (+7): the versions of what it reads (pmo/datacache.py: an
#   unchanged tracker is served from the cache in 4 queries), the totals
#   row in three aggregates (benefits listed and counted, which is also the
#   paginator's count; the profile rows in the year; the actuals in the
#   year), directorates and workstreams for the filters, then the page of
#   rows with their per-row subqueries (run for the page's rows only, after
#   the LIMIT).
# summary (+10): the versions of what it reads (pmo/datacache.py), the
#   profile sums and the actual sums by directorate, category, recurrence
#   and year, the names of those directorates (together the small frame for
#   the pivots and the trend), the waterfall (per-benefit sums summed
#   again), the project costs by year, FTE totals, the 25 largest
#   investments, their cost rows and their forecast sums.
# outcomes (+5): the paginator's count, the page of outcomes with project
#   and owner, their measurements, their narrative entries, and whether the
#   user has a project to add one to.
EXPECTED = {"/benefits/": 10, "/benefits/summary/": 13, "/benefits/outcomes/": 8}


@pytest.mark.parametrize("url", list(EXPECTED))
def test_the_page_costs_the_same_queries_for_10_and_2000_benefits(
    client_as, url, django_assert_num_queries
):
    client = client_as(Role.PMO)
    client.get("/reports/")  # the session's first request writes it; later ones don't
    make_book(10)
    small = queries_for(client, url)
    make_book(1990)
    assert FinancialBenefit.objects.count() == 2000
    with django_assert_num_queries(EXPECTED[url]):
        client.get(url)
    assert small == EXPECTED[url]
