"""In Chromium: a PMO officer adds a project and its PM submits the monthly
update, both with the keyboard only (Tab, typing, Enter, Space; no clicks).
Then axe checks the register, a project page, the update form and the
dashboard for WCAG 2.2 A/AA violations, with screenshots to look at."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pmo.permissions import Role
from portfolio import demo
from portfolio.models import Project, StatusUpdate
from portfolio.selectors import register_projects
from tests.portfolio.factories import PASSWORD, DirectorateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("test-results")


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until `selector` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose(page, selector: str, text: str) -> None:
    """Pick an option in a focused <select> by typing its first letters."""
    tab_to(page, selector)
    page.keyboard.type(text)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_pmo_adds_a_project_and_the_pm_submits_an_update_by_keyboard(page_as, roles):
    DirectorateFactory(name="Children's Services")
    pm = roles[Role.PROJECT_MANAGER]
    pm.first_name, pm.last_name = "Tom", "Okafor"
    pm.save()

    page = page_as(Role.PMO)
    page.goto("/projects/")
    tab_to(page, "a[href='/projects/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/projects/new/")
    tab_to(page, "#id_title")
    page.keyboard.type("Family hubs roll-out")
    tab_to(page, "#id_summary")
    page.keyboard.type("Open eight family hubs across the borough.")
    choose(page, "#id_lead_directorate", "Children")
    choose(page, "#id_project_manager", "Tom Okafor")
    choose(page, "#id_stage", "Discovery")
    shot(page, "register-new-project")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/projects/TP-0001/")

    project = Project.objects.get(reference="TP-0001")
    assert (project.title, project.project_manager, project.stage) == (
        "Family hubs roll-out",
        pm,
        "discovery",
    )
    assert project.lead_directorate.name == "Children's Services"

    page = page_as(Role.PROJECT_MANAGER)
    page.goto("/my/")
    tab_to(page, "a[href='/projects/TP-0001/updates/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/projects/TP-0001/updates/new/")
    choose(page, "#id_delivery_confidence", "Amber/Red")
    for field in ("schedule", "cost", "benefits", "resources", "risk"):
        choose(page, f"#id_{field}_rag", "Amber/Red")
    tab_to(page, "#id_progress")
    page.keyboard.type("Two hubs open; recruitment for the rest is slow.")
    tab_to(page, "#id_next_steps")
    page.keyboard.type("Open the third hub.")
    # Submitting without a path to green shows the error summary first.
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert "Enter the path to green" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator("#id_progress").input_value().startswith("Two hubs open")
    shot(page, "register-update-error")
    tab_to(page, "#id_path_to_green")
    page.keyboard.type("Agency staff start in January; back to Amber by March.")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Space")
    page.wait_for_url("**/projects/TP-0001/?tab=updates#updates")

    update = StatusUpdate.objects.get(project=project)
    assert (update.delivery_confidence, update.submitted_by) == ("AR", pm)
    assert update.period == timezone.localdate().replace(day=1)
    assert update.path_to_green.startswith("Agency staff start")


@pytest.fixture
def demo_council(roles):
    demo.seed(demo.DemoContext(today=timezone.localdate(), password=PASSWORD))


@pytest.mark.parametrize(
    ("name", "path", "role"),
    [
        ("register", "/projects/", Role.VIEWER),
        ("register-filtered", "/projects/?stage=delivery&sort=-rag", Role.VIEWER),
        ("detail", "/projects/TP-0001/", Role.PMO),
        ("detail-raid", "/projects/TP-0001/#raid", Role.PROJECT_MANAGER),
        ("detail-history", "/projects/TP-0025/#history", Role.PMO),
        ("update-form", "/projects/TP-0001/updates/new/", Role.PROJECT_MANAGER),
        ("dashboard", "/", Role.CLT),
        ("my", "/my/", Role.PROJECT_MANAGER),
        ("project-form", "/projects/TP-0003/edit/", Role.PMO),
        ("risk-form", "/projects/TP-0001/risks/new/", Role.PMO),
    ],
)
def test_register_pages_have_no_accessibility_violations(
    page_as, axe_violations, demo_council, name, path, role
):
    page = page_as(role)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    shot(page, f"register-{name}")
    assert axe_violations(page) == []


def test_the_register_filters_in_place_and_keeps_the_url(page_as, demo_council):
    page = page_as(Role.VIEWER)
    page.goto("/projects/")
    page.select_option("#id_stage", "closed")
    page.wait_for_url("**/projects/?*stage=closed*")
    rows = page.locator(".pmo-register tbody tr")
    expect(rows).to_have_count(Project.objects.filter(stage="closed").count())
    assert page.locator("h1").count() == 1  # swapped in place, not nested
    page.go_back()
    page.wait_for_url("**/projects/")
    expect(page.locator(".pmo-register tbody tr")).to_have_count(Project.objects.count())


def test_sorting_then_filtering_keeps_the_sort(page_as, demo_council):
    page = page_as(Role.VIEWER)
    page.goto("/projects/")
    page.locator("a.pmo-sort", has_text="Title").press("Enter")
    page.wait_for_url("**/projects/?sort=title")
    page.locator("#id_q").press_sequentially("digital")
    page.wait_for_url("**/projects/?*q=digital*")
    assert "sort=title" in page.url
    titles = page.locator(".pmo-register tbody td:nth-child(2)").all_inner_texts()
    expected = register_projects({"q": "digital", "sort": "title"})
    assert [t.splitlines()[0] for t in titles] == [p.title for p in expected]
