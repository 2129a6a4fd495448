import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from pmo.permissions import Role
from portfolio import services
from portfolio.models import Project, Stage, StageOverride
from tests.portfolio.factories import DirectorateFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_it_gives_the_first_project_reference_tp_0001(roles):
    project = services.project_create(
        user=roles[Role.PMO], title="Channel shift", lead_directorate=DirectorateFactory()
    )
    assert project.reference == "TP-0001"
    assert project.created_by == roles[Role.PMO]


def test_it_numbers_after_the_highest_existing_project(roles):
    ProjectFactory(number=41)
    project = services.project_create(
        user=roles[Role.PMO], title="Next", lead_directorate=DirectorateFactory()
    )
    assert project.reference == "TP-0042"


def test_it_retries_with_a_fresh_number_when_another_create_takes_it(roles, monkeypatch):
    ProjectFactory(number=7)
    numbers = iter([7, 8])  # the first read is stale: 7 was taken meanwhile
    monkeypatch.setattr(services, "_next_number", lambda: next(numbers))
    project = services.project_create(
        user=roles[Role.PMO], title="Raced", lead_directorate=DirectorateFactory()
    )
    assert project.reference == "TP-0008"


def test_it_gives_up_after_repeated_clashes(roles, monkeypatch):
    ProjectFactory(number=7)
    monkeypatch.setattr(services, "_next_number", lambda: 7)
    with pytest.raises(IntegrityError):
        services.project_create(
            user=roles[Role.PMO], title="Raced", lead_directorate=DirectorateFactory()
        )
    assert Project.objects.count() == 1


def test_the_reference_never_changes_when_the_project_is_edited(roles):
    project = services.project_create(
        user=roles[Role.PMO], title="Old", lead_directorate=DirectorateFactory()
    )
    services.project_update(project=project, user=roles[Role.PMO], version=1, title="New")
    project.refresh_from_db()
    assert (project.reference, project.title) == ("TP-0001", "New")


def test_it_refuses_an_end_before_the_start(roles):
    import datetime

    with pytest.raises(ValidationError) as error:
        services.project_create(
            user=roles[Role.PMO],
            title="Backwards",
            lead_directorate=DirectorateFactory(),
            planned_start=datetime.date(2027, 1, 1),
            planned_end=datetime.date(2026, 1, 1),
        )
    assert "planned_end" in error.value.message_dict
    assert not Project.objects.exists()


def test_a_new_project_in_delivery_is_told_to_start_earlier_not_to_record_a_gate_first(roles):
    # A gate decision needs a project to record it on.
    with pytest.raises(ValidationError) as error:
        services.project_create(
            user=roles[Role.PMO],
            title="Straight to delivery",
            lead_directorate=DirectorateFactory(),
            stage=Stage.DELIVERY,
        )
    [message] = error.value.message_dict["gate_override_reason"]
    assert "Create it at an earlier stage and record gate 1 on its Gates tab" in message
    assert not Project.objects.exists()
    assert "Record the gate decision first" not in message


def test_pmo_can_create_a_project_in_delivery_with_a_recorded_override(roles):
    project = services.project_create(
        user=roles[Role.PMO],
        title="Inherited programme",
        lead_directorate=DirectorateFactory(),
        stage=Stage.DELIVERY,
        gate_override_reason="Transferred from the county council already in delivery.",
    )
    override = StageOverride.objects.get(project=project)
    assert (override.missing_gate, override.overridden_by) == (1, roles[Role.PMO])
