"""A PMO user uploads a messy workbook, checks the preview, ticks an unknown
sponsor and confirms, in Chromium; every page has no WCAG 2.2 A/AA violations."""

import datetime
from pathlib import Path

import pytest

from pmo.permissions import Role
from portfolio.models import Project
from tests.portfolio.factories import DirectorateFactory, ProjectFactory
from tests.portfolio.import_files import csv_file, xlsx_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-results")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def staging(tmp_path, settings):
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def test_pmo_uploads_previews_and_confirms_an_import(page_as, axe_violations):
    DirectorateFactory(name="Place")
    ProjectFactory(number=1, reference="TP-0001", title="Waste rounds")
    workbook = xlsx_file(
        {
            "Projects": [
                ["Thamesford register"],
                [
                    "Reference",
                    "Project Name",
                    "Department",
                    "SRO",
                    "Capital (£)",
                    "RAG",
                    "Path to green",
                ],
                ["TP-0001", "Waste round optimisation", "", "", "", "", ""],
                ["", "Family hubs", "PLACE", "Dana Whitfield", "£1,200.50", "AMBER", "Recruit"],
            ],
            "Milestones": [
                ["Project", "Milestone", "Baseline date"],
                ["Family hubs", "First hub open", datetime.date(2027, 3, 31)],
            ],
        }
    )
    page = page_as(Role.PMO)

    page.goto("/projects/import/")
    assert page.locator("h1").inner_text() == "Import projects, milestones and risks"
    for summary in page.locator("summary").all():
        summary.click()  # open the column tables so axe checks them too
    assert axe_violations(page) == []
    shot(page, "import-upload")

    page.set_input_files(
        "#id_file", files=[{"name": "register.xlsx", "mimeType": XLSX, "buffer": workbook}]
    )
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/projects/import/preview/")
    assert page.locator("h1").inner_text() == "Check the import"
    rows = page.locator("table").first.inner_text()
    assert "TP-0001 Waste round optimisation" in rows and "Family hubs" in rows
    assert axe_violations(page) == []
    shot(page, "import-preview")

    page.get_by_label("Dana Whitfield").check()
    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url("**/projects/import/")
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "register.xlsx imported: 2 rows created, 1 updated" in banner
    assert axe_violations(page) == []
    shot(page, "import-done")

    assert list(Project.objects.order_by("number").values_list("reference", "title")) == [
        ("TP-0001", "Waste round optimisation"),
        ("TP-0002", "Family hubs"),
    ]
    assert Project.objects.get(number=2).sponsor.get_full_name() == "Dana Whitfield"


def test_a_file_with_errors_is_shown_accessibly_and_imports_nothing(page_as, axe_violations):
    DirectorateFactory(name="Place")
    content = csv_file(
        [
            ["Title", "Directorate", "Start date", "End date", "Capital"],
            ["Hub", "Place", "31/12/2026", "01/01/2026", "lots"],
        ]
    )
    page = page_as(Role.PMO)
    page.goto("/projects/import/")

    page.set_input_files(
        "#id_file", files=[{"name": "register.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/projects/import/preview/")

    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Projects row 2, Capital: 'lots' is not an amount of money" in summary
    assert page.get_by_role("button", name="Confirm and import").count() == 0
    assert axe_violations(page) == []
    shot(page, "import-preview-errors")
    assert Project.objects.count() == 0


def test_a_refused_upload_shows_a_govuk_error(page_as, axe_violations):
    page = page_as(Role.PMO)
    page.goto("/projects/import/")

    page.set_input_files(
        "#id_file",
        files=[{"name": "register.xlsx", "mimeType": XLSX, "buffer": b"%PDF-1.4 not a workbook"}],
    )
    page.get_by_role("button", name="Upload and check").click()

    assert "not an Excel workbook" in page.locator(".govuk-error-summary").inner_text()
    assert "not an Excel workbook" in page.locator(".govuk-error-message").inner_text()
    assert axe_violations(page) == []
    shot(page, "import-refused")
