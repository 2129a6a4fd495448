"""In Chromium: a project manager with a quiet month submits the update in two
clicks from the project's Updates tab, and a carried value's mark goes as
soon as it is changed."""

from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta

from pmo.permissions import Role
from portfolio.models import StatusUpdate
from portfolio.selectors import current_period
from tests.portfolio.factories import ProjectFactory, StatusUpdateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAST_MONTH = current_period() - relativedelta(months=1)


@pytest.fixture
def quiet_project(roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER], title="Quiet project")
    StatusUpdateFactory(project=project, period=LAST_MONTH, progress="Steady progress.")
    return project


def test_a_pm_submits_a_no_change_update_in_two_clicks(
    page_as, axe_violations, roles, quiet_project
):
    page = page_as(Role.PROJECT_MANAGER)
    page.goto(f"/projects/{quiet_project.reference}/?tab=updates")

    page.click(f"a:has-text('Submit the update for {current_period():%B %Y}')")
    assert page.locator("[data-carried-mark]").first.inner_text() == (
        f"Carried from {LAST_MONTH:%B %Y}"
    )
    assert axe_violations(page) == []
    Path("test-results").mkdir(exist_ok=True)
    page.screenshot(path="test-results/copy-forward-form.png", full_page=True)
    page.click(f"button:has-text('No change since {LAST_MONTH:%B %Y}')")

    page.wait_for_url(f"**/projects/{quiet_project.reference}/?tab=updates#updates")
    assert (
        "no change since the previous update"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    update = StatusUpdate.objects.get(project=quiet_project, period=current_period())
    assert (update.submitted_by, update.no_change, update.progress) == (
        roles[Role.PROJECT_MANAGER],
        True,
        "Steady progress.",
    )


def test_a_carried_value_loses_its_mark_once_changed(page_as, quiet_project):
    page = page_as(Role.PROJECT_MANAGER)
    page.goto(f"/projects/{quiet_project.reference}/updates/new/")
    progress_mark = page.locator("label[for='id_progress'] [data-carried-mark]")
    assert progress_mark.count() == 1
    page.fill("#id_progress", "Contract signed.")
    assert progress_mark.count() == 0
    assert page.locator("label[for='id_next_steps'] [data-carried-mark]").count() == 1
