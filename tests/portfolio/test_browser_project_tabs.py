"""In Chromium: the project page's tabs load on demand. With JavaScript, GOV.UK
tabs switch in place and htmx fills a panel the first time it is shown (by a
click, the arrow keys or a #hash); without JavaScript every tab is a link to
the page with that tab rendered. Screenshots go to test-results/."""

from pathlib import Path

import pytest
from django.utils import timezone

from pmo.permissions import Role
from portfolio import demo
from tests.portfolio.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("test-results")


@pytest.fixture
def demo_council(roles):
    demo.seed(demo.DemoContext(today=timezone.localdate(), password=PASSWORD))


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"tabs-{name}.png"), full_page=True)


def test_a_tab_loads_when_first_shown_and_stays_accessible(page_as, axe_violations, demo_council):
    page = page_as(Role.PROJECT_MANAGER)
    page.goto("/projects/TP-0001/")
    assert page.locator("#overview").is_visible()
    assert page.locator("#updates .pmo-update").count() == 0  # not loaded yet
    shot(page, "overview")

    page.click("a.govuk-tabs__tab:has-text('Updates')")
    page.locator("#updates .pmo-update").first.wait_for()
    assert page.url.endswith("/projects/TP-0001/#updates")
    assert page.locator("#updates h2").first.inner_text() == "Monthly updates"
    assert page.locator("#updates").get_attribute("role") == "tabpanel"
    assert page.locator("#overview").is_hidden()
    shot(page, "updates-loaded-by-htmx")
    assert axe_violations(page) == []

    # The arrow keys move between tabs, and the next panel loads too.
    page.focus("a.govuk-tabs__tab:has-text('Updates')")
    page.keyboard.press("ArrowRight")
    page.locator("#milestones table tbody tr").first.wait_for()
    assert page.locator("#milestones").is_visible()

    # Scores come from another app; its panel loads the same way.
    page.click("a.govuk-tabs__tab:has-text('Scores')")
    page.locator("#scores dl").first.wait_for()
    shot(page, "scores-loaded-by-htmx")
    assert axe_violations(page) == []


def test_a_link_to_a_tab_opens_that_tab(page_as, axe_violations, demo_council):
    page = page_as(Role.PMO)
    # Redirects after saving land on ?tab=<id>#<id>: rendered by the server.
    page.goto("/projects/TP-0001/?tab=raid#raid")
    assert page.locator("#raid").is_visible()
    assert page.locator("#raid h2").first.inner_text() == "Risks"
    assert page.locator("#overview").is_hidden()
    selected = page.locator(".govuk-tabs__list-item--selected a")
    assert selected.inner_text() == "RAID"
    shot(page, "raid-from-link")
    assert axe_violations(page) == []

    # ?tab= without a hash still opens that tab, not the first one.
    page.goto("/projects/TP-0001/?tab=history")
    assert page.locator("#history").is_visible()
    assert page.url.endswith("?tab=history#history")

    # An old #hash link (the dashboard's) opens the tab and loads it.
    page.goto("/projects/TP-0001/#gates")
    page.locator("#gates table").wait_for()
    assert page.locator("#gates").is_visible() and page.locator("#overview").is_hidden()
    shot(page, "gates-from-hash")


def test_tabs_work_without_javascript(browser, live_server, page_as, demo_council):
    signed_in = page_as(Role.VIEWER)
    context = browser.new_context(
        base_url=live_server.url,
        storage_state=signed_in.context.storage_state(),
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto("/projects/TP-0001/")
        # Every panel shows: the active one in full, the others as a heading
        # and a link to open them.
        assert page.locator("#updates h2").inner_text() == "Monthly updates"
        page.click("#updates a:has-text('Open the Updates tab')")
        page.wait_for_url("**/projects/TP-0001/?tab=updates#updates")
        assert page.locator("#updates .pmo-update").count() > 0
        page.click("a.govuk-tabs__tab:has-text('RAID')")
        page.wait_for_url("**/projects/TP-0001/?tab=raid#raid")
        assert page.locator("#raid table").count() == 2
        shot(page, "raid-without-javascript")
    finally:
        context.close()


def test_on_a_phone_the_panels_stack_and_load_as_they_scroll_into_view(page_as, demo_council):
    page = page_as(Role.CLT, viewport={"width": 375, "height": 800})
    page.goto("/projects/TP-0001/")
    # GOV.UK tabs stack every panel below the tablet breakpoint.
    assert page.locator("#history").is_visible()
    assert page.locator("#history table").count() == 0
    page.locator("#history").scroll_into_view_if_needed()
    page.locator("#history table").wait_for()
    assert page.locator("#history h2").first.inner_text() == "History"
    shot(page, "phone-stacked")
