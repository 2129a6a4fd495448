"""In Chromium: a PM adds a benefit with a profile, the owner records an
actual, a different (Finance) user signs it off and the export shows it;
and every benefits page has no WCAG 2.2 A/AA violations."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from benefits.money import financial_year_of, fy_label
from pmo.permissions import Role
from tests.portfolio.factories import PASSWORD, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FY = financial_year_of(timezone.localdate())


def shot(page, name):
    page.screenshot(path=f"test-results/benefits-{name}.png", full_page=True)


def test_a_benefit_goes_from_plan_to_signed_off_actual_to_export(page_as, roles, axe_violations):
    pm, finance = roles[Role.PROJECT_MANAGER], roles[Role.FINANCE]
    pm.first_name, pm.last_name = "Tom", "Okafor"
    pm.save()
    project = ProjectFactory(project_manager=pm, title="Customer digital channel shift")

    page = page_as(Role.PROJECT_MANAGER)
    page.goto(f"/benefits/add/?project={project.reference}")
    page.fill("#id_title", "Contact centre staffing")
    page.select_option("#id_owner", label="Tom Okafor")
    page.select_option("#id_mtfp_category", label="Service transformation")
    page.fill(f"#id_plan_{FY}", "£250,000")
    page.fill(f"#id_forecast_{FY}", "240k")
    page.fill(f"#id_plan_{FY + 1}", "£100,000")
    page.fill(f"#id_forecast_{FY + 1}", "110k")
    assert axe_violations(page) == []
    shot(page, "add")
    page.click("button:has-text('Save benefit')")
    page.wait_for_selector("h1:has-text('Contact centre staffing')")
    detail_url = page.url
    assert "£240,000.00" in page.locator("#profile-table").inner_text()

    page.click("text=Record an actual")
    month = timezone.localdate().strftime("%Y-%m")
    page.fill("#id_month", month)
    page.fill("#id_amount", "12,345.67")
    page.fill("#id_evidence", "Two vacant posts deleted in the establishment")
    assert axe_violations(page) == []
    page.click("button:has-text('Record actual')")
    page.wait_for_selector("text=Actual recorded")
    assert "£12,345.67" in page.locator("#profile-table").inner_text()

    signer = page_as(Role.FINANCE)
    signer.goto(detail_url)
    signer.click("a:has-text('Sign off')")
    signer.wait_for_selector(f"h1:has-text('Sign off {fy_label(FY)}')")
    assert axe_violations(signer) == []
    signer.fill("#id_note", "Agreed to the establishment report")
    # The year is still running: signing off without confirming is refused,
    # with the reason on the box that confirms it.
    signer.click(f"button:has-text('Sign off {fy_label(FY)}')")
    signer.wait_for_selector(".govuk-error-summary")
    assert "still running" in signer.locator(".govuk-error-summary").inner_text()
    signer.check("#id_confirm_running_year")
    signer.click(f"button:has-text('Sign off {fy_label(FY)}')")
    signer.wait_for_selector("text=signed off")
    row = signer.locator(f"#year-{FY}").inner_text()
    assert "Signed off" in row and "£12,345.67" in row
    shot(signer, "signed-off")

    signer.goto("/benefits/export/")
    with signer.expect_download() as download:
        signer.click("text=Download the workbook (XLSX)")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as saved:
        workbook = load_workbook(io.BytesIO(saved.read()), data_only=True)
    sheet = workbook["Year profile (incremental)"]
    header = [c.value for c in sheet[1]]
    [values] = [
        [c.value for c in r]
        for r in sheet.iter_rows(min_row=2)
        if r[2].value == "Contact centre staffing"
    ]
    assert Decimal(str(values[header.index(f"Actual {fy_label(FY)} (incremental)")])) == Decimal(
        "12345.67"
    )
    assert values[header.index(f"Forecast {fy_label(FY)} (incremental)")] == 240000
    ledger = workbook["Actuals ledger"]
    ledger_header = [c.value for c in ledger[1]]
    [entry] = [[c.value for c in r] for r in ledger.iter_rows(min_row=2)]
    assert entry[ledger_header.index("Year signed off by")] == (
        finance.get_full_name() or finance.username
    )
    assert entry[ledger_header.index("Entered by")] == "Tom Okafor"


PAGES = {
    "tracker": "/benefits/",
    "summary": "/benefits/summary/",
    "outcomes": "/benefits/outcomes/",
    "quality": "/benefits/quality/",
    "closed": "/benefits/closed/",
    "export": "/benefits/export/",
    "import": "/benefits/import/",
}


def test_every_benefits_page_has_no_accessibility_violations(page_as, axe_violations):
    from benefits import demo as benefits_demo
    from benefits.models import FinancialBenefit
    from portfolio import demo as portfolio_demo
    from portfolio.demo import DemoContext

    ctx = DemoContext(today=timezone.localdate(), password=PASSWORD)
    portfolio_demo.seed(ctx)
    benefits_demo.seed(ctx)
    benefit = FinancialBenefit.objects.filter(
        actuals__isnull=False, years__signed_off_at__isnull=False
    ).first()
    page = page_as(Role.PMO)
    pages = dict(PAGES)
    pages["detail"] = f"/benefits/{benefit.pk}/"
    pages["edit"] = f"/benefits/{benefit.pk}/edit/"
    pages["reprofile"] = f"/benefits/{benefit.pk}/reprofile/"
    pages["costs"] = f"/benefits/projects/{benefit.project.reference}/costs/"
    pages["outcome-add"] = "/benefits/outcomes/add/"
    for name, url in pages.items():
        page.goto(url)
        if page.locator("[data-plotly-figure]").count():
            page.wait_for_selector(".pmo-chart .main-svg")
        shot(page, name)
        assert axe_violations(page) == [], name

    # The tracker filters with htmx and keeps the filter in the address.
    page.goto("/benefits/")
    everything = page.locator("#tracker-table caption").inner_text()
    page.select_option("#f-confidence", "at_risk")
    page.wait_for_url("**confidence=at_risk**")
    expect(page.locator("#tracker-table caption")).not_to_have_text(everything)
    assert "At risk" in page.locator("#tracker-table tbody").inner_text()
    assert "Secure" not in page.locator("#tracker-table tbody").inner_text()

    # The inline forecast edit, opened with htmx.
    page.goto(pages["detail"])
    editable = page.locator("#profile-table a:has-text('change forecast')").first
    editable.click()
    page.wait_for_selector("#profile-table form input[name=forecast]")
    assert axe_violations(page) == []
    shot(page, "inline-forecast")
    page.fill("#profile-table form input[name=forecast]", "£1,234.56")
    page.click("#profile-table form button:has-text('Save')")
    page.wait_for_selector("#profile-table a:has-text('£1,234.56')")
    page.wait_for_selector("#profile-section .pmo-chart .main-svg")
    assert page.locator("#profile-table form").count() == 0


def test_an_import_preview_asks_how_to_read_a_cumulative_profile(page_as, axe_violations, tmp_path):
    project = ProjectFactory()
    from portfolio.models import Directorate

    directorate = Directorate.objects.get(pk=project.lead_directorate_id)
    upload = tmp_path / "benefits.csv"
    upload.write_text(
        "Project reference,Title,Type,Recurring or one-off,MTFP category,Benefiting directorate,"
        f"Plan {fy_label(FY)},Plan {fy_label(FY + 1)},Plan {fy_label(FY + 2)}\n"
        f"{project.reference},Agency spend,Cashable saving,Recurring,Procurement,"
        f"{directorate.name},1m,2m,3m\n"
    )
    page = page_as(Role.FINANCE)
    page.goto("/benefits/import/")
    page.set_input_files("#id_file", str(upload))
    page.click("button:has-text('Preview')")
    page.wait_for_selector("text=looks cumulative")
    assert axe_violations(page) == []
    shot(page, "import-preview")
    page.check("#reading-2-incremental")
    page.click("button:has-text('Import 1 benefit')")
    page.wait_for_selector("text=1 benefit imported")
    from benefits.models import FinancialBenefit

    assert dict(FinancialBenefit.objects.get().years.values_list("year", "plan")) == {
        FY: Decimal("1000000.00")
    }
