"""The grid, the ranking and its exports."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from pmo.permissions import Role
from portfolio.models import Stage
from prioritisation.charts import TIER_STYLE
from prioritisation.models import Phase
from prioritisation.selectors import scored_projects
from tests.portfolio.factories import DirectorateFactory, ProjectFactory
from tests.prioritisation.factories import score

pytestmark = pytest.mark.django_db


def test_the_grid_draws_each_range_with_its_own_colour_and_shape(client_as):
    project = ProjectFactory(title="Adult front door")
    score(project, impact=5, risk=5)
    score(ProjectFactory(), impact=1, risk=1)
    response = client_as(Role.CLT).get("/prioritisation/grid/")
    figure = response.context["figure"]
    traces = {trace["name"]: trace for trace in figure["data"]}
    assert len(traces) == 4
    assert len({t["marker"]["symbol"] for t in traces.values()}) == 4
    assert len({t["marker"]["color"] for t in traces.values()}) == 4
    major = traces["Tier 1: Major corporate"]
    assert major["marker"]["symbol"] == TIER_STYLE[1]["symbol"]
    assert major["x"] == [100.0] and major["y"] == [100.0]
    assert major["customdata"][0][:3] == [
        f"/projects/{project.reference}/",
        project.reference,
        "Adult front door",
    ]
    thresholds = {(s["x0"], s["y0"]) for s in figure["layout"]["shapes"]}
    assert (50.0, -8) in thresholds and (-8, 50.0) in thresholds
    labels = [a["text"] for a in figure["layout"]["annotations"]]
    assert any("Review or phase later" in text for text in labels)


def test_only_moderated_scores_appear_on_the_grid(client_as):
    score(ProjectFactory(), moderate=False)
    response = client_as(Role.VIEWER).get("/prioritisation/grid/")
    assert response.context["rows"] == []
    assert (
        "1 project matching these filters has no moderated score yet" in response.content.decode()
    )


def test_the_grid_filters_by_directorate_stage_and_phase(client_as, roles):
    adults = DirectorateFactory(name="Adults")
    in_adults = ProjectFactory(lead_directorate=adults)
    score(in_adults)
    elsewhere = ProjectFactory(stage=Stage.DISCOVERY)
    score(elsewhere)
    Phase.objects.create(project=elsewhere, phase="next", reason="Wait for the new system.")
    client = client_as(Role.FINANCE)
    rows = client.get(f"/prioritisation/grid/?directorate={adults.pk}").context["rows"]
    assert [r.project_id for r in rows] == [in_adults.pk]
    rows = client.get("/prioritisation/grid/?stage=discovery").context["rows"]
    assert [r.project_id for r in rows] == [elsewhere.pk]
    rows = client.get("/prioritisation/grid/?phase=none").context["rows"]
    assert [r.project_id for r in rows] == [in_adults.pk]


def test_closed_projects_are_left_off_unless_asked_for(client_as):
    closed = ProjectFactory(stage=Stage.CLOSED)
    score(closed)
    client = client_as(Role.CLT)
    assert client.get("/prioritisation/grid/").context["rows"] == []
    assert [
        r.project_id for r in client.get("/prioritisation/grid/?stage=closed").context["rows"]
    ] == [closed.pk]


def test_the_count_matrix_counts_each_band_and_a_cell_lists_its_projects(client_as):
    high = ProjectFactory(title="Children's placements")
    score(high, impact=5, risk=2)  # impact 100 (very high), risk 25 (moderate)
    score(ProjectFactory(title="Parking permits"), impact=1, risk=1)
    client = client_as(Role.CLT)
    matrix = client.get("/prioritisation/grid/").context["matrix"]
    counts = [[cell.count for cell in line] for line in matrix]
    assert counts == [[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]]
    assert [[int(cell.tier) for cell in line] for line in matrix][0] == [2, 2, 1, 1]

    response = client.get("/prioritisation/grid/?impact=3&risk=1", headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="cell-projects">')
    assert "1 project with very high impact and moderate risk" in fragment
    assert "Children&#x27;s placements" in fragment
    assert "Parking permits" not in fragment


def test_bubbles_sized_by_savings_say_when_no_savings_are_recorded(client_as):
    score(ProjectFactory())
    response = client_as(Role.CLT).get("/prioritisation/grid/?size=savings")
    assert response.context["size_label"] == "Annual savings"
    assert "Annual savings are not recorded for these projects yet" in response.content.decode()


def test_present_mode_has_no_navigation_and_large_type(client_as):
    score(ProjectFactory())
    page = client_as(Role.CLT).get("/prioritisation/grid/present/").content.decode()
    assert 'class="govuk-template__body pmo-present"' in page
    assert "govuk-service-navigation" not in page
    assert "govuk-footer" not in page
    assert 'data-plotly-figure="grid-figure"' in page
    assert "Leave presentation" in page


def test_present_mode_says_matching_the_filters_only_when_a_filter_is_set(client_as):
    project = ProjectFactory()
    score(project)
    client = client_as(Role.CLT)
    page = client.get("/prioritisation/grid/present/").content.decode()
    assert "1 scored project. Scoring model" in page
    directorate = project.lead_directorate.pk
    page = client.get(f"/prioritisation/grid/present/?directorate={directorate}").content.decode()
    assert "1 scored project matching the filters." in page


def test_the_ranking_puts_higher_impact_first_then_lower_risk(client_as):
    riskier = ProjectFactory(title="Riskier")
    score(riskier, impact=4, risk=4)
    safer = ProjectFactory(title="Safer")
    score(safer, impact=4, risk=2)
    top = ProjectFactory(title="Top")
    score(top, impact=5, risk=5)
    response = client_as(Role.VIEWER).get("/prioritisation/ranking/")
    rows = response.context["rows"]
    assert [(r.rank, r.project.title) for r in rows] == [(1, "Top"), (2, "Safer"), (3, "Riskier")]
    page = response.content.decode()
    assert "Corporate Leadership Team (CLT)" in page and "Transformation Board" in page
    assert "pmo-phase-form" not in page  # only PMO sets phases


def test_the_ranking_pages_through_a_large_portfolio_keeping_portfolio_wide_ranks(client_as):
    from tests.prioritisation.factories import bulk_scored_projects

    bulk_scored_projects(150)
    response = client_as(Role.CLT).get("/prioritisation/ranking/?page=2")
    rows = response.context["rows"]
    whole = scored_projects()
    assert [(r.project, r.rank) for r in rows] == [(r.project, r.rank) for r in whole[100:]]
    assert "150 ranked projects: ranks 101 to 150" in response.content.decode()


def test_pmo_sets_a_phase_inline(client_as):
    project = ProjectFactory()
    score(project)
    response = client_as(Role.PMO).post(
        f"/prioritisation/phase/{project.reference}/",
        {"phase": "quarter:2027-10-01", "reason": "After the new contract starts."},
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert fragment.lstrip().startswith(f'<div id="phase-{project.reference}">')
    assert "Q3 2027/28" in fragment and "Saved" in fragment
    phase = Phase.objects.get(project=project)
    assert (phase.phase, str(phase.target_quarter), phase.reason) == (
        "quarter",
        "2027-10-01",
        "After the new contract starts.",
    )


def test_a_phase_needs_a_reason(client_as):
    project = ProjectFactory()
    response = client_as(Role.PMO).post(
        f"/prioritisation/phase/{project.reference}/",
        {"phase": "later", "reason": ""},
        headers={"HX-Request": "true"},
    )
    assert "Enter the reason" in response.content.decode()
    assert not Phase.objects.filter(project=project).exists()


def test_the_ranking_exports_as_formula_safe_csv_and_xlsx(client_as):
    project = ProjectFactory(title='=HYPERLINK("http://evil")')
    score(project, impact=4, risk=2)
    client = client_as(Role.FINANCE)
    response = client.get("/prioritisation/ranking/export/?format=csv")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Rank", "Reference", "Title", "Range", "Impact score", "Risk score"]
    assert rows[1][:4] == [
        "1",
        project.reference,
        '\'=HYPERLINK("http://evil")',
        "Tier 2: Strategic priority",
    ]

    response = client.get("/prioritisation/ranking/export/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["C2"].value == '\'=HYPERLINK("http://evil")'
    assert sheet["C2"].data_type == "s"
    assert sheet["E2"].value == 75.0


def test_a_stale_phase_edit_is_refused_and_shows_the_new_phase(client_as, roles):
    from prioritisation import services

    project = ProjectFactory()
    services.phase_set(project=project, phase="now", reason="Funded.", by=roles[Role.PMO])
    # Someone else phases it later after this officer opened the ranking.
    services.phase_set(
        project=project, phase="later", reason="Service swamped.", by=roles[Role.PMO]
    )
    response = client_as(Role.PMO).post(
        f"/prioritisation/phase/{project.reference}/",
        {"phase": "next", "reason": "My reason.", "version": 1},
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert "Someone else changed this project&#x27;s phase to Later (Service swamped.)" in fragment
    assert 'value="My reason."' in fragment
    assert 'name="version" value="2"' in fragment
    assert Phase.objects.get(project=project).phase == "later"


def test_the_bubble_size_switch_keeps_the_filters(client_as):
    adults = DirectorateFactory(name="Adults")
    score(ProjectFactory(lead_directorate=adults))
    page = (
        client_as(Role.CLT).get(f"/prioritisation/grid/?directorate={adults.pk}").content.decode()
    )
    assert f'href="?directorate={adults.pk}&amp;size=savings"' in page
    assert 'aria-current="true"><strong>One-off investment</strong>' in page


def test_bubbles_sized_by_savings_use_this_years_forecast_budget_effect(client_as):
    from benefits.models import BenefitYear
    from benefits.money import financial_year_of
    from tests.benefits.factories import FinancialBenefitFactory

    project = ProjectFactory()
    score(project)
    benefit = FinancialBenefitFactory(project=project, recurrence="recurring")
    this_year = financial_year_of(datetime.date.today())
    BenefitYear.objects.create(
        benefit=benefit, year=this_year - 1, plan=Decimal("0"), forecast=Decimal("250000")
    )
    response = client_as(Role.CLT).get("/prioritisation/grid/?size=savings")
    # A recurring £250,000 that started last year still has a £250,000
    # budget effect this year, though no new saving is made this year.
    sizes = [
        row[3]
        for trace in response.context["figure"]["data"]
        for row in trace.get("customdata", [])
    ]
    assert "£250,000.00" in sizes
    assert "Annual savings are not recorded" not in response.content.decode()
