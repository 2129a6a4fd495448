"""The project page renders only its active tab; the other tabs are fragments
loaded on demand, so the page and each fragment cost a fixed number of
queries however much a project has recorded (issue #8: at most 15)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.permissions import Role
from portfolio import services
from tests.benefits.factories import (
    BenefitYearFactory,
    FinancialBenefitFactory,
    KpiMeasurementFactory,
    NonFinancialBenefitFactory,
)
from tests.partners.factories import EngagementCostFactory, EngagementFactory
from tests.portfolio.access import PROJECT_TABS
from tests.portfolio.factories import (
    AssumptionFactory,
    DecisionFactory,
    DependencyFactory,
    GateDecisionFactory,
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    StatusUpdateFactory,
)
from tests.prioritisation.factories import score

pytestmark = pytest.mark.django_db

BUDGET = 15
TABS = list(PROJECT_TABS)  # every tab, as the role matrix lists them


def project_with(count: int, roles):
    """A project with `count` of everything each tab lists."""
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    for month in range(count):
        StatusUpdateFactory(
            project=project,
            period=datetime.date(2024 + month // 12, month % 12 + 1, 1),
            submitted_by=roles[Role.PROJECT_MANAGER],
        )
    for _ in range(count):
        MilestoneFactory(project=project)
        RiskFactory(project=project, owner=roles[Role.PROJECT_MANAGER])
        IssueFactory(project=project)
        AssumptionFactory(project=project)
        DecisionFactory(project=project)
        GateDecisionFactory(project=project)
        DependencyFactory(source=project, target=ProjectFactory())
        DependencyFactory(source=ProjectFactory(), target=project)
        BenefitYearFactory(benefit=FinancialBenefitFactory(project=project))
        KpiMeasurementFactory(benefit=NonFinancialBenefitFactory(project=project))
        EngagementCostFactory(engagement=EngagementFactory(project=project))
    score(project)
    return project


def real_queries(captured) -> list[str]:
    """The queries a request makes, without the savepoints the test's own
    transaction wraps around the session save."""
    return [
        q["sql"] for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def count_queries(client, url: str) -> int:
    client.get(url)  # warm: the first request of a client may save a new session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(real_queries(captured))


@pytest.mark.parametrize("role", list(Role))
def test_the_page_is_within_the_query_budget_for_every_role(
    client_as, roles, role, django_assert_num_queries
):
    project = project_with(3, roles)
    client = client_as(role)
    client.get(f"/projects/{project.reference}/")
    cache.clear()
    # Session, user, the user's roles, who manages and sponsors the project
    # (the page is cached per answer: pmo/datacache.py), the versions of what
    # it reads, then rendered afresh: the project (with its latest update,
    # this period's update and the tab counts as subqueries) and the
    # Overview's services, priorities and tags. The session is not written:
    # the first request renewed it a moment ago.
    with django_assert_num_queries(9) as captured:
        response = client.get(f"/projects/{project.reference}/")
    assert response.status_code == 200
    assert len(real_queries(captured)) <= BUDGET
    # The same page again: the first five only.
    with django_assert_num_queries(5):
        again = client.get(f"/projects/{project.reference}/")
    assert project.title in again.content.decode()


# The queries each tab's fragment makes, besides the session read, the user,
# the project (with the page summary) and the user's roles (4 in all; the
# session was renewed by the first request, so it is not written).
TAB_QUERIES = {
    "overview": ["services", "priorities", "tags"],
    "updates": ["status updates with who submitted them"],
    "milestones": ["milestones", "gate decisions, for the timeline"],
    "raid": ["risks with owners", "issues with owners", "assumptions", "decisions"],
    "dependencies": ["dependencies out with targets", "dependencies in with sources"],
    "gates": ["gate decisions with recorder", "gate overrides with who"],
    # One per history table (10), however often each record was edited.
    "history": [f"history table {n}" for n in range(10)],
    "scores": [
        "assessments with model and people",
        "their scores",
        "the criteria",
        "priority ranges",
        "the phase",
    ],
    "benefits": [
        "tracker counts",
        "plan and forecast totals",
        "actual totals",
        "benefit years",
        "benefit actuals",
        "project costs",
        "financial benefits",
        "outcomes",
        "KPI measurements",
        "narrative entries",
    ],
    "partners": ["engagements", "their costs"],
}


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_fragment_makes_a_known_number_of_queries(
    client_as, roles, tab, django_assert_num_queries
):
    project = project_with(3, roles)
    client = client_as(Role.PMO)
    url = f"/projects/{project.reference}/tabs/{tab}/"
    client.get(url)
    with django_assert_num_queries(4 + len(TAB_QUERIES[tab])) as captured:
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert len(real_queries(captured)) <= BUDGET


@pytest.mark.parametrize("tab", TABS)
def test_a_tab_costs_the_same_for_2_and_20_records(client_as, roles, tab):
    few, many = project_with(2, roles), project_with(20, roles)
    client = client_as(Role.PMO)
    assert count_queries(client, f"/projects/{many.reference}/tabs/{tab}/") == count_queries(
        client, f"/projects/{few.reference}/tabs/{tab}/"
    )
    assert count_queries(client, f"/projects/{many.reference}/?tab={tab}") == count_queries(
        client, f"/projects/{few.reference}/?tab={tab}"
    )


def test_history_cost_does_not_grow_with_project_edits(client_as, roles):
    once, often = ProjectFactory(title="Edit 0"), ProjectFactory(title="Edit 0")
    for n in range(1, 20):
        services.project_update(project=often, user=roles[Role.PMO], version=n, title=f"Edit {n}")
    client = client_as(Role.PMO)
    assert count_queries(client, f"/projects/{often.reference}/tabs/history/") == count_queries(
        client, f"/projects/{once.reference}/tabs/history/"
    )


def test_the_page_renders_only_the_active_tab(client_as, roles):
    project = project_with(2, roles)
    RiskFactory(project=project, title="Agency spend overruns")
    client = client_as(Role.VIEWER)

    overview = client.get(f"/projects/{project.reference}/").content.decode()
    raid = client.get(f"/projects/{project.reference}/?tab=raid").content.decode()

    assert "Agency spend overruns" not in overview
    assert "Agency spend overruns" in raid
    # The RAID panel is the selected one; Overview waits to be loaded.
    assert '<div class="govuk-tabs__panel" id="raid">' in raid
    assert (
        f'id="overview" hx-get="/projects/{project.reference}/tabs/overview/" '
        'hx-trigger="intersect once"'
    ) in raid
    selected = raid.split("govuk-tabs__list-item--selected")[1].split("</li>")[0]
    assert f'href="/projects/{project.reference}/?tab=raid#raid"' in selected


def test_a_panel_not_loaded_yet_keeps_its_heading_and_a_link_that_works_without_javascript(
    client_as, roles
):
    project = ProjectFactory()
    html = client_as(Role.VIEWER).get(f"/projects/{project.reference}/").content.decode()
    updates = html.split('id="updates"')[1].split("</div>")[0]
    assert '<h2 class="govuk-heading-m">Monthly updates</h2>' in updates
    assert f'href="/projects/{project.reference}/?tab=updates#updates">Open the Updates tab' in (
        updates
    )
    # The fragment starts with the same heading, so it stays put when swapped in.
    fragment = client_as(Role.VIEWER).get(f"/projects/{project.reference}/tabs/updates/")
    assert (
        fragment.content.decode()
        .strip()
        .startswith('<h2 class="govuk-heading-m">Monthly updates</h2>')
    )


def test_an_unknown_tab_opens_the_overview_and_its_fragment_is_not_found(client_as):
    project = ProjectFactory()
    client = client_as(Role.VIEWER)
    page = client.get(f"/projects/{project.reference}/?tab=nonsense").content.decode()
    assert '<div class="govuk-tabs__panel" id="overview">' in page
    assert client.get(f"/projects/{project.reference}/tabs/nonsense/").status_code == 404
    assert client.get("/projects/TP-9999/tabs/updates/").status_code == 404


def test_a_fragment_is_read_only_for_those_who_may_not_edit(client_as, roles):
    """A project manager reads another manager's RAID tab but gets no edit
    links; the fragment asks the same permissions as the page."""
    theirs = ProjectFactory()
    risk = RiskFactory(project=theirs)
    own = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    own_risk = RiskFactory(project=own)
    client = client_as(Role.PROJECT_MANAGER)

    their_raid = client.get(f"/projects/{theirs.reference}/tabs/raid/").content.decode()
    own_raid = client.get(f"/projects/{own.reference}/tabs/raid/").content.decode()

    assert risk.title in their_raid
    assert "/risks/new/" not in their_raid and f"/risks/{risk.pk}/edit/" not in their_raid
    assert f"/risks/{own_risk.pk}/edit/" in own_raid


def test_partner_costs_stay_hidden_in_the_partners_fragment(client_as, roles):
    project = ProjectFactory()
    EngagementCostFactory(engagement=EngagementFactory(project=project, title="Front door"))
    pm_html = client_as(Role.PROJECT_MANAGER).get(f"/projects/{project.reference}/tabs/partners/")
    finance_html = client_as(Role.FINANCE).get(f"/projects/{project.reference}/tabs/partners/")
    assert "Front door" in pm_html.content.decode()
    assert "£100,000" not in pm_html.content.decode()
    assert "£100,000" in finance_html.content.decode()
