"""A project's milestones and gates on a timeline, with the table beside it."""

import datetime
import json

import pytest

from pmo.charts import timeline_figure
from pmo.permissions import Role
from portfolio.models import GateOutcome
from portfolio.selectors import timeline_lanes
from tests.portfolio.factories import GateDecisionFactory, MilestoneFactory, ProjectFactory

TODAY = datetime.date(2026, 12, 5)


@pytest.mark.django_db
def test_lanes_are_in_date_order_with_each_milestone_s_status_and_baseline():
    project = ProjectFactory()
    MilestoneFactory(
        project=project,
        title="Go live",
        baseline_date=datetime.date(2026, 10, 1),
        forecast_date=datetime.date(2026, 11, 20),
    )
    MilestoneFactory(
        project=project,
        title="Contract signed",
        baseline_date=datetime.date(2026, 6, 1),
        forecast_date=datetime.date(2026, 6, 1),
        actual_date=datetime.date(2026, 6, 10),
    )
    MilestoneFactory(
        project=project,
        title="Training",
        baseline_date=datetime.date(2027, 1, 1),
        forecast_date=datetime.date(2027, 1, 10),
    )
    gate = GateDecisionFactory.build(
        gate=1, decision=GateOutcome.APPROVED, decided_on=datetime.date(2026, 5, 1)
    )
    lanes = timeline_lanes(project.milestones.with_overdue(TODAY), [gate], TODAY)
    assert [(lane["label"], lane["status"]) for lane in lanes] == [
        (gate.get_gate_display(), "Gate decided"),
        ("Contract signed", "Achieved"),
        ("Go live", "Overdue"),
        ("Training", "Planned"),
    ]
    assert lanes[2]["baseline"] == datetime.date(2026, 10, 1)


def test_the_figure_joins_baseline_to_forecast_and_marks_today():
    lanes = [
        {
            "label": "Go live",
            "baseline": datetime.date(2026, 10, 1),
            "date": datetime.date(2026, 11, 20),
            "kind": "Milestone",
            "status": "Overdue",
        }
    ]
    figure = timeline_figure(lanes, today=TODAY)
    slippage = next(t for t in figure["data"] if t["name"] == "Slippage from baseline")
    assert slippage["x"] == ["2026-10-01", "2026-11-20", None]
    overdue = next(t for t in figure["data"] if t["name"] == "Overdue")
    assert overdue["x"] == ["2026-11-20"]
    assert figure["layout"]["shapes"][0]["x0"] == "2026-12-05"


@pytest.mark.django_db
def test_the_milestones_tab_draws_the_timeline_with_its_table(client_as):
    project = ProjectFactory()
    MilestoneFactory(project=project, title="Go live")
    GateDecisionFactory(project=project, gate=2, decision="", decided_on=TODAY)
    response = client_as(Role.VIEWER).get(f"/projects/{project.reference}/tabs/milestones/")
    html = response.content.decode()
    assert 'data-plotly-figure="timeline-figure"' in html
    assert "The timeline as a table: 2 milestones and gates in date order" in html
    figure = json.loads(
        html.split('<script id="timeline-figure" type="application/json">')[1].split("</script>")[0]
    )
    assert {trace["name"] for trace in figure["data"]} >= {"Gate ahead"}


@pytest.mark.django_db
def test_a_project_with_no_milestones_or_gates_has_no_empty_chart(client_as):
    project = ProjectFactory()
    response = client_as(Role.VIEWER).get(f"/projects/{project.reference}/tabs/milestones/")
    assert "timeline-figure" not in response.content.decode()
