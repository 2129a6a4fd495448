"""A PMO user uploads a messy workbook, checks the preview, ticks an unknown
sponsor and confirms, in Chromium; every page has no WCAG 2.2 A/AA violations."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pmo.permissions import Role
from portfolio import import_runs
from portfolio.models import ImportRun, ImportStatus, Project
from tests.portfolio.factories import DirectorateFactory, ProjectFactory
from tests.portfolio.import_files import csv_file, xlsx_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-results")
# An import's own page: its progress, then its check, then what it imported.
RUN_PAGE = re.compile(r".*/projects/import/\d+/$")
COLUMNS_PAGE = re.compile(r".*/projects/import/\d+/columns/$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def staging(tmp_path, settings):
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def upload(page, name, content, mime=XLSX):
    """Upload a file, and take its columns as the page matched them."""
    page.goto("/projects/import/")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": mime, "buffer": content}])
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(COLUMNS_PAGE)
    assert page.locator("h1").inner_text() == "Match the columns"


def check(page):
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(RUN_PAGE)


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

    upload(page, "register.xlsx", workbook)
    assert axe_violations(page) == []
    shot(page, "import-columns")
    check(page)
    assert page.locator("h1").inner_text() == "Check the import"
    rows = page.locator("table").first.inner_text()
    assert "TP-0001 Waste round optimisation" in rows and "Family hubs" in rows
    assert axe_violations(page) == []
    shot(page, "import-preview")

    page.get_by_label("Dana Whitfield").check()
    page.get_by_role("button", name="Confirm and import").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("imported:")
    banner = banner.inner_text()
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

    upload(page, "register.csv", content, "text/csv")
    check(page)

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
    page.get_by_role("button", name="Upload").click()

    assert "not an Excel workbook" in page.locator(".govuk-error-summary").inner_text()
    assert "not an Excel workbook" in page.locator(".govuk-error-message").inner_text()
    assert axe_violations(page) == []
    shot(page, "import-refused")


def test_a_published_portfolio_is_mapped_once_and_imports_in_its_units_names_and_months(
    page_as, axe_violations
):
    """A file as a department publishes it: costs in £m, acronym departments,
    ratings withheld as 'Exempt', its own stage words, a rating as at March
    2023 and one column of September 2022's ratings, a Schedule column that
    is not a rating, and a project the register already has. The PMO matches
    it once and saves the mapping; next month's upload is offered it and
    changes nothing."""
    mod = DirectorateFactory(name="MOD")
    existing = ProjectFactory(number=1, title="Defence estates", lead_directorate=mod)
    workbook = xlsx_file(
        {
            "GMPP": [
                ["Government Major Projects Portfolio data, March 2023"],
                [
                    "Department",
                    "Project Name",
                    "Phase",
                    "Whole life cost (£m)",
                    "Capital (£m)",
                    "Benefits (£m)",
                    "Schedule",
                    "DCA Sep 2022",
                    "DCA",
                    "DCA date",
                    "Path to green",
                ],
                [
                    "HMRC",
                    "Customs platform",
                    "Early planning",
                    "",
                    "305.4",
                    "12",
                    "2024 to 2027",
                    "Red",
                    "Amber",
                    "March 2023",
                    "Re-plan",
                ],  # fmt: skip
                [
                    "MOD",
                    "Defence estates",
                    "Delivery",
                    "",
                    "1,200",
                    "",
                    "2023 to 2030",
                    "Exempt",
                    "Exempt",
                    "",
                    "",
                ],  # fmt: skip
            ]
        }
    )
    page = page_as(Role.PMO)

    upload(page, "gmpp.xlsx", workbook)
    assert page.get_by_label("Capital (£m) goes into").input_value() == "capital_investment"
    assert page.get_by_label("Figures in").input_value() == "£m"
    assert page.get_by_label("Whole life cost (£m) goes into").input_value() == ""
    assert page.get_by_label("Schedule goes into").input_value() == ""
    assert page.get_by_label("DCA Sep 2022 goes into").input_value() == "rag_for_month"
    assert page.get_by_label("The month it rates").input_value() == "September 2022"
    assert page.get_by_label("'Exempt' means").input_value() == ""  # No rating
    # The file's own word for a stage is not guessed: the PMO says what it means.
    assert page.get_by_label("'Early planning' means").input_value() == "?"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose what 'Early planning' in Phase means" in summary
    assert axe_violations(page) == []
    page.get_by_label("'Early planning' means").select_option("Idea")
    page.get_by_label("Save this mapping for next time as").fill("GMPP return")
    shot(page, "import-columns-published")
    check(page)

    content = page.locator("main").inner_text()
    skipped = content.index(
        "Columns skipped in GMPP because they are not recognised: Whole life cost (£m), "
        "Benefits (£m), Schedule."
    )
    unit = content.index("GMPP, Capital (£m): figures are read in millions of pounds")
    assert skipped < unit < content.index("What will be imported")
    rows = page.locator("table").first.inner_text()
    assert "Create\tTP-0002 Customs platform" in rows
    assert f"Update\t{existing.reference} Defence estates\tCapital (£m)" in rows
    # The preview checked the file with HMRC added, so its box starts ticked.
    assert page.get_by_label("HMRC").is_checked()
    assert axe_violations(page) == []
    shot(page, "import-published-preview")

    page.get_by_role("button", name="Confirm and import").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("imported:")
    banner = banner.inner_text()
    assert "gmpp.xlsx imported: 1 row created, 1 updated, 2 monthly RAGs recorded" in banner
    customs = Project.objects.get(title="Customs platform")
    assert customs.lead_directorate.name == "HMRC"
    assert customs.stage == "idea"
    assert customs.capital_investment == Decimal("305400000.00")
    existing.refresh_from_db()
    assert existing.capital_investment == Decimal("1200000000.00")
    assert Project.objects.count() == 2
    history = customs.status_updates.order_by("period").values_list("delivery_confidence", "period")
    assert list(history) == [("R", datetime.date(2022, 9, 1)), ("A", datetime.date(2023, 3, 1))]
    assert not existing.status_updates.exists()
    versions = list(Project.objects.order_by("pk").values_list("version", flat=True))
    page.goto(f"/projects/{customs.reference}/")
    assert "Delivery confidence: Amber as at March 2023" in page.locator("main").inner_text()
    shot(page, "import-published-project")

    upload(page, "gmpp.xlsx", workbook)
    assert "started from “GMPP return”" in page.locator("main").inner_text()
    assert page.get_by_label("'Early planning' means").input_value() == "Idea"
    check(page)
    rows = page.locator("table").first.inner_text()
    assert "Unchanged\tTP-0002 Customs platform" in rows
    assert f"Unchanged\t{existing.reference} Defence estates" in rows
    page.get_by_role("button", name="Confirm and import").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("imported:")
    banner = banner.inner_text()
    assert "gmpp.xlsx imported: 0 rows created, 0 updated, 2 unchanged" in banner
    assert list(Project.objects.order_by("pk").values_list("version", flat=True)) == versions
    assert customs.status_updates.count() == 2


def test_the_progress_bar_is_shown_while_the_file_is_checked_then_the_check(
    page_as, axe_violations
):
    """A worker is still checking the file: the page shows how far it has got,
    and opens the check by itself once the worker is done."""
    DirectorateFactory(name="Place")
    content = csv_file([["Title", "Directorate"], ["Hub", "Place"], ["Depot", "Place"]])
    page = page_as(Role.PMO)
    upload(page, "register.csv", content, "text/csv")
    check(page)
    run = ImportRun.objects.get()
    # As a worker leaves it half way: the check not yet kept, one row of two done.
    kept = run.checked
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.CHECKING, checked=None)
    import_runs.write_progress(run.token, 1, 2)

    page.reload()
    expect(page.locator("h1")).to_have_text("Checking the file")
    expect(page.locator("progress")).to_have_attribute("value", "50")
    expect(page.locator("#import-progress-done")).to_have_text("50%: 1 of 2 done")
    assert axe_violations(page) == []
    shot(page, "import-progress")

    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.READY, checked=kept)
    expect(page.locator("h1")).to_have_text("Check the import", timeout=10_000)
    assert page.get_by_role("button", name="Confirm and import").is_visible()


def test_the_rows_without_problems_can_be_imported_and_the_rest_downloaded(page_as, axe_violations):
    DirectorateFactory(name="Place")
    content = csv_file(
        [["Title", "Directorate", "Capital"], ["Hub", "Place", "£5"], ["Depot", "Place", "lots"]]
    )
    page = page_as(Role.PMO)
    upload(page, "register.csv", content, "text/csv")
    check(page)

    assert "1 row of 2 has no problems" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    shot(page, "import-valid-rows")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the 1 row with problems (XLSX)").click()
    assert download.value.suggested_filename == "register - rows with problems.xlsx"
    page.get_by_role("button", name="Import the 1 row without problems").click()

    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("imported:")
    assert "1 row created, 0 updated; 1 row with problems left out" in banner.inner_text()
    assert list(Project.objects.values_list("title", flat=True)) == ["Hub"]
