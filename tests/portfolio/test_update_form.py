import datetime

import pytest

from pmo.permissions import Role
from portfolio.models import StatusUpdate
from portfolio.selectors import current_period
from tests.portfolio.factories import MilestoneFactory, ProjectFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db


def form(**overrides):
    return {
        "period": current_period().isoformat(),
        "delivery_confidence": "G",
        "schedule_rag": "G",
        "cost_rag": "G",
        "benefits_rag": "G",
        "resources_rag": "G",
        "risk_rag": "G",
        "progress": "Pilot went live.",
        "next_steps": "Roll out to the east locality.",
    } | overrides


@pytest.fixture
def own_project(roles):
    return ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])


def test_a_pm_submits_the_monthly_update_for_their_project(client_as, own_project):
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/updates/new/", form()
    )
    assert response.status_code == 302
    assert response.url == f"/projects/{own_project.reference}/?tab=updates#updates"
    update = StatusUpdate.objects.get(project=own_project)
    assert (update.period, update.delivery_confidence) == (current_period(), "G")


def test_it_refuses_a_pm_posting_to_another_managers_project(client_as):
    project = ProjectFactory()
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{project.reference}/updates/new/", form()
    )
    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()


def test_it_refuses_green_with_overdue_milestone(client_as, own_project):
    MilestoneFactory(
        project=own_project, forecast_date=datetime.date.today() - datetime.timedelta(days=3)
    )
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/updates/new/", form(progress="Kept this text")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_override_justification">Green cannot be reported while 1 milestone' in html
    assert "Kept this text" in html
    assert not StatusUpdate.objects.exists()


def test_it_shows_the_one_update_per_month_error_in_the_summary(client_as, own_project):
    StatusUpdateFactory(project=own_project, period=current_period())
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/updates/new/", form()
    )
    html = response.content.decode()
    assert f'<a href="#id_period">An update for {current_period():%B %Y} has already' in html
    assert StatusUpdate.objects.count() == 1


def test_it_asks_for_a_path_to_green_when_not_green(client_as, own_project):
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/updates/new/", form(delivery_confidence="A")
    )
    assert 'href="#id_path_to_green">Enter the path to green' in response.content.decode()


def test_it_warns_before_the_pm_chooses_a_rating(client_as, own_project):
    MilestoneFactory(
        project=own_project, forecast_date=datetime.date.today() - datetime.timedelta(days=3)
    )
    response = client_as(Role.PROJECT_MANAGER).get(
        f"/projects/{own_project.reference}/updates/new/"
    )
    assert "This project has 1 overdue milestone" in response.content.decode()


def test_a_field_refused_by_the_service_is_styled_as_in_error(client_as, own_project):
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/updates/new/", form(delivery_confidence="R")
    )
    html = response.content.decode()
    assert 'class="govuk-textarea govuk-textarea--error"' in html
    assert 'aria-describedby="id_path_to_green-hint id_path_to_green-error"' in html


def test_a_red_update_asks_for_its_response_to_red_in_the_error_summary(client_as, own_project):
    red = form(delivery_confidence="R", path_to_green="Re-tender by January.")
    page = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/updates/new/", red | {"red_review_date": "31/02/2027"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    assert "Enter the re-review date as a real date" in html
    page = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/updates/new/", red
    )
    html = page.content.decode()
    owner_error = "Enter who owns the Response to Red: the rating is Red"
    assert f'<a href="#id_red_owner">{owner_error}</a>' in html
    assert "Enter the date the Red rating will be reviewed again" in html
    assert not StatusUpdate.objects.exists()
    next_month = (current_period() + datetime.timedelta(days=40)).isoformat()
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/updates/new/",
        red | {"red_owner": "Head of Digital", "red_review_date": next_month},
    )
    assert response.status_code == 302
    update = StatusUpdate.objects.get()
    assert (update.red_owner, update.red_review_date.isoformat()) == ("Head of Digital", next_month)
