"""Formula injection on every export, and a security-log line for each download.

Every text column of every model the exports read is filled with a payload
that a spreadsheet would run as a formula (= + - @, tab, carriage return).
Each round shifts which payload lands in which field, so after six rounds
every text column has carried every payload through every export.
"""

import csv
import datetime
import io
import logging

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from pptx import Presentation

from benefits.exports import SHEETS
from pmo import reports, tasks
from pmo.models import ReportType
from pmo.permissions import Role
from portfolio.partners.exports import DATASETS
from tests.benefits.factories import BenefitActualFactory, this_year
from tests.prioritisation.factories import score
from tests.test_role_matrix import _world

PAYLOADS = ("=", "+", "-", "@", "\t", "\r")
MARKER = "PWN"
DANGEROUS_START = tuple(PAYLOADS)
# Exports with only figures and fixed labels (MTFP categories by year).
NO_FREE_TEXT = {"/benefits/export/mtfp-category.csv"}
EXPORT_APPS = ("portfolio", "partners", "benefits", "prioritisation")


def _text_fields():
    for app_label in EXPORT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            unique_together = {name for group in model._meta.unique_together for name in group}
            for constraint in model._meta.constraints:
                unique_together.update(getattr(constraint, "fields", ()))
            names = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField)
                and not field.choices
                and not field.unique
                and field.name not in unique_together
                and not field.primary_key
                and (field.max_length or 100) >= 12
            ]
            if names:
                yield model, names
    # People's names appear in most exports (managers, sponsors, owners).
    yield get_user_model(), ["first_name", "last_name"]


def _export_world() -> dict:
    """The role matrix's world, plus a scored project so the ranking has rows."""
    world = _world()
    score(world["prio_project"])
    BenefitActualFactory(benefit=world["benefit"], year=this_year())
    return world


def _poison(round_number: int) -> None:
    for model, names in _text_fields():
        values = {}
        for index, name in enumerate(names):
            payload = PAYLOADS[(index + round_number) % len(PAYLOADS)]
            values[name] = f"{payload}1+1 {MARKER}{index}"
        model.objects.update(**values)


def _export_urls():
    yield reverse("portfolio:export_csv")
    yield reverse("portfolio:export_xlsx")
    yield reverse("prioritisation:ranking_export") + "?format=csv"
    yield reverse("prioritisation:ranking_export") + "?format=xlsx"
    yield reverse("benefits:export_xlsx")
    for sheet in SHEETS:
        yield reverse("benefits:export_csv", kwargs={"sheet": sheet})
    for dataset in DATASETS:
        for fmt in ("csv", "xlsx"):
            yield reverse("partners:export", kwargs={"dataset": dataset, "fmt": fmt})


def _report_urls(run, formats=("xlsx", "csv", "pptx", "pdf")):
    written = [fmt for fmt, _label, _file in run.files() if fmt != "html"]
    assert written == ["xlsx", "csv", "pptx", "pdf"], (
        f"the pack wrote {written} ({run.status}: {run.error})"
    )
    for fmt in formats:
        yield reverse("reports:download", kwargs={"pk": run.pk, "fmt": fmt})


def _chart_workbook_cells(response):
    """Every cell of the workbooks inside the slides' charts: what
    PowerPoint's "Edit data" opens in Excel."""
    presentation = Presentation(io.BytesIO(b"".join(response.streaming_content)))
    charts = [
        shape.chart for slide in presentation.slides for shape in slide.shapes if shape.has_chart
    ]
    assert charts, "the slides hold no chart, so this proved nothing"
    for chart in charts:
        workbook = openpyxl.load_workbook(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob))
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    yield cell.data_type, cell.value


def _cells(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    disposition = response["Content-Disposition"]
    if ".xlsx" in disposition:
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    yield cell.data_type, cell.value
    else:
        text = content.decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text, newline="")):
            for value in row:
                yield "s", value


def _generate_pack():
    """A generated portfolio pack for October 2026, its files written."""
    run = reports.report_run_request(
        report_type=ReportType.PORTFOLIO, period=datetime.date(2026, 10, 1), enqueue=False
    )
    tasks.generate_report_task.apply(args=[run.pk])
    run.refresh_from_db()
    return run


def _assert_formula_safe(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        carried = 0
        for data_type, value in _cells(response):
            assert data_type != "f", f"{url}: a formula cell {value!r}"
            if isinstance(value, str) and MARKER in value:
                carried += 1
                assert not value.startswith(DANGEROUS_START), f"{url}: {value!r}"
        assert carried or url in NO_FREE_TEXT, (
            f"{url} carried none of the text payloads, so it proved nothing"
        )


def _assert_one_download_line(client, caplog, urls):
    for url in urls:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="pmo.security"):
            response = client.get(url)
        assert response.status_code == 200
        lines = [r.getMessage() for r in caplog.records if r.name == "pmo.security"]
        assert len(lines) == 1, (url, lines)
        assert lines[0].startswith("event=export_download ")
        assert 'username="pmo"' in lines[0]
        assert f"path={url.split('?')[0]} " in lines[0]


@pytest.mark.django_db
@pytest.mark.parametrize("round_number", range(len(PAYLOADS)))
def test_no_export_lets_a_spreadsheet_run_a_formula(client_as, round_number):
    _export_world()
    _poison(round_number)
    _assert_formula_safe(client_as(Role.PMO), _export_urls())


@pytest.mark.django_db
@pytest.mark.parametrize("round_number", range(len(PAYLOADS)))
def test_the_report_pack_files_hold_no_formula(client_as, round_number):
    _export_world()
    _poison(round_number)
    run = _generate_pack()
    client = client_as(Role.PMO)
    _assert_formula_safe(client, _report_urls(run, formats=("xlsx", "csv")))
    (slides_url,) = _report_urls(run, formats=("pptx",))
    for data_type, value in _chart_workbook_cells(client.get(slides_url)):
        assert data_type != "f", f"a chart's workbook holds a formula {value!r}"
        assert not (isinstance(value, str) and value.startswith(DANGEROUS_START)), value


@pytest.mark.django_db
def test_every_export_download_writes_one_security_log_line(client_as, caplog):
    _export_world()
    _assert_one_download_line(client_as(Role.PMO), caplog, _export_urls())


@pytest.mark.django_db
def test_every_report_download_writes_one_security_log_line(client_as, caplog):
    _export_world()
    run = _generate_pack()
    _assert_one_download_line(client_as(Role.PMO), caplog, _report_urls(run))
