"""The change load on services, on hand-made cases."""

import datetime

import pytest

from pmo.permissions import Role
from portfolio.models import Stage
from prioritisation import services
from prioritisation.selectors import change_load
from tests.portfolio.factories import ProjectFactory, ServiceFactory
from tests.prioritisation.factories import score

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)  # Q3 2026/27
Q3 = datetime.date(2026, 10, 1)
Q4 = datetime.date(2027, 1, 1)
NEXT_Q1 = datetime.date(2027, 4, 1)


def _project(service, start, end, stage=Stage.DELIVERY, **kwargs):
    project = ProjectFactory(
        stage=stage, planned_start=start, planned_end=end, forecast_end=end, **kwargs
    )
    project.services.set([service])
    return project


def _cell(load, service, quarter):
    return load.cell(service.pk, quarter)


def test_a_cell_counts_active_projects_affecting_the_service_in_that_quarter():
    service = ServiceFactory(change_capacity=2)
    other = ServiceFactory()
    a = _project(service, datetime.date(2026, 1, 1), datetime.date(2027, 3, 31))
    b = _project(
        service, datetime.date(2026, 6, 1), datetime.date(2026, 12, 31), stage=Stage.DISCOVERY
    )
    c = _project(
        service, datetime.date(2027, 2, 1), datetime.date(2027, 9, 30), stage=Stage.TRANSITION
    )
    _project(service, datetime.date(2026, 1, 1), datetime.date(2027, 12, 31), stage=Stage.IDEA)
    _project(service, datetime.date(2026, 1, 1), datetime.date(2027, 12, 31), stage=Stage.CLOSED)
    _project(service, datetime.date(2026, 1, 1), datetime.date(2026, 9, 30))  # ended last quarter
    _project(other, datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))

    load = change_load(today=TODAY)

    assert load.quarter_labels[:3] == ["Q3 2026/27", "Q4 2026/27", "Q1 2027/28"]
    assert len(load.quarters) == 8
    assert {e.project for e in _cell(load, service, Q3).entries} == {a, b}
    assert {e.project for e in _cell(load, service, Q4).entries} == {a, c}
    assert {e.project for e in _cell(load, service, NEXT_Q1).entries} == {c}
    assert _cell(load, service, Q3).load == 2
    assert _cell(load, service, Q3).status == "at"
    assert _cell(load, service, NEXT_Q1).status == "within"


def test_the_forecast_end_is_used_when_a_project_has_slipped():
    service = ServiceFactory(change_capacity=1)
    slipped = ProjectFactory(
        planned_start=datetime.date(2026, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
        forecast_end=datetime.date(2027, 5, 31),
    )
    slipped.services.set([service])
    load = change_load(today=TODAY)
    assert [e.project for e in _cell(load, service, NEXT_Q1).entries] == [slipped]


def test_more_projects_than_capacity_is_overloaded():
    service = ServiceFactory(change_capacity=1)
    for _ in range(2):
        _project(service, datetime.date(2026, 1, 1), datetime.date(2027, 3, 31))
    load = change_load(today=TODAY)
    cell = _cell(load, service, Q3)
    assert (cell.load, cell.status) == (2, "over")
    assert cell in load.overloaded


def test_weighting_by_range_counts_tier_1_as_three_and_unscored_as_one():
    service = ServiceFactory(change_capacity=3)
    major = _project(service, datetime.date(2026, 1, 1), datetime.date(2027, 3, 31))
    score(major, impact=5, risk=5)
    _project(service, datetime.date(2026, 1, 1), datetime.date(2027, 3, 31))
    assert _cell(change_load(today=TODAY), service, Q3).load == 2
    weighted = _cell(change_load(today=TODAY, weighted=True), service, Q3)
    assert weighted.load == 4
    assert weighted.status == "over"


def test_phasing_a_project_later_relieves_the_load(roles):
    service = ServiceFactory(change_capacity=1)
    staying = _project(service, datetime.date(2026, 6, 1), datetime.date(2027, 3, 31))
    moving = _project(service, datetime.date(2026, 9, 1), datetime.date(2027, 2, 28))
    assert _cell(change_load(today=TODAY), service, Q3).status == "over"

    services.phase_set(
        project=moving, phase="later", reason="Service at capacity.", by=roles[Role.PMO]
    )

    load = change_load(today=TODAY)
    now = _cell(load, service, Q3)
    assert [e.project for e in now.entries] == [staying]
    assert [e.project for e in now.deferred] == [moving]
    assert now.status == "at"
    # The remaining work (25 Nov to 28 Feb) now runs from 1 Jul 2027.
    assert [e.project for e in _cell(load, service, datetime.date(2027, 7, 1)).entries] == [moving]


def test_the_capacity_page_flags_overloaded_cells_in_text_and_lists_a_cells_projects(client_as):
    service = ServiceFactory(name="Home to School Transport", change_capacity=1)
    start, end = datetime.date(2026, 1, 1), datetime.date(2029, 3, 31)
    first = _project(service, start, end, title="Route optimisation")
    _project(service, start, end, title="Independent travel training")
    client = client_as(Role.CLT)
    page = client.get("/prioritisation/capacity/").content.decode()
    assert "Overloaded" in page
    assert "Home to School Transport in" in page and "load 2 against a capacity of 1" in page

    quarter = change_load(today=datetime.date.today()).quarters[0]
    response = client.get(
        f"/prioritisation/capacity/?service={service.pk}&quarter={quarter.isoformat()}",
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="cell-projects">')
    assert "Route optimisation" in fragment and "Independent travel training" in fragment
    assert first.reference in fragment
