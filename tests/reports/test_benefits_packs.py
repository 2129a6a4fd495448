"""The benefits figures in the packs: the monthly pack's benefits section and
the finance benefits-realisation report reconcile with the tracker, the
summary pivots and the benefits export to the penny; the reconciliation
explains every movement since last month; a published month's actuals are
closed."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from benefits import money, reporting, services
from benefits.exports import SHEETS, benefits_workbook
from benefits.models import BenefitActual, BenefitYear, FinancialBenefit
from benefits.selectors import (
    BUDGET_EFFECT,
    INCREMENTAL,
    pivot,
    profile_frame,
    tracker_totals,
)
from pmo import reports, tasks
from pmo.models import ReportRun, ReportType, RunStatus
from portfolio.models import MTFPCategory
from tests.benefits.factories import BenefitYearFactory, FinancialBenefitFactory
from tests.portfolio.factories import UserFactory
from tests.reports.factories import ReportRunFactory

D = Decimal
ZERO = D("0.00")
MEASURES = ("plan", "forecast", "actual")


def _run(kind, period, publish=False) -> ReportRun:
    run = reports.report_run_request(
        report_type=kind, period=period, publish=publish, enqueue=False
    )
    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "succeeded"
    run.refresh_from_db()
    return run


def _workbook(run):
    with run.xlsx_file.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()), data_only=True)


def _pence(value) -> Decimal:
    if value in (None, ""):
        return ZERO
    if isinstance(value, (int, float)):
        return D(repr(value)).quantize(D("0.01"))
    return value


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def demo(db):
    call_command("seed_demo", password="demo-password-123", stdout=io.StringIO())
    return timezone.localdate().replace(day=1)


# --- Reconciliation on the demo council -------------------------------------------


def test_the_monthly_packs_benefits_section_reconciles_with_tracker_and_summary(demo):
    period = demo
    year = money.financial_year_of(period)
    run = _run(ReportType.PORTFOLIO, period)
    figures = run.figures["benefits"]

    frame = profile_frame()
    years = money.mtfp_years(timezone.localdate())
    for view in (INCREMENTAL, BUDGET_EFFECT):
        tracker = tracker_totals({}, year, view)
        assert D(figures[f"plan_{view}"]) == tracker.plan
        assert D(figures[f"forecast_{view}"]) == tracker.forecast
        assert D(figures[f"actual_{view}"]) == tracker.actual
    assert tracker_totals({}, year, INCREMENTAL).forecast > 0
    for measure in MEASURES:
        by_directorate = pivot(frame, "directorate", measure, years, INCREMENTAL)
        by_category = pivot(frame, "mtfp_category", measure, years, INCREMENTAL)
        for name, row in figures["by_directorate"].items():
            column = "Total" if name == "Total" else name
            assert D(row[measure]) == by_directorate.loc[year, column], (name, measure)
        labels = dict(MTFPCategory.choices)
        for code in by_category.columns:
            label = "Total" if code == "Total" else labels[code]
            assert D(figures["by_mtfp_category"][label][measure]) == by_category.loc[year, code]

    # The workbook's sheets say the same, to the penny, and name their view.
    workbook = _workbook(run)
    header, *body = _rows(workbook["Benefits by directorate"])
    total = body[-1]
    assert total[0] == "Total"
    assert header[1:] == [
        "Plan (incremental)", "Forecast (incremental)", "Actual (incremental)",
        "Plan (budget effect)", "Forecast (budget effect)", "Actual (budget effect)",
    ]  # fmt: skip
    assert [_pence(v) for v in total[1:]] == [
        D(figures[f"{m}_{view}"]) for view in (INCREMENTAL, BUDGET_EFFECT) for m in MEASURES
    ]
    # And the HTML shows the headline to the penny.
    forecast = tracker_totals({}, year, INCREMENTAL).forecast
    assert f"£{forecast:,.2f}" in run.snapshot


def test_the_benefits_report_has_the_exports_sheets_the_mtfp_return_and_a_reconciliation(demo):
    period = demo
    run = _run(ReportType.BENEFITS, period)
    workbook = _workbook(run)
    as_at = min(reports.month_end(period), timezone.localdate())
    export = load_workbook(io.BytesIO(benefits_workbook(today=as_at)), data_only=True)

    export_titles = [title for title, _builder in SHEETS.values()]
    assert workbook.sheetnames[0] == "About this pack"
    assert workbook.sheetnames[1:6] == export_titles
    assert {"MTFP savings return", "Reconciliation", "Reconciliation by benefit"} <= set(
        workbook.sheetnames
    )
    for title in export_titles:
        assert _rows(workbook[title]) == _rows(export[title]), title

    # The MTFP savings return: the seven categories x year, incremental, with
    # totals equal to the export's MTFP sheet and the tracker, to the penny.
    header, *body = _rows(workbook["MTFP savings return"])
    assert header[:2] == ["MTFP savings category", "Measure"]
    assert all(h.endswith("(incremental)") for h in header[2:])
    categories = {row[0] for row in body} - {"Total"}
    assert categories == {label for _value, label in MTFPCategory.choices}
    mtfp_header, *mtfp_body = _rows(export["MTFP category x year"])
    export_total = dict(zip(mtfp_header, mtfp_body[-1], strict=True))
    years = [h.split(" ")[0] for h in header[2:-1]]
    for row in body[-3:]:
        assert row[0] == "Total"
        measure = row[1]
        for label, value in zip(years, row[2:-1], strict=True):
            assert _pence(value) == _pence(export_total[f"{measure} {label} (incremental)"])
            start = int(label[:4])
            tracker = tracker_totals({}, start, INCREMENTAL)
            assert _pence(value) == getattr(tracker, measure.lower()), (measure, label)
        assert _pence(row[-1]) == sum((_pence(v) for v in row[2:-1]), ZERO)

    # The reconciliation adds up in every year, and ends at the tracker's figures.
    header, *body = _rows(workbook["Reconciliation"])
    column = {name: i for i, name in enumerate(header)}
    for row in body:
        assert _pence(row[column["Unexplained (always zero)"]]) == ZERO
        before = _pence(row[column["Forecast last month (incremental)"]])
        moved = (
            _pence(row[column["New benefits (incremental)"]])
            + _pence(row[column["Increased (incremental)"]])
            - _pence(row[column["Slipped to other years (incremental)"]])
            - _pence(row[column["Lost: reduced or written off (incremental)"]])
        )
        assert before + moved == _pence(row[column["Forecast now (incremental)"]])
        if row[0] != "Total":
            tracker = tracker_totals({}, int(row[0][:4]), INCREMENTAL)
            assert _pence(row[column["Forecast now (incremental)"]]) == tracker.forecast
            assert _pence(row[column["Actual now (incremental)"]]) == tracker.actual
    basis = dict(_rows(workbook["Reconciliation basis"])[1:])
    assert "rebuilt from the change history" in basis["Last month's position"]
    assert run.figures["benefits-reconciliation"]["source"] == "history"
    assert "MTFP savings return" in run.snapshot


# --- The reconciliation explains the month's movements ---------------------------


@pytest.fixture
def book(db):
    """One benefit of £100,000 in this financial year; last month's report
    published with that position."""
    year = reporting.current_year(timezone.localdate())
    benefit = FinancialBenefitFactory(title="Libraries restructure")
    BenefitYearFactory(benefit=benefit, year=year, plan=D("100000.00"), forecast=D("100000.00"))
    return benefit, year


def test_last_months_published_report_is_what_this_month_is_reconciled_with(book):
    benefit, year = book
    this_month = timezone.localdate().replace(day=1)
    last_month = reports.previous_month(this_month)
    published = _run(ReportType.BENEFITS, last_month, publish=True)
    assert published.published

    user = UserFactory()
    services.benefit_reprofile(
        benefit=benefit,
        forecast={year: D("60000.00"), year + 1: D("30000.00")},
        reason="Restructure delayed by consultation",
        by=user,
    )
    newcomer = FinancialBenefitFactory(title="Digital post room")
    BenefitYearFactory(benefit=newcomer, year=year, plan=D("5000.00"), forecast=D("5000.00"))
    services.benefit_record_actual(
        benefit=benefit,
        month=timezone.localdate(),
        amount=D("1234.56"),
        evidence="Budget monitoring",
        by=user,
    )

    run = _run(ReportType.BENEFITS, this_month)

    totals = run.figures["benefits-reconciliation"]["totals"]
    assert run.figures["benefits-reconciliation"]["source"] == "stored"
    assert run.figures["benefits-reconciliation"]["compared_with_run"] == published.pk
    by_year = {
        m.year: m
        for m in reporting.movements_by_year(
            reporting.reconcile(
                reporting.position_from_json(
                    published.figures["benefits-reconciliation"]["position"]
                ),
                reporting.position_from_json(run.figures["benefits-reconciliation"]["position"]),
            ),
            [year, year + 1],
        )
    }
    this_year = by_year[year]
    assert (this_year.forecast_before, this_year.forecast_now) == (D("100000"), D("65000"))
    assert this_year.slipped == D("30000.00")
    assert this_year.lost == D("10000.00")
    assert this_year.new_benefits == D("5000.00")
    assert this_year.realised == D("1234.56")
    assert by_year[year + 1].slipped == D("-30000.00")  # arrived from this year
    assert D(totals["slipped"]) == ZERO  # slipping moves money, it never loses it
    assert D(totals["lost"]) == D("10000.00")
    assert "stored by the published" in run.snapshot

    # The monthly pack names the same slip and loss for the current year.
    pack = _run(ReportType.PORTFOLIO, this_month)
    assert D(pack.figures["benefits"]["slipped_this_month"]) == D("30000.00")
    assert D(pack.figures["benefits"]["lost_this_month"]) == D("10000.00")
    assert "Libraries restructure" in pack.snapshot


def test_without_a_published_report_last_month_is_rebuilt_from_history(book):
    benefit, year = book
    end_of_last_month = reporting.end_of(reports.previous_month(timezone.localdate()))
    # The profile as saved before the end of last month.
    BenefitYear.history.update(history_date=end_of_last_month - datetime.timedelta(days=3))
    FinancialBenefit.history.update(history_date=end_of_last_month - datetime.timedelta(days=3))
    services.benefit_write_off(benefit=benefit, reason="Service stopped", by=UserFactory())

    baseline = reporting.last_months_position(timezone.localdate().replace(day=1))

    assert baseline.run is None and "change history" in baseline.source
    assert baseline.position == {benefit.pk: {year: (D("100000"), D("100000"), ZERO)}}
    now = reporting.position_of(reporting._Facts(timezone.localdate().replace(day=1)).book)
    [movement] = reporting.reconcile(baseline.position, now)
    assert movement.years[year].lost == D("100000.00")


def test_reconcile_splits_new_increased_slipped_lost_and_realised():
    before = {
        1: {2026: (D(100), D(100), D(10))},
        2: {2026: (D(50), D(50), ZERO)},
        3: {2026: (D(20), D(20), ZERO)},
    }
    now = {
        1: {2026: (D(100), D(70), D(25)), 2027: (D(100), D(30), ZERO)},  # slipped 30
        2: {2026: (D(50), D(80), ZERO)},  # increased 30
        # 3 is gone (deleted or now counted under another benefit): lost 20
        4: {2027: (D(5), D(5), ZERO)},  # new
    }

    by_year = {m.year: m for m in reporting.movements_by_year(reporting.reconcile(before, now), [])}

    assert (by_year[2026].slipped, by_year[2026].increased, by_year[2026].lost) == (30, 30, 20)
    assert (by_year[2026].realised, by_year[2027].new_benefits) == (15, 5)
    assert by_year[2027].slipped == -30
    assert all(m.unexplained == 0 for m in by_year.values())


# --- Period locking ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_published_month_refuses_new_actuals_and_a_later_month_takes_the_correction():
    today = timezone.localdate()
    last_month = reports.previous_month(today.replace(day=1))
    benefit = FinancialBenefitFactory()
    BenefitYearFactory(benefit=benefit, year=money.financial_year_of(last_month))
    officer = UserFactory()
    services.benefit_record_actual(
        benefit=benefit, month=last_month, amount=D("500"), evidence="Ledger", by=officer
    )
    run = ReportRunFactory(
        report_type=ReportType.BENEFITS, period=last_month, status=RunStatus.SUCCEEDED
    )
    reports.report_run_publish(run=run)

    with pytest.raises(ValidationError) as refused:
        services.benefit_record_actual(
            benefit=benefit, month=last_month, amount=D("50"), evidence="Ledger", by=officer
        )
    message = refused.value.message_dict["month"][0]
    assert message.startswith(f"{last_month:%B %Y} is closed")
    assert "Record a correction as an adjustment in a later month, with a reason" in message
    assert BenefitActual.objects.count() == 1

    services.benefit_record_actual(
        benefit=benefit, month=today, amount=D("50"), evidence="Ledger correction", by=officer
    )
    assert BenefitActual.objects.count() == 2


@pytest.mark.django_db
def test_after_sign_off_and_publication_a_correction_is_an_adjustment_with_a_reason():
    today = timezone.localdate()
    last_month = reports.previous_month(today.replace(day=1))
    year = money.financial_year_of(last_month)
    if money.financial_year_of(today) != year:
        pytest.skip("Last month is in another financial year; covered on other days.")
    benefit = FinancialBenefitFactory()
    BenefitYearFactory(benefit=benefit, year=year)
    officer, finance = UserFactory(), UserFactory()
    services.benefit_record_actual(
        benefit=benefit, month=last_month, amount=D("500"), evidence="Ledger", by=officer
    )
    services.benefit_sign_off(benefit=benefit, year=year, by=finance, running_year_confirmed=True)
    reports.report_run_publish(run=ReportRunFactory(period=last_month, status=RunStatus.SUCCEEDED))

    with pytest.raises(ValidationError) as closed:
        services.benefit_record_actual(
            benefit=benefit, month=last_month, amount=D("20"), evidence="x", by=officer,
            reason="Understated",
        )  # fmt: skip
    assert "is closed" in closed.value.message_dict["month"][0]
    with pytest.raises(ValidationError) as no_reason:
        services.benefit_record_actual(
            benefit=benefit, month=today, amount=D("20"), evidence="x", by=officer
        )
    assert "enter the reason for this adjustment" in no_reason.value.message_dict["reason"][0]

    adjustment = services.benefit_record_actual(
        benefit=benefit, month=today, amount=D("20"), evidence="x", by=officer,
        reason="Understated in the ledger",
    )  # fmt: skip
    assert adjustment.is_adjustment and adjustment.month == today.replace(day=1)
    row = BenefitYear.objects.get(benefit=benefit, year=year)
    assert row.signed_off_amount == D("500")
