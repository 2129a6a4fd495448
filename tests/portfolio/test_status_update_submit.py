import datetime

import pytest
from django.core.exceptions import ValidationError

from pmo.permissions import Role
from portfolio import services
from portfolio.models import RaidStatus, StatusUpdate
from tests.portfolio.factories import (
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    StatusUpdateFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)
NOVEMBER = datetime.date(2026, 11, 1)


def submit(project, user, **overrides):
    fields = {
        "period": NOVEMBER,
        "delivery_confidence": "G",
        "schedule_rag": "G",
        "cost_rag": "G",
        "benefits_rag": "G",
        "resources_rag": "G",
        "risk_rag": "G",
        "progress": "On track.",
        "next_steps": "Carry on.",
    }
    return services.status_update_submit(
        project=project, user=user, today=TODAY, **(fields | overrides)
    )


def test_it_accepts_green_when_nothing_is_overdue_or_severe(roles):
    project = ProjectFactory()
    MilestoneFactory(project=project, forecast_date=datetime.date(2027, 1, 1))
    RiskFactory(project=project, likelihood=3, impact=4)  # 12: below the line
    update = submit(project, roles[Role.PROJECT_MANAGER])
    assert (update.delivery_confidence, update.honesty_override) == ("G", False)
    assert update.submitted_by == roles[Role.PROJECT_MANAGER]


def test_it_refuses_green_with_an_overdue_milestone(roles):
    project = ProjectFactory()
    MilestoneFactory(project=project, forecast_date=datetime.date(2026, 11, 1))
    with pytest.raises(ValidationError) as error:
        submit(project, roles[Role.PROJECT_MANAGER])
    assert error.value.message_dict["override_justification"] == [
        "Green cannot be reported while 1 milestone is overdue. "
        "Choose a lower rating, or explain why it is still honest"
    ]
    assert not StatusUpdate.objects.exists()


def test_it_refuses_amber_green_with_an_open_risk_scored_15(roles):
    project = ProjectFactory()
    RiskFactory(project=project, likelihood=5, impact=3)
    with pytest.raises(ValidationError) as error:
        submit(project, roles[Role.PMO], delivery_confidence="AG", path_to_green="Soon.")
    assert "1 open risk or issue scored 15 or more" in str(error.value)


def test_it_refuses_green_with_an_open_issue_of_impact_3(roles):
    project = ProjectFactory()
    IssueFactory(project=project, impact=3)  # an issue scores 5 x impact = 15
    with pytest.raises(ValidationError):
        submit(project, roles[Role.PMO])


def test_closed_risks_and_achieved_milestones_do_not_count(roles):
    project = ProjectFactory()
    RiskFactory(project=project, likelihood=5, impact=5, status=RaidStatus.CLOSED)
    MilestoneFactory(
        project=project,
        forecast_date=datetime.date(2026, 10, 1),
        actual_date=datetime.date(2026, 10, 3),
    )
    assert submit(project, roles[Role.PMO]).honesty_override is False


def test_a_written_justification_overrides_the_rule_and_is_flagged(roles):
    project = ProjectFactory()
    MilestoneFactory(project=project, forecast_date=datetime.date(2026, 11, 1))
    update = submit(
        project,
        roles[Role.PROJECT_MANAGER],
        override_justification="The milestone was moved by Cabinet; delivery is on plan.",
    )
    assert update.honesty_override is True
    assert update.override_justification.startswith("The milestone was moved")
    assert update.history.latest().history_change_reason.startswith("Honesty rule overridden")


def test_amber_is_accepted_despite_problems_without_a_justification(roles):
    project = ProjectFactory()
    MilestoneFactory(project=project, forecast_date=datetime.date(2026, 11, 1))
    update = submit(project, roles[Role.PMO], delivery_confidence="A", path_to_green="Re-plan.")
    assert update.honesty_override is False


def test_a_justification_without_a_problem_is_not_an_override(roles):
    update = submit(ProjectFactory(), roles[Role.PMO], override_justification="Just in case")
    assert (update.honesty_override, update.override_justification) == (False, "")


def test_it_needs_a_path_to_green_unless_green(roles):
    with pytest.raises(ValidationError) as error:
        submit(ProjectFactory(), roles[Role.PMO], delivery_confidence="AR")
    assert "path_to_green" in error.value.message_dict


def test_it_refuses_a_second_update_for_the_same_month(roles):
    project = ProjectFactory()
    StatusUpdateFactory(project=project, period=NOVEMBER)
    with pytest.raises(ValidationError) as error:
        submit(project, roles[Role.PMO])
    assert error.value.message_dict["period"] == [
        f"An update for November 2026 has already been submitted for {project.reference}. "
        "There is one update per month"
    ]
    assert StatusUpdate.objects.count() == 1


def test_it_files_any_day_of_the_month_under_the_month(roles):
    update = submit(ProjectFactory(), roles[Role.PMO], period=datetime.date(2026, 11, 17))
    assert update.period == NOVEMBER


def test_on_the_three_point_scale_amber_green_is_not_a_rating(roles, settings):
    settings.PMO_RAG_SCALE = "3"
    with pytest.raises(ValidationError) as error:
        submit(ProjectFactory(), roles[Role.PMO], delivery_confidence="AG", path_to_green="x")
    assert error.value.message_dict["delivery_confidence"] == [
        "Choose a delivery confidence from the scale"
    ]
