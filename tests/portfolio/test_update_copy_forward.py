"""Copy-forward: a new monthly update starts from the previous one, each
carried value marked until it is changed, and a quiet project's update is one
click ("No change since ..."), still a real submission under the honesty rule."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from pmo.permissions import Role
from portfolio.models import StatusUpdate
from portfolio.selectors import current_period
from tests.portfolio.factories import MilestoneFactory, ProjectFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db

LAST_MONTH = current_period() - relativedelta(months=1)
CARRIED = f"Carried from {LAST_MONTH:%B %Y}"


@pytest.fixture
def own_project(roles):
    return ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])


@pytest.fixture
def last_month(own_project):
    return StatusUpdateFactory(
        project=own_project,
        period=LAST_MONTH,
        delivery_confidence="AR",
        schedule_rag="R",
        progress="Supplier chosen; contract in legal review.",
        next_steps="Sign the contract.",
        path_to_green="Legal review ends on 12 December.",
    )


def no_change(client, project):
    return client.post(f"/projects/{project.reference}/updates/no-change/")


def test_a_new_update_starts_from_last_month_s_values_each_marked_carried(
    client_as, own_project, last_month
):
    response = client_as(Role.PROJECT_MANAGER).get(
        f"/projects/{own_project.reference}/updates/new/"
    )
    form = response.context["form"]
    assert form.initial["delivery_confidence"] == "AR"
    assert form.initial["progress"] == "Supplier chosen; contract in legal review."
    assert "override_justification" not in form.initial
    html = response.content.decode()
    assert html.count(CARRIED) >= 9  # every carried field with a value, and the button
    assert f"No change since {LAST_MONTH:%B %Y}" in html


def test_a_changed_field_loses_its_mark_when_the_form_comes_back_with_errors(
    client_as, own_project, last_month
):
    carried = last_month.carried_values()
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/updates/new/",
        carried
        | {"period": current_period().isoformat(), "progress": "Contract signed."}
        | {"next_steps": ""},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "progress" not in form.carried
    assert form.carried["delivery_confidence"] == CARRIED
    assert not StatusUpdate.objects.filter(period=current_period()).exists()


def test_no_change_submits_last_month_s_values_as_this_user_s_update(
    client_as, roles, own_project, last_month
):
    response = no_change(client_as(Role.PROJECT_MANAGER), own_project)
    assert response.status_code == 302
    assert response.url == f"/projects/{own_project.reference}/?tab=updates#updates"
    update = StatusUpdate.objects.get(project=own_project, period=current_period())
    assert update.carried_values() == last_month.carried_values()
    assert (update.submitted_by, update.no_change, update.is_latest) == (
        roles[Role.PROJECT_MANAGER],
        True,
        True,
    )
    assert update.history.get().history_change_reason == (
        f"Update for {current_period():%B %Y} submitted: no change confirmed"
    )
    last_month.refresh_from_db()
    assert not last_month.is_latest


def test_no_change_on_a_carried_green_with_an_overdue_milestone_is_refused(client_as, own_project):
    StatusUpdateFactory(project=own_project, period=LAST_MONTH, delivery_confidence="G")
    MilestoneFactory(
        project=own_project, forecast_date=datetime.date.today() - datetime.timedelta(days=3)
    )
    response = no_change(client_as(Role.PROJECT_MANAGER), own_project)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Green cannot be reported while" in html
    # The form is there to choose a lower rating, with the carried values in it.
    assert response.context["form"]["delivery_confidence"].value() == "G"
    assert not StatusUpdate.objects.filter(period=current_period()).exists()


def test_no_change_without_an_earlier_update_says_to_complete_the_form(client_as, own_project):
    response = no_change(client_as(Role.PROJECT_MANAGER), own_project)
    assert response.status_code == 200
    assert "There is no earlier update to carry forward" in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_no_change_twice_in_a_month_is_refused_and_keeps_one_update(
    client_as, own_project, last_month
):
    client = client_as(Role.PROJECT_MANAGER)
    no_change(client, own_project)
    response = no_change(client, own_project)
    assert response.status_code == 200
    assert "has already been submitted" in response.content.decode()
    assert StatusUpdate.objects.filter(project=own_project, period=current_period()).count() == 1


def test_no_change_is_not_offered_once_this_month_is_in(client_as, own_project, last_month):
    client = client_as(Role.PROJECT_MANAGER)
    no_change(client, own_project)
    response = client.get(f"/projects/{own_project.reference}/updates/new/")
    assert "No change since" not in response.content.decode()


def test_no_change_is_refused_on_another_manager_s_project(client_as, last_month):
    project = ProjectFactory()
    StatusUpdateFactory(project=project, period=LAST_MONTH)
    response = no_change(client_as(Role.PROJECT_MANAGER), project)
    assert response.status_code == 403
    assert not StatusUpdate.objects.filter(project=project, period=current_period()).exists()


def test_the_updates_tab_says_the_update_was_confirmed_as_no_change(
    client_as, own_project, last_month
):
    client = client_as(Role.PROJECT_MANAGER)
    no_change(client, own_project)
    response = client.get(f"/projects/{own_project.reference}/?tab=updates")
    assert "confirmed as no change since the previous update" in response.content.decode()
