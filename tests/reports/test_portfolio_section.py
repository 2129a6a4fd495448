"""The portfolio section of the monthly pack: honest figures for the month,
the same in the HTML, the XLSX and the CSV."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from pmo import reports, tasks
from pmo.models import ReportType
from portfolio import reporting
from portfolio.models import Stage
from tests.portfolio.factories import (
    GateDecisionFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    StatusUpdateFactory,
    UserFactory,
)

OCTOBER = datetime.date(2026, 10, 1)
SEPTEMBER = datetime.date(2026, 9, 1)


def _sections():
    return {s.key: s for s in reporting.pack_sections("portfolio", OCTOBER)}


@pytest.mark.django_db
def test_delivery_confidence_is_this_months_reports_against_last_months():
    better = ProjectFactory(title="Better")
    worse = ProjectFactory(title="Worse")
    silent = ProjectFactory(title="Silent")
    StatusUpdateFactory(project=better, period=SEPTEMBER, delivery_confidence="R")
    StatusUpdateFactory(project=better, period=OCTOBER, delivery_confidence="A")
    StatusUpdateFactory(project=worse, period=SEPTEMBER, delivery_confidence="G")
    StatusUpdateFactory(project=worse, period=OCTOBER, delivery_confidence="AR")
    StatusUpdateFactory(project=silent, period=SEPTEMBER, delivery_confidence="G")

    overview = _sections()["portfolio-overview"]

    assert overview.figures["confidence_this_month"] == {
        "G": 0, "AG": 0, "A": 1, "AR": 1, "R": 0, "none": 1
    }  # fmt: skip
    assert overview.figures["confidence_last_month"] == {
        "G": 2, "AG": 0, "A": 0, "AR": 0, "R": 1, "none": 0
    }  # fmt: skip
    movers = overview.context["movers"]
    assert [m["title"] for m in movers["improved"]] == ["Better"]
    assert [m["title"] for m in movers["worsened"]] == ["Worse"]


@pytest.mark.django_db
def test_projects_that_are_not_live_are_counted_by_stage_but_not_chased_for_updates():
    ProjectFactory(stage=Stage.IDEA)
    ProjectFactory(stage=Stage.CLOSED)
    ProjectFactory(stage=Stage.DELIVERY)

    sections = _sections()

    assert sections["portfolio-overview"].figures["stages"]["idea"] == 1
    assert sections["portfolio-overview"].figures["reporting_projects"] == 1
    assert sections["portfolio-exceptions"].figures["updates_not_submitted"] == 1


@pytest.mark.django_db
def test_the_exceptions_show_red_without_a_path_to_green_overdue_milestones_and_overrides():
    pm = UserFactory(username="j.barker", first_name="Jo", last_name="Barker")
    red = ProjectFactory(title="Red one", project_manager=pm)
    StatusUpdateFactory(project=red, period=OCTOBER, delivery_confidence="R", path_to_green="")
    amber_red = ProjectFactory(title="Amber red one")
    StatusUpdateFactory(
        project=amber_red, period=OCTOBER, delivery_confidence="AR", path_to_green="Re-plan."
    )
    green = ProjectFactory(title="Green by override")
    StatusUpdateFactory(
        project=green,
        period=OCTOBER,
        delivery_confidence="G",
        honesty_override=True,
        override_justification="Milestone moved by the board.",
    )
    # Overdue at 31 Oct: not achieved by its forecast date, or achieved after the month.
    MilestoneFactory(project=green, forecast_date=datetime.date(2026, 10, 10))
    MilestoneFactory(
        project=red,
        forecast_date=datetime.date(2026, 10, 20),
        actual_date=datetime.date(2026, 11, 5),
    )
    MilestoneFactory(  # achieved in time: not an exception
        project=red,
        forecast_date=datetime.date(2026, 10, 20),
        actual_date=datetime.date(2026, 10, 20),
    )
    MilestoneFactory(project=red, forecast_date=datetime.date(2026, 11, 20))  # not yet due

    exceptions = _sections()["portfolio-exceptions"]

    assert exceptions.figures == {
        "red_and_amber_red": 2,
        "red_without_path_to_green": 1,
        "overdue_milestones": 2,
        "updates_not_submitted": 0,
        "green_overrides": 1,
    }
    red_rows = exceptions.context["red"]
    assert [(r["title"], r["project_manager"]) for r in red_rows][0] == ("Red one", "Jo Barker")
    assert exceptions.context["overdue"][0]["days_overdue"] == 21
    assert exceptions.context["overrides"][0]["justification"] == "Milestone moved by the board."


@pytest.mark.django_db
def test_the_month_ahead_shows_scheduled_gates_and_the_top_escalated_risks():
    project = ProjectFactory()
    GateDecisionFactory(project=project, decision="", decided_on=datetime.date(2026, 11, 12))
    GateDecisionFactory(project=project, decision="approved", decided_on=datetime.date(2026, 11, 3))
    GateDecisionFactory(project=project, decision="", decided_on=datetime.date(2026, 12, 1))
    RiskFactory(project=project, escalated=True, likelihood=5, impact=4, title="Top")
    RiskFactory(project=project, escalated=True, likelihood=2, impact=2, title="Low")
    RiskFactory(project=project, escalated=False, likelihood=5, impact=5, title="Not escalated")
    RiskFactory(project=project, escalated=True, status="closed", likelihood=5, impact=5)

    ahead = _sections()["portfolio-ahead"]

    assert ahead.figures == {"gates_next_month": 1, "decisions_needed": 0, "escalated_risks": 2}
    assert [r["title"] for r in ahead.context["risks"]] == ["Top", "Low"]


@pytest.mark.django_db
def test_the_range_counts_appear_once_prioritisation_provides_them(monkeypatch):
    ProjectFactory()
    monkeypatch.setattr(reporting, "range_counts", lambda: [{"label": "Range 1", "count": 1}])

    overview = _sections()["portfolio-overview"]

    assert overview.figures["ranges"] == {"Range 1": 1}
    assert overview.context["ranges"] == [{"label": "Range 1", "count": 1}]
    # Its sheet is the grid section's: one figure, one sheet in the workbook.
    assert "Projects by range" not in [t.title for t in overview.tables]


@pytest.mark.django_db
def test_without_an_active_scoring_model_the_overview_has_no_range_counts():
    from prioritisation.models import ModelStatus, ScoringModel

    ProjectFactory()
    ScoringModel.objects.update(status=ModelStatus.RETIRED)

    overview = _sections()["portfolio-overview"]

    assert "ranges" not in overview.figures
    assert "Projects by range" not in [t.title for t in overview.tables]


@pytest.mark.django_db
def test_the_xlsx_and_csv_reconcile_with_the_register_to_the_penny():
    ProjectFactory(capital_investment=Decimal("1234567.89"), revenue_investment=Decimal("0.11"))
    ProjectFactory(capital_investment=Decimal("0"), revenue_investment=Decimal("250000.05"))
    run = reports.report_run_request(
        report_type=ReportType.PORTFOLIO, period=OCTOBER, enqueue=False
    )
    tasks.generate_report_task.apply(args=[run.pk])
    run.refresh_from_db()

    book = openpyxl.load_workbook(run.xlsx_file.path)
    sheet = book["Projects"]
    header = [c.value for c in sheet[1]]
    column = header.index("Total investment")
    xlsx_total = sum(
        Decimal(str(row[column])) for row in sheet.iter_rows(min_row=2, values_only=True)
    )
    with run.csv_file.open("rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))
    csv_total = sum(Decimal(row["Total investment"]) for row in rows)

    assert xlsx_total == csv_total == Decimal("1484568.05")
    assert run.figures["portfolio-overview"]["total_investment"] == "1484568.05"
    assert "£1,484,568" in run.snapshot
    assert book.sheetnames[0] == "About this pack"


@pytest.mark.django_db
def test_the_section_reads_a_fixed_number_of_queries_whatever_the_portfolio_size(
    django_assert_num_queries,
):
    for _ in range(3):
        project = ProjectFactory()
        StatusUpdateFactory(project=project, period=OCTOBER)
        MilestoneFactory(project=project, forecast_date=datetime.date(2026, 10, 1))
        RiskFactory(project=project, escalated=True)

    # 1 projects, 2 this and last month's updates, 3 stage counts; counts by
    # range: 4 the active model's ranges with their current assessments
    # counted, 5 projects not scored; 6 overdue milestones, 7 scheduled
    # gates, 8 escalated risks, 9 their count; partners: 10 reviews,
    # 11 partners, 12 engagements ending with knowledge transfer not started,
    # 13 contracts ending.
    with django_assert_num_queries(13):
        reporting.pack_sections("portfolio", OCTOBER)


@pytest.mark.django_db
def test_it_has_no_section_for_the_other_packs():
    assert reporting.pack_sections("clt", OCTOBER) == []
    assert reporting.pack_sections("benefits", OCTOBER) == []


@pytest.mark.django_db
def test_the_pack_the_dashboard_and_the_project_page_read_one_rule_for_overdue():
    from portfolio.models import Milestone
    from portfolio.selectors import overdue_milestones

    project = ProjectFactory(stage=Stage.DELIVERY)
    late_then_done = MilestoneFactory(
        project=project,
        title="Done in November",
        forecast_date=datetime.date(2026, 10, 20),
        actual_date=datetime.date(2026, 11, 5),
    )
    still_open = MilestoneFactory(
        project=project, title="Still open", forecast_date=datetime.date(2026, 10, 10)
    )
    MilestoneFactory(
        project=project,
        forecast_date=datetime.date(2026, 10, 20),
        actual_date=datetime.date(2026, 10, 19),
    )
    month_end = datetime.date(2026, 10, 31)
    today = datetime.date(2026, 12, 7)

    in_pack = [m["milestone"] for m in _sections()["portfolio-exceptions"].context["overdue"]]

    assert in_pack == [m.title for m in overdue_milestones(month_end)]
    assert in_pack == ["Still open", "Done in November"]
    # Today, the one achieved in November is no longer overdue, anywhere.
    assert list(overdue_milestones(today)) == [still_open]
    flags = {m.pk: m.is_overdue for m in Milestone.objects.with_overdue(today)}
    assert flags[still_open.pk] and not flags[late_then_done.pk]
    assert sum(flags.values()) == Milestone.objects.overdue(today).count() == 1
