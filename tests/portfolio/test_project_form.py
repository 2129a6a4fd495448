import pytest

from pmo.permissions import Role
from portfolio import services
from portfolio.models import Project
from tests.portfolio.factories import DirectorateFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def fields(project=None, **overrides):
    directorate = project.lead_directorate if project else DirectorateFactory()
    return {
        "title": "Family hubs",
        "lead_directorate": directorate.pk,
        "stage": "idea",
        "project_type": "transformation",
        "delivery_approach": "traditional",
        "capital_investment": "0",
        "revenue_investment": "250000.50",
    } | overrides


def test_pmo_adds_a_project_and_lands_on_its_page(client_as):
    response = client_as(Role.PMO).post("/projects/new/", fields())
    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == f"/projects/{project.reference}/"
    assert str(project.revenue_investment) == "250000.50"


def test_a_pm_cannot_add_a_project(client_as):
    response = client_as(Role.PROJECT_MANAGER).post("/projects/new/", fields())
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_end_before_start_is_shown_in_the_error_summary(client_as):
    response = client_as(Role.PMO).post(
        "/projects/new/", fields(planned_start="2027-01-01", planned_end="2026-06-30")
    )
    html = response.content.decode()
    assert "There is a problem" in html
    assert (
        '<a href="#id_planned_end">Planned end must be the same as or after the planned start</a>'
        in html
    )
    assert not Project.objects.exists()


def test_an_unknown_person_is_refused(client_as):
    response = client_as(Role.PMO).post("/projects/new/", fields(sponsor="999999"))
    assert "Select a person from the list" in response.content.decode()
    assert not Project.objects.exists()


def test_a_stale_edit_shows_a_conflict_and_keeps_the_users_input(client_as, roles):
    project = ProjectFactory(title="Original", version=1)
    services.project_update(project=project, user=roles[Role.PMO], version=1, title="Theirs")
    response = client_as(Role.PMO).post(
        f"/projects/{project.reference}/edit/",
        fields(project, title="Mine", version="1", stage="delivery"),
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this project" in html
    assert 'value="Mine"' in html
    assert 'name="version" value="2"' in html
    project.refresh_from_db()
    assert project.title == "Theirs"


def test_saving_again_after_a_conflict_is_a_deliberate_overwrite(client_as, roles):
    project = ProjectFactory(version=2)
    response = client_as(Role.PMO).post(
        f"/projects/{project.reference}/edit/",
        fields(project, title="Mine", version="2", stage="delivery"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.version) == ("Mine", 3)


def test_moving_to_delivery_without_gate_1_asks_pmo_for_an_override_reason(client_as):
    project = ProjectFactory(stage="business_case")
    response = client_as(Role.PMO).post(
        f"/projects/{project.reference}/edit/", fields(project, stage="delivery", version="1")
    )
    html = response.content.decode()
    assert 'href="#id_gate_override_reason">A project cannot move to Delivery without' in html
    project.refresh_from_db()
    assert project.stage == "business_case"


def test_an_external_id_is_kept_and_another_projects_id_is_refused_against_its_field(client_as):
    ProjectFactory(number=1, reference="TP-0001", external_id="FIN-204")
    pmo = client_as(Role.PMO)

    refused = pmo.post("/projects/new/", fields(external_id="fin-204"))

    assert '<a href="#id_external_id">TP-0001 already has the external id fin-204</a>' in (
        refused.content.decode()
    )
    assert Project.objects.count() == 1
    pmo.post("/projects/new/", fields(external_id="FIN-205"))
    project = Project.objects.get(external_id="FIN-205")
    page = pmo.get(f"/projects/{project.reference}/").content.decode()
    assert 'External id</dt><dd class="govuk-summary-list__value">FIN-205</dd>' in page
