import datetime

import pytest

from pmo.permissions import Role
from portfolio.models import Project, Stage, StatusUpdate
from portfolio.selectors import current_period
from tests.portfolio.factories import (
    DirectorateFactory,
    ProjectFactory,
    ServiceFactory,
    StatusUpdateFactory,
    UserFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


def make_projects(count: int) -> None:
    """`count` reporting projects, each with a sponsor, PM and two updates,
    through bulk paths so 1,000 load quickly."""
    directorate = DirectorateFactory()
    workstream = WorkstreamFactory()
    pm, sponsor = UserFactory(), UserFactory()
    start = (Project.objects.order_by("-number").values_list("number", flat=True).first()) or 0
    projects = Project.objects.bulk_create(
        Project(
            number=n,
            reference=Project.reference_for(n),
            title=f"Bulk {n}",
            lead_directorate=directorate,
            workstream=workstream,
            stage=Stage.DELIVERY,
            project_manager=pm,
            sponsor=sponsor,
        )
        for n in range(start + 1, start + count + 1)
    )
    period = current_period()
    StatusUpdate.objects.bulk_create(
        StatusUpdateFactory.build(project=p, period=month)
        for p in projects
        for month in (period, period.replace(year=period.year - 1))
    )
    StatusUpdate.objects.mark_latest([p.pk for p in projects])


def test_it_filters_by_stage_and_search_text(client_as):
    ProjectFactory(title="Family hubs", stage=Stage.DELIVERY)
    ProjectFactory(title="Family placements", stage=Stage.DISCOVERY)
    ProjectFactory(title="Waste rounds", stage=Stage.DELIVERY)
    response = client_as(Role.VIEWER).get("/projects/?q=family&stage=delivery")
    assert titles(response) == ["Family hubs"]


def test_it_filters_by_workstream_directorate_service_type_sponsor_and_pm(client_as):
    target = ProjectFactory(title="Target", project_type="efficiency")
    service = ServiceFactory()
    target.services.add(service)
    target.sponsor, target.project_manager = UserFactory(), UserFactory()
    target.save()
    ProjectFactory(title="Other", project_type="efficiency")
    query = (
        f"?workstream={target.workstream_id}&directorate={target.lead_directorate_id}"
        f"&service={service.pk}&project_type=efficiency&sponsor={target.sponsor_id}"
        f"&pm={target.project_manager_id}"
    )
    assert titles(client_as(Role.VIEWER).get("/projects/" + query)) == ["Target"]


def test_it_filters_by_current_rag_and_update_due(client_as):
    red = ProjectFactory(title="Red now")
    StatusUpdateFactory(project=red, period=current_period(), delivery_confidence="R")
    was_red = ProjectFactory(title="Was red")
    StatusUpdateFactory(project=was_red, period=datetime.date(2025, 1, 1), delivery_confidence="R")
    StatusUpdateFactory(project=was_red, period=datetime.date(2025, 2, 1), delivery_confidence="G")
    ProjectFactory(title="Idea", stage=Stage.IDEA)
    client = client_as(Role.VIEWER)
    assert titles(client.get("/projects/?rag=R")) == ["Red now"]
    assert titles(client.get("/projects/?rag=none")) == ["Idea"]
    assert titles(client.get("/projects/?due=on")) == ["Was red"]


def test_it_sorts_by_rag_worst_first_and_by_title(client_as):
    for title, rag in (("B green", "G"), ("A red", "R"), ("C amber", "A")):
        StatusUpdateFactory(project=ProjectFactory(title=title), delivery_confidence=rag)
    client = client_as(Role.VIEWER)
    assert titles(client.get("/projects/?sort=-rag")) == ["A red", "C amber", "B green"]
    assert titles(client.get("/projects/?sort=title")) == ["A red", "B green", "C amber"]
    html = client.get("/projects/?sort=title").content.decode()
    assert 'aria-sort="ascending"' in html
    assert "?sort=-title" in html


def test_the_delivery_confidence_header_sorts_worst_first_on_the_first_click(client_as):
    for title, rag in (("B green", "G"), ("A red", "R"), ("C amber", "A")):
        StatusUpdateFactory(project=ProjectFactory(title=title), delivery_confidence=rag)
    client = client_as(Role.VIEWER)
    headers = {h["key"]: h for h in client.get("/projects/").context["headers"]}
    first_click = headers["rag"]["query"]
    assert first_click == "sort=-rag"
    response = client.get(f"/projects/?{first_click}")
    assert titles(response) == ["A red", "C amber", "B green"]
    headers = {h["key"]: h for h in response.context["headers"]}
    assert headers["rag"]["aria_sort"] == "descending"
    assert headers["rag"]["query"] == "sort=rag"  # the second click: best first
    assert "3 projects." in response.content.decode()  # sorted, not filtered
    assert "1 project matches the filters." in client.get("/projects/?rag=R").content.decode()


def test_unknown_filter_values_are_ignored(client_as):
    ProjectFactory(title="Still listed")
    response = client_as(Role.VIEWER).get("/projects/?stage=nonsense&workstream=abc&sort=evil")
    assert titles(response) == ["Still listed"]
    notice = " ".join(response.text.split('id="ignored-filters"')[1].split("</div>")[0].split())
    assert "workstream and stage filters did not match any choice" in notice


def test_the_count_of_matches_is_in_the_singular_for_one(client_as):
    ProjectFactory(title="Only one")
    response = client_as(Role.VIEWER).get("/projects/?q=only")
    assert "1 project matches the filters." in " ".join(response.text.split())


def test_it_counts_the_filtered_projects_by_stage_and_rag(client_as):
    StatusUpdateFactory(project=ProjectFactory(stage=Stage.DELIVERY), delivery_confidence="R")
    StatusUpdateFactory(project=ProjectFactory(stage=Stage.DELIVERY), delivery_confidence="R")
    ProjectFactory(stage=Stage.IDEA)
    summary = client_as(Role.VIEWER).get("/projects/").context["summary"]
    stages = {row["code"]: row["count"] for row in summary["stages"]}
    rags = {row["code"]: row["count"] for row in summary["rags"]}
    assert (stages["delivery"], stages["idea"], rags["R"], rags[""]) == (2, 1, 2, 1)


def test_htmx_gets_only_the_results_fragment(client_as):
    ProjectFactory(title="Family hubs")
    response = client_as(Role.VIEWER).get("/projects/?q=family", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "Family hubs" in html
    assert "<html" not in html


def test_going_back_in_htmx_history_gets_the_whole_page(client_as):
    response = client_as(Role.VIEWER).get(
        "/projects/?q=x", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_it_paginates_fifty_to_a_page_keeping_the_filters(client_as):
    make_projects(120)
    response = client_as(Role.VIEWER).get("/projects/?stage=delivery&page=3")
    assert len(response.context["page"].object_list) == 20
    assert "stage=delivery&amp;page=2" in response.content.decode()


def test_the_register_costs_the_same_queries_for_10_or_1000_projects(
    client_as, django_assert_num_queries
):
    client = client_as(Role.VIEWER)
    make_projects(10)
    client.get("/projects/")  # warm the session
    # 1 session, 2 user, 3 the user's roles (groups),
    # 4 the range filter's choices: the active model's ranges,
    # 5 summary counts by stage and RAG (their total is the paginator's
    #   count), 6 the page's 50 ids in order,
    # 7 those 50 rows with their RAG and last update (a join to the update
    #   flagged latest) and "due" annotations,
    # 8 the page's prioritisation ranges: the 50 projects' current
    #   assessments joined to their ranges (current_ranges),
    # 9-12 filter choices: workstreams, directorates, services, and the
    #      sponsors and PMs together.
    # 13 (read first, after the roles) the versions of the tables it reads
    #    (pmo/datacache.py: an unchanged register is served in 4 queries).
    # The session is not written: it was renewed by the warming request.
    with django_assert_num_queries(13):
        client.get("/projects/?sort=-rag")
    make_projects(990)
    with django_assert_num_queries(13):
        response = client.get("/projects/?sort=-rag")
    assert response.context["summary"]["total"] == 1000
    assert "1,000 projects" in response.content.decode()  # counts are grouped in thousands
    rags = {row["code"]: row["count"] for row in response.context["summary"]["rags"]}
    assert rags["A"] == 1000  # each project's newest update (this month's) is Amber
