import datetime

import pytest
from django.utils import timezone

from pmo.permissions import Role
from portfolio.selectors import current_period
from tests.portfolio.factories import MilestoneFactory, ProjectFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db


def test_a_pm_sees_their_projects_and_what_is_due_this_month(client_as, roles):
    pm = roles[Role.PROJECT_MANAGER]
    due = ProjectFactory(title="Due one", project_manager=pm)
    done = ProjectFactory(title="Done one", project_manager=pm)
    StatusUpdateFactory(project=done, period=current_period())
    ProjectFactory(title="Someone else's")
    MilestoneFactory(
        project=done,
        title="Late thing",
        forecast_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    response = client_as(Role.PROJECT_MANAGER).get("/my/")
    html = response.content.decode()
    assert [p.title for p in response.context["projects"]] == ["Due one", "Done one"]
    assert list(response.context["updates_due"]) == [due]
    assert f'href="/projects/{due.reference}/updates/new/"' in html
    assert "Late thing" in html
    assert "Someone else" not in html
