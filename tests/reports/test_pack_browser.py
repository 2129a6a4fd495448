"""Each pack on the demo council, on screen and printed: every section
renders, every chart draws beside its table, and axe finds nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from pmo import reports, tasks
from pmo.models import ReportType
from pmo.permissions import Role
from tests.portfolio.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("kind", "sections"),
    [
        (
            ReportType.PORTFOLIO,
            ["portfolio-overview", "partners", "prioritisation-grid", "benefits", "benefits-kpis"],
        ),
        (
            ReportType.BENEFITS,
            ["benefits-position", "benefits-mtfp-return", "benefits-reconciliation"],
        ),
        (ReportType.CLT, ["clt-grid", "clt-ranking", "clt-load", "clt-movers"]),
    ],
)
def test_each_pack_reads_on_screen_and_in_print_with_no_axe_violations(
    page_as, axe_violations, kind, sections
):
    # The demo's "pmo" user is the signed-in PMO: seed it with the tests' password.
    call_command("seed_demo", password=PASSWORD, stdout=io.StringIO())
    run = reports.report_run_request(
        report_type=kind, period=timezone.localdate().replace(day=1), enqueue=False
    )
    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "succeeded"

    page = page_as(Role.PMO)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/reports/{run.pk}/")
    for key in sections:
        assert page.locator(f"section#{key}").is_visible()
    charts = page.locator(".pmo-pack .pmo-chart")
    if charts.count():
        page.locator(".pmo-chart .main-svg").first.wait_for()
    assert axe_violations(page) == []
    page.screenshot(path=f"test-results/pack-{kind}.png", full_page=True)

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 680, "height": 960})
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(500)
    page.screenshot(path=f"test-results/pack-{kind}-print.png", full_page=True)


@pytest.mark.parametrize(
    ("kind", "charts"),
    [
        (
            ReportType.PORTFOLIO,
            [
                "portfolio-overview-stages",
                "portfolio-overview-confidence",
                "prioritisation-grid-figure",
                "benefits-directorate",
                "benefits-category",
            ],
        ),
        (ReportType.CLT, ["clt-grid-figure"]),
    ],
)
def test_the_downloaded_html_pack_draws_its_charts_from_disk_with_no_network(
    page_as, browser, tmp_path, kind, charts
):
    call_command("seed_demo", password=PASSWORD, stdout=io.StringIO())
    run = reports.report_run_request(
        report_type=kind, period=timezone.localdate().replace(day=1), enqueue=False
    )
    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "succeeded"
    page = page_as(Role.PMO)
    page.goto(f"/reports/{run.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the HTML snapshot").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    # A fresh browser with no server behind it, as when the file is opened
    # from an e-mail: any request that is not for the file itself is refused.
    offline = browser.new_context(viewport={"width": 1280, "height": 900})
    fetched = []
    offline.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file:")
            else (fetched.append(route.request.url), route.abort())
        ),
    )
    errors = []
    opened = offline.new_page()
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(saved.as_uri())

    for figure in charts:
        chart = opened.locator(f'[data-plotly-figure="{figure}"]')
        chart.locator("svg.main-svg .trace").first.wait_for()
        assert chart.locator("svg.main-svg").count() >= 1
    assert opened.locator(".pmo-chart").count() == len(charts)
    assert fetched == [] and errors == []
    opened.screenshot(path=f"test-results/pack-{kind}-offline.png", full_page=True)
    offline.close()
