"""The roadmap: each workstream's projects by Now / Next / Later, target
quarter and not yet phased, as a chart with the same figures as a table."""

import datetime
import json

import pytest

from pmo.permissions import Role
from portfolio.models import Stage
from prioritisation.models import Phase
from prioritisation.selectors import ROADMAP_CELL_LIMIT, roadmap
from tests.portfolio.factories import ProjectFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


def phased(workstream, phase, *, quarter=None, stage=Stage.DELIVERY):
    project = ProjectFactory(workstream=workstream, stage=stage)
    if phase:
        Phase.objects.create(project=project, phase=phase, target_quarter=quarter, reason="CLT.")
    return project


def test_each_workstream_s_projects_fall_in_their_phase_s_column():
    adults, digital = WorkstreamFactory(name="Adults"), WorkstreamFactory(name="Digital")
    now = phased(adults, "now")
    phased(adults, "later")
    phased(digital, "quarter", quarter=datetime.date(2027, 4, 1))
    phased(digital, "")
    phased(digital, "now", stage=Stage.CLOSED)  # closed work no longer competes

    result = roadmap()
    assert result.columns == ["Now", "Next", "Later", "Q1 2027/28", "Not phased yet"]
    counts = {name: [cell.count for cell in cells] for name, cells in result.rows}
    assert counts == {"Adults": [1, 0, 1, 0, 0], "Digital": [0, 0, 0, 1, 1]}
    assert [p["reference"] for p in result.rows[0][1][0].projects] == [now.reference]
    assert result.totals() == [1, 0, 1, 1, 1]


def test_a_full_cell_lists_its_first_few_and_counts_the_rest(django_assert_num_queries):
    adults = WorkstreamFactory(name="Adults")
    projects = [phased(adults, "now") for _ in range(ROADMAP_CELL_LIMIT + 3)]
    # The counts by workstream and phase; the first few of each cell.
    with django_assert_num_queries(2):
        [(_, cells)] = roadmap().rows
    assert [p["reference"] for p in cells[0].projects] == [
        p.reference for p in projects[:ROADMAP_CELL_LIMIT]
    ]
    assert (cells[0].count, cells[0].more) == (ROADMAP_CELL_LIMIT + 3, 3)


def test_the_page_draws_the_chart_from_the_table_s_figures(client_as):
    adults = WorkstreamFactory(name="Adults")
    phased(adults, "now")
    phased(adults, "next")
    response = client_as(Role.CLT).get("/prioritisation/roadmap/")
    html = response.content.decode()
    assert "The roadmap as a table" in html
    figure = json.loads(
        html.split('<script id="roadmap-figure" type="application/json">')[1].split("</script>")[0]
    )
    assert {trace["name"]: trace["x"] for trace in figure["data"]} == {
        "Now": [1],
        "Next": [1],
        "Later": [0],
        "Not phased yet": [0],
    }


def test_with_no_projects_it_says_so(client_as):
    response = client_as(Role.VIEWER).get("/prioritisation/roadmap/")
    assert "There are no projects to phase yet." in response.content.decode()
