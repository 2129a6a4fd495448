"""Generate a pack from the page, watch its progress, open it and download
the XLSX; the pack page passes axe and prints cleanly on A4."""

import pytest
from django.utils import timezone

from pmo import extensions, reports, tasks
from pmo.models import ReportRun
from pmo.permissions import Role
from tests.reports.factories import month_of_reporting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued(monkeypatch):
    """No broker and no eager run: the test plays the worker, so the page is
    seen polling a queued run before it finishes."""
    runs = []
    monkeypatch.setattr(reports, "_enqueue", lambda run: runs.append(run.pk))
    return runs


def test_pmo_generates_a_pack_watches_it_and_downloads_the_xlsx(
    page_as,
    axe_violations,
    queued,
    tmp_path,
):
    period = reports.previous_month(timezone.localdate())
    month_of_reporting(period)
    page = page_as(Role.PMO)
    page.goto("/reports/")
    assert axe_violations(page) == []
    page.screenshot(path="test-results/reports-archive.png", full_page=True)

    page.get_by_label("Monthly portfolio pack").check()
    page.get_by_role("button", name="Generate now").click()
    progress = page.locator("#generate-result progress")
    progress.wait_for()
    assert "Waiting for a worker" in page.locator("#generate-result").inner_text()
    # The archive below says the same as the progress above, with no reload.
    archive = page.locator("#report-archive")
    listed = archive.get_by_role(
        "link", name=f"Monthly portfolio pack for {period:%B %Y}, version 1", exact=True
    )
    listed.wait_for()
    assert "Queued" in archive.inner_text()
    assert "There are no reports" not in archive.inner_text()
    assert axe_violations(page) == []

    run = ReportRun.objects.get(pk=queued[0])
    ReportRun.objects.filter(pk=run.pk).update(
        status="running", progress=40, step="Collecting the portfolio register section"
    )
    page.get_by_text("40%: Collecting the portfolio register section").wait_for()
    assert progress.get_attribute("value") == "40"
    page.screenshot(path="test-results/reports-progress.png", full_page=True)
    ReportRun.objects.filter(pk=run.pk).update(status="queued")

    tasks.generate_report_task.apply(args=[run.pk])
    banner = page.locator("#generate-result .govuk-notification-banner--success")
    banner.wait_for()
    assert f"{period:%B %Y} (version 1) is ready" in banner.inner_text()
    archive.get_by_text("Ready (draft)").wait_for()
    assert axe_violations(page) == []
    page.screenshot(path="test-results/reports-ready.png", full_page=True)

    with page.expect_download() as download:
        page.locator("#generate-result").get_by_text("Download the Excel workbook (XLSX)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"portfolio-pack-{period:%Y-%m}-v1.xlsx"
    assert saved.read_bytes()[:2] == b"PK"

    page.locator("#generate-result").get_by_role("link", name="Open the pack").click()
    page.get_by_role("heading", name=f"Monthly portfolio pack: {period:%B %Y}").wait_for()
    page.locator(".pmo-chart .main-svg").first.wait_for()
    assert page.get_by_text("No path to green given.").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path="test-results/reports-pack.png", full_page=True)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 680, "height": 960})  # A4 less 15mm margins
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(500)
    page.screenshot(path="test-results/reports-pack-print.png", full_page=True)
    pdf = page.pdf(format="A4", path="test-results/reports-pack.pdf")
    assert pdf[:4] == b"%PDF"

    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/reports/")
    archived = f"Monthly portfolio pack for {period:%B %Y}, version 1"
    assert page.get_by_role("link", name=archived, exact=True).is_visible()
    assert axe_violations(page) == []
    page.screenshot(path="test-results/reports-archive-with-runs.png", full_page=True)


def test_a_failed_run_is_shown_with_its_reason(page_as, axe_violations, monkeypatch):
    without = {a: f for a, f in extensions.PACK_SECTIONS.items() if a != "prioritisation"}
    monkeypatch.setattr(extensions, "PACK_SECTIONS", without)
    run = reports.report_run_request(
        report_type="clt", period=reports.previous_month(timezone.localdate()), enqueue=False
    )
    tasks.generate_report_task.apply(args=[run.pk])

    page = page_as(Role.PMO)
    page.goto(f"/reports/{run.pk}/")

    summary = page.locator(".govuk-error-summary")
    assert "it needs the prioritisation section" in summary.inner_text()
    assert axe_violations(page) == []
    page.screenshot(path="test-results/reports-failed.png", full_page=True)
