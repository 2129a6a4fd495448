"""On the demo council: the tracker totals, the summary pivots and the XLSX
and CSV exports agree to the penny, in both views; and the demo book has the
stories finance meets (slipped, written off, signed off, cross-cutting)."""

import csv
import io
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone
from openpyxl import load_workbook

from benefits import demo as benefits_demo
from benefits.models import (
    BenefitActual,
    BenefitEvent,
    BenefitStatus,
    BenefitYear,
    FinancialBenefit,
    KpiMeasurement,
    NarrativeEntry,
)
from benefits.money import fy_label, mtfp_years
from pmo.permissions import Role
from portfolio import demo as portfolio_demo
from portfolio.demo import DemoContext

pytestmark = pytest.mark.django_db
MEASURES = ("plan", "forecast", "actual")


@pytest.fixture
def demo(db):
    ctx = DemoContext(today=timezone.localdate(), password="demo-password-123")
    portfolio_demo.seed(ctx)
    benefits_demo.seed(ctx)
    return ctx


def _cell(value) -> Decimal:
    return Decimal("0.00") if value in (None, "") else Decimal(str(value)).quantize(Decimal("0.01"))


def _sheet(workbook, title):
    rows = list(workbook[title].iter_rows(values_only=True))
    return rows[0], rows[1:]


def _column_sum(header, rows, name) -> Decimal:
    index = header.index(name)
    return sum((_cell(row[index]) for row in rows), Decimal("0.00"))


def test_tracker_summary_and_export_reconcile_to_the_penny(demo, client_as):
    client = client_as(Role.FINANCE)
    workbook = load_workbook(
        io.BytesIO(client.get("/benefits/export.xlsx").content), data_only=True
    )
    profile_header, profile_rows = _sheet(workbook, "Year profile (incremental)")
    effect_header, effect_rows = _sheet(workbook, "Budget effect")
    mtfp_header, mtfp_rows = _sheet(workbook, "MTFP category x year")
    [mtfp_total] = [row for row in mtfp_rows if row[0] == "Total"]
    csv_rows = list(
        csv.reader(
            io.StringIO(client.get("/benefits/export/year-profile.csv").content.decode("utf-8-sig"))
        )
    )
    summaries = {
        (measure, view): client.get(f"/benefits/summary/?measure={measure}&view={view}").context
        for measure in MEASURES
        for view in ("incremental", "budget_effect")
    }
    checked = 0
    for year in mtfp_years(timezone.localdate()):
        label = fy_label(year)
        for view, header, rows in (
            ("incremental", profile_header, profile_rows),
            ("budget_effect", effect_header, effect_rows),
        ):
            totals = client.get(f"/benefits/?year={year}&view={view}").context["totals"]
            suffix = "incremental" if view == "incremental" else "budget effect"
            for measure in MEASURES:
                tracker = getattr(totals, measure)
                summary = summaries[(measure, view)]
                by_directorate = summary["by_directorate"].loc[year, "Total"]
                by_category = summary["by_category"].loc[year, "Total"]
                column = f"{measure.capitalize()} {label} ({suffix})"
                exported = _column_sum(header, rows, column)
                assert isinstance(tracker, Decimal) and isinstance(by_directorate, Decimal)
                assert tracker == by_directorate == by_category == exported, (view, measure, label)
                if view == "incremental":
                    assert _cell(mtfp_total[mtfp_header.index(column)]) == tracker
                    index = csv_rows[0].index(column)
                    assert (
                        sum((Decimal(r[index]) for r in csv_rows[1:]), Decimal("0.00")) == tracker
                    )
                checked += int(tracker != 0)
    assert checked >= 10  # the demo has real money in most years and measures
    # The ledger is the actuals, to the penny.
    ledger_header, ledger_rows = _sheet(workbook, "Actuals ledger")
    total = sum((a.amount for a in BenefitActual.objects.all()), Decimal("0.00"))
    assert _column_sum(ledger_header, ledger_rows, "Amount (incremental)") == total


def test_the_demo_book_tells_finances_stories(demo):
    counted = BenefitYear.objects.filter(benefit__duplicate_of__isnull=True)
    planned = sum((r.plan for r in counted), Decimal(0))
    assert Decimal("8000000") <= planned <= Decimal("15000000")
    assert BenefitEvent.objects.filter(kind="reprofiled").count() >= 3
    assert FinancialBenefit.objects.filter(status=BenefitStatus.WRITTEN_OFF).count() >= 1
    signed = BenefitYear.objects.filter(signed_off_at__isnull=False)
    assert signed.count() >= 5
    for row in signed:
        enterers = set(
            row.benefit.actuals.filter(year=row.year, is_adjustment=False).values_list(
                "entered_by", flat=True
            )
        )
        assert row.signed_off_by_id not in enterers
        assert row.signed_off_by.username in ("finance", "finance2")
    assert BenefitActual.objects.filter(is_adjustment=True).exists()
    cross_cutting = [
        b
        for b in FinancialBenefit.objects.select_related("project")
        if b.directorate_id != b.project.lead_directorate_id
    ]
    assert cross_cutting
    assert FinancialBenefit.objects.filter(duplicate_of__isnull=False).exists()
    assert KpiMeasurement.objects.count() >= 20
    assert NarrativeEntry.objects.count() >= 3


def test_the_demo_leaves_actuals_entered_by_finance_for_finance2_to_sign_off(demo):
    from benefits.selectors import sign_offs

    finance, finance2 = demo.users["finance"], demo.users["finance2"]
    awaiting = BenefitYear.objects.filter(
        signed_off_at__isnull=True,
        benefit__actuals__entered_by=finance,
        benefit__actuals__year=F("year"),
    ).distinct()
    assert awaiting.exists()
    row = awaiting.first()
    today = timezone.localdate()
    [as_finance] = sign_offs(row.benefit, finance, [row.year], today).values()
    [as_finance2] = sign_offs(row.benefit, finance2, [row.year], today).values()
    assert not as_finance.may_sign and "another finance officer" in as_finance.refusal
    assert as_finance2.may_sign and finance2 in as_finance2.signers


def test_seeding_twice_creates_nothing_twice(demo):
    counts = [
        m.objects.count()
        for m in (FinancialBenefit, BenefitYear, BenefitActual, BenefitEvent, KpiMeasurement)
    ]
    benefits_demo.seed(demo)
    assert [
        m.objects.count()
        for m in (FinancialBenefit, BenefitYear, BenefitActual, BenefitEvent, KpiMeasurement)
    ] == counts


def test_seed_scale_adds_about_two_benefits_per_project(demo):
    projects = portfolio_demo.seed_scale(demo, 50)
    before = FinancialBenefit.objects.count()
    benefits_demo.seed_scale(demo, projects)
    added = FinancialBenefit.objects.count() - before
    assert 50 <= added <= 150
    assert BenefitYear.objects.filter(benefit__project__in=projects).count() == added * 5
