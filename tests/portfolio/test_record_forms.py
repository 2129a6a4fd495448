import pytest

from pmo.permissions import Role
from portfolio import services
from portfolio.models import Dependency, GateDecision, Milestone, Risk
from tests.portfolio.factories import MilestoneFactory, ProjectFactory, RiskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_project(roles):
    return ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])


def risk(**overrides):
    return {"title": "Supplier capacity", "likelihood": "4", "impact": "4", "status": "open"} | (
        overrides
    )


def test_a_pm_adds_a_risk_to_their_project(client_as, own_project):
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/risks/new/", risk(escalated="on")
    )
    assert response.url == f"/projects/{own_project.reference}/?tab=raid#raid"
    saved = Risk.objects.get(project=own_project)
    assert (saved.score, saved.escalated) == (16, True)
    assert saved.history.latest().history_change_reason == "Risk added"


def test_a_score_out_of_range_is_refused_with_a_clear_message(client_as, own_project):
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/risks/new/", risk(likelihood="6")
    )
    html = response.content.decode()
    assert '<a href="#id_likelihood">Likelihood must be a whole number from 1 to 5</a>' in html
    assert not Risk.objects.exists()


def test_an_unknown_owner_is_refused(client_as, own_project):
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/risks/new/", risk(owner="424242")
    )
    assert '<a href="#id_owner">Select a person from the list' in response.content.decode()
    assert not Risk.objects.exists()


def test_a_pm_cannot_edit_a_risk_on_another_project(client_as):
    other = RiskFactory(title="Theirs")
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{other.project.reference}/risks/{other.pk}/edit/", risk()
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.title == "Theirs"


def test_a_record_of_another_project_is_not_found_through_this_one(client_as, own_project):
    other = MilestoneFactory()
    response = client_as(Role.PMO).get(
        f"/projects/{own_project.reference}/milestones/{other.pk}/edit/"
    )
    assert response.status_code == 404


def test_achieving_a_milestone_is_recorded_in_history(client_as, own_project):
    milestone = MilestoneFactory(project=own_project, title="Go live")
    client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/milestones/{milestone.pk}/edit/",
        {
            "title": "Go live",
            "baseline_date": "2026-06-01",
            "forecast_date": "2026-06-15",
            "actual_date": "2026-06-20",
        },
    )
    milestone.refresh_from_db()
    assert milestone.slippage_days == 19
    assert milestone.history.latest().history_change_reason == "Milestone achieved"
    assert Milestone.objects.count() == 1


def test_a_dependency_is_shown_on_both_projects(client_as, own_project):
    other = ProjectFactory(title="Data platform")
    client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/dependencies/new/",
        {"kind": "blocks", "target": other.pk, "description": "Shares the platform"},
    )
    assert Dependency.objects.get().target == other
    source_page = client_as(Role.VIEWER).get(f"/projects/{own_project.reference}/?tab=dependencies")
    target_page = client_as(Role.VIEWER).get(f"/projects/{other.reference}/tabs/dependencies/")
    assert f"{other.reference} Data platform" in source_page.content.decode()
    assert "Blocked by" in target_page.content.decode()
    assert own_project.reference in target_page.content.decode()


def test_a_duplicate_dependency_is_refused(client_as, own_project):
    other = ProjectFactory()
    data = {"kind": "blocks", "target": other.pk}
    client_as(Role.PMO).post(f"/projects/{own_project.reference}/dependencies/new/", data)
    response = client_as(Role.PMO).post(
        f"/projects/{own_project.reference}/dependencies/new/", data
    )
    assert "This dependency is already recorded" in response.content.decode()
    assert Dependency.objects.count() == 1


def test_only_pmo_records_gates(client_as, own_project):
    data = {"gate": "1", "decision": "approved", "board": "Board", "decided_on": "2026-10-01"}
    refused = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/gates/new/", data
    )
    assert refused.status_code == 403
    client_as(Role.PMO).post(f"/projects/{own_project.reference}/gates/new/", data)
    gate = GateDecision.objects.get()
    assert gate.is_approval


def test_a_past_gate_needs_its_decision(client_as, own_project):
    response = client_as(Role.PMO).post(
        f"/projects/{own_project.reference}/gates/new/",
        {"gate": "2", "decision": "", "board": "Board", "decided_on": "2025-01-01"},
    )
    assert "Enter the board&#x27;s decision for a gate already held" in response.content.decode()
    assert not GateDecision.objects.exists()


def test_a_stale_risk_edit_shows_a_conflict_and_keeps_the_input(client_as, own_project, roles):
    original = RiskFactory(project=own_project, title="Original")
    opened_at = original.history.latest().history_id
    services.record_update(instance=original, user=roles[Role.PMO], title="Changed by PMO")
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/risks/{original.pk}/edit/",
        risk(title="My stale edit", seen=str(opened_at)),
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else" in html and "changed this risk while you were editing it" in html
    assert 'value="My stale edit"' in html
    assert f'name="seen" value="{services.history_marker(original)}"' in html
    original.refresh_from_db()
    assert original.title == "Changed by PMO"


def test_a_risk_edit_from_the_current_version_saves(client_as, own_project):
    original = RiskFactory(project=own_project)
    marker = services.history_marker(original)
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/risks/{original.pk}/edit/",
        risk(title="Renamed", seen=str(marker)),
    )
    assert response.status_code == 302
    original.refresh_from_db()
    assert original.title == "Renamed"
