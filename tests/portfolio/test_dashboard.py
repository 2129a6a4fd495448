import datetime

import pytest
from django.utils import timezone

from pmo.permissions import Role
from portfolio.models import Stage
from portfolio.selectors import current_period
from tests.portfolio.factories import (
    GateDecisionFactory,
    MilestoneFactory,
    ProjectFactory,
    StatusUpdateFactory,
)

pytestmark = pytest.mark.django_db


def test_it_lists_red_and_amber_red_projects_with_their_path_to_green(client_as):
    red = ProjectFactory(title="Transport")
    StatusUpdateFactory(
        project=red, period=current_period(), delivery_confidence="R", path_to_green="Re-tender"
    )
    recovered = ProjectFactory(title="Recovered")
    StatusUpdateFactory(
        project=recovered, period=datetime.date(2025, 1, 1), delivery_confidence="R"
    )
    StatusUpdateFactory(
        project=recovered, period=datetime.date(2025, 2, 1), delivery_confidence="A"
    )
    response = client_as(Role.CLT).get("/")
    assert [p.title for p in response.context["red_projects"]] == ["Transport"]
    assert "Re-tender" in response.content.decode()


def test_it_flags_current_green_overrides_with_the_justification(client_as):
    update = StatusUpdateFactory(
        delivery_confidence="G",
        honesty_override=True,
        override_justification="Milestone moved by Cabinet",
        period=current_period(),
    )
    html = client_as(Role.CLT).get("/").content.decode()
    assert "Milestone moved by Cabinet" in html
    assert update.project.reference in html


def test_it_lists_overdue_milestones_updates_due_and_gates_ahead(client_as):
    today = timezone.localdate()
    late = MilestoneFactory(
        title="Cabinet report", forecast_date=today - datetime.timedelta(days=5)
    )
    quiet = ProjectFactory(title="Quiet project", stage=Stage.DELIVERY)
    GateDecisionFactory(
        project=quiet, gate=2, decision="", decided_on=today + datetime.timedelta(days=30)
    )
    GateDecisionFactory(
        project=quiet, gate=3, decision="", decided_on=today + datetime.timedelta(days=90)
    )
    response = client_as(Role.VIEWER).get("/")
    assert list(response.context["overdue_milestones"]) == [late]
    assert quiet in response.context["updates_due"]
    assert [g.gate for g in response.context["gates_ahead"]] == [2]


def test_it_counts_projects_by_stage(client_as):
    ProjectFactory(stage=Stage.IDEA)
    ProjectFactory(stage=Stage.IDEA)
    stages = {
        row["stage"]: row["count"] for row in client_as(Role.VIEWER).get("/").context["stages"]
    }
    assert stages[Stage.IDEA] == 2


def test_a_large_portfolio_lists_the_worst_few_and_says_how_many_more(client_as):
    for n in range(16):
        StatusUpdateFactory(
            project=ProjectFactory(title=f"Amber/Red {n}"),
            period=current_period(),
            delivery_confidence="AR",
        )
    StatusUpdateFactory(
        project=ProjectFactory(title="The one Red"),
        period=current_period(),
        delivery_confidence="R",
    )
    response = client_as(Role.CLT).get("/")
    listed = [p.title for p in response.context["red_projects"]]
    assert len(listed) == 15
    assert listed[0] == "The one Red"
    assert "Showing 15 of 17 Red and Amber/Red projects." in response.content.decode()


def test_the_worst_few_are_the_first_of_every_red_project_in_order(client_as):
    """Red before Amber/Red, each by project number, however the two are
    interleaved: the same 15 as sorting them all."""
    from portfolio.selectors import red_projects

    for n in range(40):
        StatusUpdateFactory(
            project=ProjectFactory(title=f"P{n}"),
            period=current_period(),
            delivery_confidence="R" if n % 7 == 3 else ("AR" if n % 2 else "A"),
        )
    response = client_as(Role.CLT).get("/")
    listed = [p.title for p in response.context["red_projects"]]
    assert listed == [p.title for p in red_projects()[:15]]
    assert listed[:6] == ["P3", "P10", "P17", "P24", "P31", "P38"]


def _portfolio(count: int) -> None:
    for i in range(count):
        project = ProjectFactory(stage=Stage.DELIVERY)
        StatusUpdateFactory(
            project=project, period=datetime.date(2026, 10, 1), delivery_confidence="R"
        )
        MilestoneFactory(project=project, forecast_date=datetime.date(2026, 1, 1))
        if i % 3 == 0:
            StatusUpdateFactory(
                project=project,
                period=datetime.date(2026, 9, 1),
                delivery_confidence="G",
                honesty_override=True,
                override_justification="Agreed at board",
            )


def test_the_dashboard_costs_the_same_queries_for_5_or_40_projects(
    client_as, django_assert_num_queries
):
    client = client_as(Role.CLT)
    client.get("/reports/")  # the session's first request writes it; later ones don't
    # 1 session, 2 user, 3 roles; 4 projects by stage and current RAG (one
    # grouped query, which also gives the red count); 5 the worst 15 red and
    # amber/red projects, 6 their ranges; 7 ranges of the active model with
    # their counts; 8-9 the first 15 overdue milestones and their count;
    # 10-11 the first 15 updates due and their count; 12 current green
    # overrides (the first 15 with a window count); 13 gates in the next 60
    # days; 14 recent stage overrides; and first of all after the roles, the
    # versions of the tables it reads (pmo/datacache.py: an unchanged
    # dashboard is served from the cache in 4 queries).
    _portfolio(5)
    with django_assert_num_queries(15):
        client.get("/")
    _portfolio(35)
    with django_assert_num_queries(15):
        response = client.get("/")
    assert response.context["red_count"] == 40
    assert len(response.context["red_projects"]) == 15
    assert response.context["overdue_count"] == 40
