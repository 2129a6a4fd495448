"""On the demo council, the monthly portfolio pack says what the screens
say: its counts by range are the grid page's, its benefits are the benefits
summary's to the penny, its money has pence, and its workbook's sheets each
have a name of their own."""

import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from benefits.money import financial_year_of
from pmo import reports, tasks
from pmo.models import ReportRun, ReportType
from pmo.templatetags.pmo import money_exact
from portfolio.models import Project, Stage
from prioritisation.models import Assessment

pytestmark = pytest.mark.django_db
NOT_SCORED = "No moderated score yet"
VIEWS = {"incremental": "incremental", "budget_effect": "budget effect"}


@pytest.fixture
def pack(db) -> ReportRun:
    call_command("seed_demo", password="demo-password-123", stdout=io.StringIO())
    run = reports.report_run_request(
        report_type=ReportType.PORTFOLIO,
        period=timezone.localdate().replace(day=1),
        enqueue=False,
    )
    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "succeeded"
    run.refresh_from_db()
    return run


def _signed_in(client, username: str):
    """The test client as one of the demo's own users (seed_demo makes them)."""
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _workbook(run: ReportRun):
    with run.xlsx_file.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def _sheet_rows(workbook, name) -> tuple[list, list[tuple]]:
    rows = list(workbook[name].iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def _pence(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def test_the_pack_counts_each_range_as_the_grid_page_does(pack, client):
    # The demo has closed projects with a moderated score: the grid leaves
    # them off, so a count that kept them would differ here.
    assert Assessment.objects.filter(
        is_current=True, project__stage__in=[Stage.CLOSED, Stage.STOPPED]
    ).exists()

    clt = _signed_in(client, "clt")
    grid = clt.get("/prioritisation/grid/").context
    on_screen = {info.label: count for info, count in grid["tier_counts"]}
    on_screen[NOT_SCORED] = grid["unscored"]

    header, rows = _sheet_rows(_workbook(pack), "Projects by range")
    in_workbook = {row[0]: row[header.index("Projects")] for row in rows}
    assert sum(on_screen.values()) > 0
    assert pack.figures["prioritisation-grid"]["ranges"] == {
        label: count for label, count in on_screen.items() if label != NOT_SCORED
    }
    assert pack.figures["portfolio-overview"]["ranges"] == on_screen
    assert in_workbook == on_screen
    dashboard = clt.get("/").context["range_counts"]
    assert {info.label: count for info, count in dashboard} == pack.figures["prioritisation-grid"][
        "ranges"
    ]


def test_the_pack_benefits_are_the_benefits_summary_to_the_penny(pack, client):
    finance = _signed_in(client, "finance")
    year = financial_year_of(pack.period)
    workbook = _workbook(pack)
    # Each summary page once: a second request for it is served rendered.
    summaries = {
        (measure, view): finance.get(f"/benefits/summary/?measure={measure}&view={view}").context
        for measure in ("plan", "forecast", "actual")
        for view in VIEWS
    }
    checked = 0
    for sheet, summary_key, pack_key in (
        ("Benefits by directorate", "by_directorate", "by_directorate"),
        ("Benefits by MTFP category", "by_category", "by_mtfp_category"),
    ):
        header, rows = _sheet_rows(workbook, sheet)
        by_label = {row[0]: row for row in rows}
        for (measure, view), summary in summaries.items():
            pivot = summary[summary_key]
            column = header.index(f"{measure.capitalize()} ({VIEWS[view]})")
            for label in pivot.columns:
                on_screen = pivot.loc[year, label]
                assert isinstance(on_screen, Decimal)
                assert _pence(by_label[label][column]) == on_screen, (sheet, measure, label)
                if view == "incremental" and label != "Total":
                    figure = pack.figures["benefits"][pack_key][label][measure]
                    assert Decimal(figure) == on_screen
                checked += int(on_screen != 0)
    assert checked >= 20  # the demo has real money in most cells


def test_money_in_the_pack_has_pounds_and_pence(pack):
    with pack.html_file.open("rb") as handle:
        document = handle.read().decode("utf-8")
    snapshot = pack.snapshot

    investment = sum(
        (p.capital_investment + p.revenue_investment for p in Project.objects.all()), Decimal(0)
    )
    assert f"{money_exact(investment)}</span> one-off investment" in snapshot
    amounts = re.findall(r"£-?[\d,]+(?:\.\d+)?", snapshot)
    assert len(amounts) > 20
    assert [a for a in amounts if not re.fullmatch(r"£-?\d{1,3}(,\d{3})*\.\d\d", a)] == []
    assert snapshot in document

    workbook = _workbook(pack)
    money_cells = 0
    for sheet in workbook.worksheets:
        header = [cell.value for cell in sheet[1]]
        for column, title in enumerate(header):
            if not re.search(r"investment|\((incremental|budget effect)\)", title or "", re.I):
                continue
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                if cell.value is not None:
                    assert cell.number_format.startswith("£#,##0.00"), (sheet.title, title)
                    money_cells += 1
    assert money_cells > 50


def test_every_sheet_of_every_pack_has_its_own_whole_name(pack):
    for kind in (ReportType.BENEFITS, ReportType.CLT):
        run = reports.report_run_request(report_type=kind, period=pack.period, enqueue=False)
        assert tasks.generate_report_task.apply(args=[run.pk]).get() == "succeeded"
        run.refresh_from_db()
        for workbook in (_workbook(pack), _workbook(run)):
            names = workbook.sheetnames
            assert len({name.lower() for name in names}) == len(names)
            assert all(len(name) <= 31 for name in names)
            # Each sheet is named by its table, whole: the About sheet lists them.
            about = {
                row[0]: row[1] for row in workbook["About this pack"].iter_rows(values_only=True)
            }
            listed = [key.removeprefix("Sheet: ") for key in about if key.startswith("Sheet: ")]
            assert listed == names[1:]
    assert "Benefits by MTFP category" in _workbook(pack).sheetnames


@pytest.mark.parametrize(
    ("tables", "refused"),
    [
        (["Benefits 2026-27 by MTFP category"], "needs a sheet name of 1 to 31 characters"),
        (["Benefits 2026/27"], "needs a sheet name"),
        (["Projects by range", "projects by range"], "share the sheet name 'projects by range'"),
        (["About this pack"], "share the sheet name"),
    ],
)
def test_a_sheet_name_is_never_cut_or_numbered_but_refused(tables, refused):
    with pytest.raises(reports.ReportError, match=refused):
        reports.sheet_names([reports.Table(title, [], []) for title in tables])


def test_a_long_title_keeps_its_words_under_a_chosen_sheet_name():
    table = reports.Table("Benefits 2026/27 by MTFP savings category", [], [], sheet="By MTFP")

    assert reports.sheet_names([table]) == ["By MTFP"]
