"""The import saves projects through portfolio.services, so an imported row
follows the form's rules: the next reference, a version bump, history, and
no Delivery without an approved gate 1 nor Closed without gate 3."""

import pytest

from pmo.permissions import Role
from portfolio import import_mapping, imports
from portfolio.models import Project, Stage, StageOverride
from tests.portfolio.factories import DirectorateFactory, GateDecisionFactory, ProjectFactory
from tests.portfolio.import_files import csv_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def pmo(roles):
    DirectorateFactory(name="Place")
    return roles[Role.PMO]


def run(rows, user, commit=True):
    upload = import_mapping.read_upload("register.csv", csv_file(rows))
    return imports.run_import(upload, user=user, commit=commit)


def errors_of(outcome):
    return [(e.row, e.column, e.message) for e in outcome.errors]


def test_a_new_project_takes_the_next_reference_after_the_register_s(pmo):
    existing = ProjectFactory()
    outcome = run([["Title", "Directorate"], ["Libraries", "Place"]], pmo)
    assert errors_of(outcome) == []
    project = Project.objects.get(title="Libraries")
    assert project.number == existing.number + 1
    assert project.reference == Project.reference_for(existing.number + 1)
    assert project.created_by == pmo
    record = project.history.get()
    assert (record.history_user, record.history_change_reason) == (pmo, "Project created")


def test_a_project_already_in_delivery_is_taken_in_with_a_recorded_gate_override(pmo):
    outcome = run([["Title", "Directorate", "Stage"], ["Libraries", "Place", "Delivery"]], pmo)
    assert errors_of(outcome) == []
    override = StageOverride.objects.get()
    assert (override.project.title, override.stage, override.missing_gate) == (
        "Libraries",
        Stage.DELIVERY,
        1,
    )
    assert override.reason == "Already at Delivery when imported from register.csv"
    assert override.overridden_by == pmo


def test_an_update_bumps_the_version_and_records_who_changed_what(pmo):
    project = ProjectFactory(title="Libraries")
    outcome = run([["Reference", "Title"], [project.reference, "Libraries and archives"]], pmo)
    assert errors_of(outcome) == []
    project.refresh_from_db()
    assert (project.title, project.version, project.updated_by) == (
        "Libraries and archives",
        2,
        pmo,
    )
    latest = project.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (pmo, "Project edited")


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        ("Delivery", "cannot move to Delivery without an approved gate 1 (business case)"),
        (
            "Closed",
            "cannot move to Closed without an approved gate 3 (closure and handover to BAU)",
        ),
    ],
)
def test_moving_a_project_past_a_gate_it_has_not_passed_is_a_row_error(pmo, stage, message):
    project = ProjectFactory(title="Libraries", stage=Stage.BUSINESS_CASE)
    other = ProjectFactory(title="Parks")
    outcome = run(
        [
            ["Reference", "Title", "Stage"],
            [other.reference, "Parks renamed", ""],
            [project.reference, "Libraries renamed", stage],
        ],
        pmo,
    )
    assert errors_of(outcome) == [
        (3, "Stage", f"A project {message}: record the gate decision on the project page first")
    ]
    # Nothing is written, not even the good row.
    project.refresh_from_db()
    other.refresh_from_db()
    assert (project.stage, project.title, project.version) == (
        Stage.BUSINESS_CASE,
        "Libraries",
        1,
    )
    assert other.title == "Parks"
    assert not StageOverride.objects.exists()


def test_a_project_with_an_approved_gate_1_moves_into_delivery(pmo):
    project = ProjectFactory(stage=Stage.BUSINESS_CASE)
    GateDecisionFactory(project=project, gate=1, decision="approved")
    outcome = run([["Reference", "Stage"], [project.reference, "Delivery"]], pmo)
    assert errors_of(outcome) == []
    project.refresh_from_db()
    assert project.stage == Stage.DELIVERY
    assert not StageOverride.objects.exists()
    assert project.history.latest().history_change_reason == (
        "Stage changed from Business case to Delivery"
    )


def test_a_preview_runs_the_same_rules_and_writes_nothing(pmo):
    project = ProjectFactory(stage=Stage.DISCOVERY)
    outcome = run([["Reference", "Stage"], [project.reference, "Closed"]], pmo, commit=False)
    assert [column for _, column, _ in errors_of(outcome)] == ["Stage"]
    outcome = run([["Title", "Directorate"], ["Libraries", "Place"]], pmo, commit=False)
    assert errors_of(outcome) == [] and not outcome.committed
    assert Project.objects.count() == 1
