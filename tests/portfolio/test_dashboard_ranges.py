"""The dashboard counts projects by prioritisation range and shows each
Red or Amber/Red project's range."""

import pytest

from pmo.permissions import Role
from portfolio.selectors import current_period
from prioritisation.models import ScoringModel
from tests.portfolio.factories import ProjectFactory, StatusUpdateFactory
from tests.prioritisation.factories import score

pytestmark = pytest.mark.django_db


def test_it_counts_projects_in_each_range_of_the_active_model(client_as):
    for _ in range(2):
        score(ProjectFactory(), impact=5, risk=5)
    score(ProjectFactory(), impact=1, risk=1)
    score(ProjectFactory(), impact=5, risk=5, moderate=False)  # drafts do not count
    response = client_as(Role.CLT).get("/")
    counts = {info.label: n for info, n in response.context["range_counts"]}
    assert counts == {
        "Tier 1: Major corporate": 2,
        "Tier 2: Strategic priority": 0,
        "Tier 3: Service-led": 1,
        "Tier 4: Review or phase later": 0,
    }
    html = response.content.decode()
    assert "Projects by prioritisation range" in html
    assert 'href="/projects/?range=1"' in html


def test_without_an_active_model_it_says_so_instead_of_counting(client_as):
    ScoringModel.objects.update(status="retired")
    response = client_as(Role.CLT).get("/")
    assert response.context["range_counts"] == []
    assert "No scoring model is active" in response.content.decode()


def test_the_red_and_amber_red_list_shows_each_project_s_range(client_as):
    red = ProjectFactory(title="Transport")
    StatusUpdateFactory(project=red, period=current_period(), delivery_confidence="R")
    score(red, impact=5, risk=5)
    amber_red = ProjectFactory(title="Unscored")
    StatusUpdateFactory(project=amber_red, period=current_period(), delivery_confidence="AR")
    response = client_as(Role.CLT).get("/")
    ranges = {p.title: p.range and p.range.label for p in response.context["red_projects"]}
    assert ranges == {"Transport": "Tier 1: Major corporate", "Unscored": None}
    html = response.content.decode()
    assert "Tier 1: Major corporate</strong>" in html
    assert "Not scored</strong>" in html
