"""In Chromium: the register's range column and filter, the dashboard's
counts by range, and the update form refusing a month whose pack is
published; axe finds no WCAG 2.2 A/AA violations on any of them."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pmo.models import RunStatus
from pmo.permissions import Role
from portfolio import demo
from portfolio.selectors import current_period, register_projects
from prioritisation import demo as prioritisation_demo
from tests.portfolio.factories import PASSWORD
from tests.reports.factories import ReportRunFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("test-results")


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def scored_council(roles):
    context = demo.DemoContext(today=timezone.localdate(), password=PASSWORD)
    demo.seed(context)
    prioritisation_demo.seed(context)


def test_the_register_filters_by_range_in_place(page_as, axe_violations, scored_council):
    page = page_as(Role.PMO)
    page.goto("/projects/")
    expect(page.locator("a[href='/projects/import/']")).to_have_text("Import projects")
    page.select_option("#id_range", "1")
    page.wait_for_url("**/projects/?*range=1*")
    expected = register_projects({"range": 1})
    rows = page.locator(".pmo-register tbody tr")
    expect(rows).to_have_count(min(expected.count(), 50))
    ranges = page.locator(".pmo-register tbody td:nth-child(5)").all_inner_texts()
    assert ranges and all("Tier 1" in text for text in ranges)
    assert page.locator("h1").count() == 1
    href = page.locator("a", has_text="CSV").get_attribute("href")
    assert "range=1" in href
    page.wait_for_load_state("networkidle")
    shot(page, "register-range-filter")
    assert axe_violations(page) == []


def test_the_dashboard_counts_projects_by_range(page_as, axe_violations, scored_council):
    page = page_as(Role.CLT)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("h2", has_text="Projects by prioritisation range")).to_be_visible()
    shot(page, "dashboard-ranges")
    assert axe_violations(page) == []


def test_the_update_form_explains_a_locked_month(page_as, axe_violations, scored_council):
    period = current_period()
    ReportRunFactory(period=period, status=RunStatus.SUCCEEDED, published=True)
    page = page_as(Role.PMO)
    page.goto("/projects/TP-0001/updates/new/")
    page.select_option("#id_delivery_confidence", "G")
    for field in ("schedule", "cost", "benefits", "resources", "risk"):
        page.select_option(f"#id_{field}_rag", "G")
    page.fill("#id_progress", "Done what we said.")
    page.fill("#id_next_steps", "Carry on.")
    page.fill("#id_override_justification", "Checked with the sponsor.")
    page.get_by_role("button", name="Submit update").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        f"The pack for {period:%B %Y} has been published, so its updates are locked. "
        "Record a correction in a later month."
    )
    expect(page.locator("#id_progress")).to_have_value("Done what we said.")
    shot(page, "update-form-locked")
    assert axe_violations(page) == []
