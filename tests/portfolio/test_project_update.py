import datetime

import pytest
from django.core.exceptions import ValidationError

from pmo.permissions import Role
from portfolio import services
from portfolio.models import Stage, StageOverride
from tests.portfolio.factories import GateDecisionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_it_bumps_the_version_and_records_who_edited(roles):
    project = ProjectFactory(version=3)
    services.project_update(project=project, user=roles[Role.PMO], version=3, title="Renamed")
    project.refresh_from_db()
    assert (project.version, project.updated_by) == (4, roles[Role.PMO])


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(roles):
    project = ProjectFactory(title="Theirs", version=1)
    services.project_update(project=project, user=roles[Role.PMO], version=1, title="First save")
    with pytest.raises(services.EditConflict) as conflict:
        services.project_update(project=project, user=roles[Role.PMO], version=1, title="Stale")
    project.refresh_from_db()
    assert project.title == "First save"
    assert conflict.value.current_version == 2


def test_it_refuses_delivery_without_an_approved_gate_1(roles):
    project = ProjectFactory(stage=Stage.BUSINESS_CASE)
    GateDecisionFactory(project=project, gate=1, decision="deferred")
    with pytest.raises(ValidationError) as error:
        services.project_update(
            project=project, user=roles[Role.PMO], version=1, stage=Stage.DELIVERY
        )
    assert "cannot move to Delivery without an approved gate 1" in str(error.value)
    project.refresh_from_db()
    assert (project.stage, project.version) == (Stage.BUSINESS_CASE, 1)


def test_it_allows_delivery_after_gate_1_is_approved_with_conditions(roles):
    project = ProjectFactory(stage=Stage.BUSINESS_CASE)
    GateDecisionFactory(project=project, gate=1, decision="conditions")
    services.project_update(project=project, user=roles[Role.PMO], version=1, stage=Stage.DELIVERY)
    project.refresh_from_db()
    assert project.stage == Stage.DELIVERY


def test_it_refuses_closed_without_an_approved_gate_3(roles):
    project = ProjectFactory(stage=Stage.TRANSITION)
    with pytest.raises(ValidationError):
        services.project_update(
            project=project, user=roles[Role.PMO], version=1, stage=Stage.CLOSED
        )


def test_pmo_override_of_a_gate_is_recorded_with_its_reason_in_history(roles):
    project = ProjectFactory(stage=Stage.TRANSITION)
    services.project_update(
        project=project,
        user=roles[Role.PMO],
        version=1,
        stage=Stage.CLOSED,
        gate_override_reason="Closure board cancelled; CLT signed off by email.",
    )
    project.refresh_from_db()
    assert project.stage == Stage.CLOSED
    override = StageOverride.objects.get(project=project)
    assert (override.missing_gate, override.reason) == (
        3,
        "Closure board cancelled; CLT signed off by email.",
    )
    latest = project.history.latest()
    assert "gate 3 overridden by PMO" in latest.history_change_reason


def test_a_project_manager_cannot_override_a_gate(roles):
    project = ProjectFactory(stage=Stage.BUSINESS_CASE)
    with pytest.raises(ValidationError) as error:
        services.project_update(
            project=project,
            user=roles[Role.PROJECT_MANAGER],
            version=1,
            stage=Stage.DELIVERY,
            gate_override_reason="Please",
        )
    assert "stage" in error.value.message_dict
    assert not StageOverride.objects.exists()


def test_pausing_needs_a_reason(roles):
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        services.project_update(
            project=project, user=roles[Role.PMO], version=1, stage=Stage.PAUSED
        )
    assert error.value.message_dict["stage_reason"] == ["Enter why the project is paused"]


def test_stopping_with_a_reason_puts_the_reason_in_history(roles):
    project = ProjectFactory()
    services.project_update(
        project=project,
        user=roles[Role.PMO],
        version=1,
        stage=Stage.STOPPED,
        stage_reason="Funding withdrawn at budget setting.",
    )
    reason = project.history.latest().history_change_reason
    assert reason == "Stage changed from Delivery to Stopped: Funding withdrawn at budget setting."


def test_forecast_end_before_start_is_refused(roles):
    project = ProjectFactory(planned_start=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.project_update(
            project=project,
            user=roles[Role.PMO],
            version=1,
            forecast_end=datetime.date(2025, 12, 1),
        )
    assert "forecast_end" in error.value.message_dict
