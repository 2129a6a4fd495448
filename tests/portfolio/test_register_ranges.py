"""The register shows and filters by each project's prioritisation range
(its tier in the active scoring model, from the latest moderated score)."""

import csv
import io

import openpyxl
import pytest

from pmo.permissions import Role
from tests.portfolio.factories import ProjectFactory
from tests.portfolio.test_register import make_projects, titles
from tests.prioritisation.factories import bulk_scored_projects, score

pytestmark = pytest.mark.django_db

# Scores that land in each tier with the default model's thresholds.
MAJOR = {"impact": 5, "risk": 5}  # Tier 1: high impact, high risk
SERVICE_LED = {"impact": 1, "risk": 1}  # Tier 3: lower impact, lower risk


@pytest.fixture
def scored():
    major = ProjectFactory(title="Major one")
    score(major, **MAJOR)
    service_led = ProjectFactory(title="Service-led one")
    score(service_led, **SERVICE_LED)
    draft_only = ProjectFactory(title="Draft only")
    score(draft_only, **MAJOR, moderate=False)
    return major, service_led, draft_only


def test_each_row_shows_the_project_s_range_or_not_scored(client_as, scored):
    response = client_as(Role.VIEWER).get("/projects/?sort=title")
    ranges = {p.title: p.range.label if p.range else None for p in response.context["rows"]}
    assert ranges == {
        "Major one": "Tier 1: Major corporate",
        "Service-led one": "Tier 3: Service-led",
        "Draft only": None,
    }
    html = response.content.decode()
    assert "Prioritisation range</th>" in html
    assert (
        'pmo-tier--1">Tier 1</strong><br><span class="pmo-secondary">Major corporate</span>' in html
    )
    assert "Not scored</strong>" in html


def test_it_filters_by_range_and_only_moderated_scores_count(client_as, scored):
    client = client_as(Role.VIEWER)
    assert titles(client.get("/projects/?range=1")) == ["Major one"]
    assert titles(client.get("/projects/?range=3")) == ["Service-led one"]
    assert titles(client.get("/projects/?range=2")) == []


def test_the_range_filter_offers_the_active_model_s_range_names(client_as, scored):
    html = client_as(Role.VIEWER).get("/projects/").content.decode()
    assert '<option value="1">Tier 1: Major corporate</option>' in html
    assert '<option value="4">Tier 4: Review or phase later</option>' in html


def test_an_unknown_range_is_ignored(client_as, scored):
    assert len(titles(client_as(Role.VIEWER).get("/projects/?range=9"))) == 3


def test_htmx_filters_by_range_and_swaps_only_the_results(client_as, scored):
    response = client_as(Role.VIEWER).get("/projects/?range=1", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "Major one" in html and "Service-led one" not in html
    assert "range=1" in html  # the export links keep the filter


def test_the_csv_export_has_the_range_and_keeps_the_range_filter(client_as, scored):
    response = client_as(Role.VIEWER).get("/projects/export.csv?range=1")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["Title"], r["Prioritisation range"]) for r in rows] == [
        ("Major one", "Tier 1: Major corporate")
    ]


def test_the_xlsx_export_says_not_scored_for_a_project_without_a_moderated_score(client_as, scored):
    response = client_as(Role.VIEWER).get("/projects/export.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    by_title = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_title["Draft only"]["Prioritisation range"] == "Not scored"
    assert by_title["Service-led one"]["Prioritisation range"] == "Tier 3: Service-led"


def test_filtering_by_range_costs_the_same_queries_for_10_or_1000_scored_projects(
    client_as, django_assert_num_queries
):
    client = client_as(Role.VIEWER)
    bulk_scored_projects(10)
    make_projects(2)  # unscored projects alongside
    client.get("/projects/")  # warm the session
    # As the unfiltered register (see test_register.py), 13 queries: the
    # range filter is a join in the count, page and summary queries.
    with django_assert_num_queries(13):
        client.get("/projects/?range=1&sort=-rag")
    bulk_scored_projects(990)
    with django_assert_num_queries(13):
        response = client.get("/projects/?range=1&sort=-rag")
    rows = response.context["rows"]
    assert rows and all(p.range.tier == 1 for p in rows)
