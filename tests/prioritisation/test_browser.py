"""The prioritisation pages in Chromium: the grid's chart and matrix, the
matrix drill-down, present mode, inline phasing, and axe on every page.
Screenshots go to test-results/ (look at them)."""

import datetime

import pytest

from pmo.permissions import Role
from portfolio.models import Stage
from prioritisation import services
from tests.portfolio.factories import ProjectFactory, ServiceFactory
from tests.prioritisation.factories import CalibrationReferenceFactory, score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHAPES = [  # (title, impact level, risk level)
    ("Children's placements sufficiency", 5, 4),
    ("Adult social care front door", 4, 2),
    ("Waste round redesign", 2, 2),
    ("Libraries self-service", 2, 4),
    ("Digital social care records", 4, 5),
    ("Parking permits online", 1, 1),
]


@pytest.fixture
def portfolio(roles):
    today = datetime.date.today()
    transport = ServiceFactory(name="Home to School Transport", change_capacity=1)
    care = ServiceFactory(name="Reablement and Home Care", change_capacity=2)
    projects = []
    for i, (title, impact, risk) in enumerate(SHAPES):
        project = ProjectFactory(
            title=title,
            project_manager=roles[Role.PROJECT_MANAGER],
            planned_start=today - datetime.timedelta(days=90),
            planned_end=today + datetime.timedelta(days=400 + 30 * i),
            stage=Stage.DELIVERY,
        )
        project.services.set([transport, care] if i % 2 else [transport])
        score(project, impact=impact, risk=risk)
        projects.append(project)
    services.phase_set(
        project=projects[3], phase="later", reason="Service at capacity.", by=roles[Role.PMO]
    )
    CalibrationReferenceFactory(project=projects[0], expected_tier=1)
    return projects


def _shot(page, name):
    page.screenshot(path=f"test-results/{name}.png", full_page=True)


def test_the_grid_renders_the_chart_and_the_matrix_and_a_cell_lists_its_projects(
    page_as, axe_violations, portfolio
):
    page = page_as(Role.CLT)
    page.goto("/prioritisation/grid/")
    page.wait_for_selector(".pmo-grid-chart .main-svg")
    assert page.locator(".pmo-grid-chart .scatterlayer .point").count() == len(SHAPES)
    assert page.locator(".pmo-grid-chart").get_by_text("Tier 1: Major corporate").count() >= 1
    matrix = page.locator("#count-matrix")
    assert matrix.is_visible()
    assert "Projects by impact band and risk band" in matrix.inner_text()
    _shot(page, "prioritisation-grid")
    assert axe_violations(page) == []

    page.locator("#count-matrix a", has_text="with very high impact and very high risk").click()
    heading = page.locator("#cell-projects h2")
    heading.wait_for()
    assert heading.inner_text() == "2 projects with very high impact and very high risk"
    assert "Children's placements sufficiency" in page.locator("#cell-projects").inner_text()
    assert "impact=3" in page.url and "risk=3" in page.url
    _shot(page, "prioritisation-grid-cell")
    assert axe_violations(page) == []

    # Hovering a marker names the project; clicking it opens the project.
    page.goto("/prioritisation/grid/")
    page.wait_for_selector(".pmo-grid-chart .main-svg")
    page.locator(".pmo-grid-chart").scroll_into_view_if_needed()
    marker = page.locator(".pmo-grid-chart .scatterlayer .trace").nth(1).locator(".point").first
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator(".pmo-grid-chart .hoverlayer .hovertext")
    hover.first.wait_for()
    assert "Adult social care front door" in hover.first.text_content()
    assert "Impact 75.0, risk 25.0" in hover.first.text_content()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(f"**/projects/{portfolio[1].reference}/")


def test_present_mode_is_full_screen_large_type_and_has_no_navigation(
    page_as, axe_violations, portfolio
):
    page = page_as(Role.CLT, viewport={"width": 1600, "height": 1000})
    page.goto("/prioritisation/grid/")
    page.get_by_role("link", name="Present this grid to CLT").click()
    page.wait_for_selector(".pmo-grid-chart .main-svg")
    assert page.locator(".govuk-service-navigation").count() == 0
    assert page.locator(".govuk-header").count() == 0
    heading_size = page.locator("h1").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    body_size = page.locator("p.govuk-body").first.evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert heading_size >= 48 and body_size >= 22
    button = page.get_by_role("button", name="Full screen")
    button.click()
    # The label changes on fullscreenchange. (No wait_for_function: its
    # polling evaluates a string, which the pages' CSP refuses.)
    page.get_by_role("button", name="Leave full screen").wait_for()
    assert page.evaluate("document.fullscreenElement !== null")
    _shot(page, "prioritisation-present")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Leave full screen").click()
    page.get_by_role("button", name="Full screen").wait_for()
    assert page.evaluate("document.fullscreenElement === null")


def test_pmo_phases_a_project_from_the_ranking(page_as, axe_violations, portfolio):
    page = page_as(Role.PMO)
    page.goto("/prioritisation/ranking/")
    first_rank = page.locator("tbody tr").first.locator("td").first.inner_text()
    assert first_rank == "1"
    _shot(page, "prioritisation-ranking")
    assert axe_violations(page) == []
    project = portfolio[2]
    cell = page.locator(f"#phase-{project.reference}")
    cell.get_by_label(f"Phase for {project.reference}").select_option("next")
    cell.get_by_label(f"Reason for phasing {project.reference}").fill("Wait for the new fleet.")
    cell.get_by_role("button", name="Set").click()
    page.locator(f"#phase-{project.reference} [role=status]").wait_for()
    assert "Next" in page.locator(f"#phase-{project.reference}").inner_text()
    assert "/prioritisation/ranking/" in page.url  # swapped in place, no reload
    assert axe_violations(page) == []


def test_the_change_load_page_flags_overload_and_lists_a_cells_projects(
    page_as, axe_violations, portfolio
):
    page = page_as(Role.VIEWER)
    page.goto("/prioritisation/capacity/")
    assert page.locator(".pmo-heat").get_by_text("Overloaded").count() >= 1
    _shot(page, "prioritisation-capacity")
    assert axe_violations(page) == []
    page.locator(".pmo-heat tbody tr", has_text="Home to School Transport").locator(
        "a"
    ).first.click()
    page.locator("#cell-projects h2").wait_for()
    listed = page.locator("#cell-projects").inner_text()
    assert "Home to School Transport" in listed and "Children's placements sufficiency" in listed
    assert "Moved out of this quarter by phasing" in listed  # the project phased later
    _shot(page, "prioritisation-capacity-cell")
    assert axe_violations(page) == []


def test_the_score_form_shows_errors_per_criterion_accessibly(page_as, axe_violations, portfolio):
    page = page_as(Role.PROJECT_MANAGER)
    project = portfolio[0]
    page.goto(f"/projects/{project.reference}/score/")
    assert axe_violations(page) == []
    page.locator("textarea").first.fill("")
    page.get_by_role("button", name="Submit for moderation").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter the rationale for Alignment with corporate priorities" in summary.inner_text()
    _shot(page, "prioritisation-score-errors")
    assert axe_violations(page) == []


def test_the_model_pages_have_no_accessibility_violations(page_as, axe_violations, portfolio):
    page = page_as(Role.PMO)
    page.goto("/prioritisation/models/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Create a draft from the active version").click()
    page.wait_for_url("**/prioritisation/models/2/")
    page.get_by_label("Impact threshold").fill("80")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/prioritisation/models/2/#preview")
    movers = page.locator("table", has_text="would change range")
    assert "2 projects would change range" in movers.inner_text()
    assert "Digital social care records" in movers.inner_text()
    _shot(page, "prioritisation-model-draft")
    assert axe_violations(page) == []
    page.goto("/prioritisation/models/1/")
    assert axe_violations(page) == []
    page.goto("/prioritisation/calibration/")
    _shot(page, "prioritisation-calibration")
    assert axe_violations(page) == []
    page.goto("/prioritisation/moderation/")
    assert axe_violations(page) == []
