"""The grid, ranking and change-load pages read a fixed number of queries
whatever the size of the portfolio (10 or 1,000 projects)."""

import pytest

from pmo.permissions import Role
from tests.portfolio.factories import ServiceFactory
from tests.prioritisation.factories import bulk_scored_projects

pytestmark = pytest.mark.django_db

SIZES = [10, 1000]
# Every signed-in page costs: the session, the user, the user's groups
# (roles, read once per request), and, on a session's first request (as
# here), its renewal for the idle timeout (savepoint, update, release).
SIGNED_IN = 6


@pytest.fixture
def portfolio(request):
    services = [ServiceFactory(), ServiceFactory()]
    return bulk_scored_projects(request.param, services_=services)


@pytest.mark.parametrize("portfolio", SIZES, indirect=True)
def test_the_grid_reads_a_fixed_number_of_queries(client_as, portfolio, django_assert_num_queries):
    client = client_as(Role.CLT)
    # + the versions of the tables it reads (pmo/datacache.py: an unchanged
    # grid is served from the cache); the active model, its criteria, its
    # ranges; the grid's points (one
    # narrow row per current assessment, no model instances); every model's
    # ranges; the count per range (range_counts, as the pack and dashboard
    # count); the unscored count; the directorate and workstream filter choices.
    with django_assert_num_queries(SIGNED_IN + 1 + 3 + 1 + 1 + 1 + 1 + 2):
        response = client.get("/prioritisation/grid/")
    assert len(response.context["rows"]) == len(portfolio)


@pytest.mark.parametrize("portfolio", SIZES, indirect=True)
def test_the_ranking_reads_a_fixed_number_of_queries(
    client_as, portfolio, django_assert_num_queries
):
    client = client_as(Role.PMO)
    # + the versions of the tables it reads (pmo/datacache.py); the count of
    # ranked projects; the page's (assessment, rank) pairs,
    # ranked by the database over the whole portfolio; those 100 assessments
    # with project, directorate, workstream, phase and model; every model's
    # ranges; the unscored count.
    with django_assert_num_queries(SIGNED_IN + 1 + 1 + 1 + 1 + 1 + 1):
        response = client.get("/prioritisation/ranking/?page=999")
    # (a page past the end shows the last page)
    assert response.context["total"] == len(portfolio)
    assert response.context["page"].end_index() == len(portfolio)


@pytest.mark.parametrize("portfolio", SIZES, indirect=True)
def test_the_change_load_reads_a_fixed_number_of_queries(
    client_as, portfolio, django_assert_num_queries
):
    client = client_as(Role.VIEWER)
    # + the versions of the tables it reads (pmo/datacache.py); services with
    # directorates; current assessments joined to their
    # ranges (current_ranges); one narrow row per active project and service
    # (dates, phase, service); the directorate filter choices.
    with django_assert_num_queries(SIGNED_IN + 1 + 1 + 1 + 1 + 1):
        response = client.get("/prioritisation/capacity/?weighted=1")
    load = response.context["load"]
    assert sum(cell.count for _, cells in load.rows for cell in cells[:1]) == 2 * len(portfolio)
