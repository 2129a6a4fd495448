"""The reads other apps use: each project's current range for the register
and dashboard, and the moderation queue."""

import pytest

from pmo.permissions import Role
from portfolio.models import Project, Stage
from prioritisation.models import AssessmentStatus
from prioritisation.scoring import Tier, priority_ranks
from prioritisation.selectors import (
    ProjectFilters,
    current_ranges,
    grid_points,
    open_assessments,
    projects_in_tier,
    range_counts,
    ranking_order,
    scored_page,
    scored_projects,
)
from tests.portfolio.factories import ProjectFactory
from tests.prioritisation.factories import score

pytestmark = pytest.mark.django_db


def test_current_ranges_gives_each_moderated_projects_range_in_one_query(
    django_assert_num_queries,
):
    major = ProjectFactory()
    score(major, impact=5, risk=5)
    drafted = ProjectFactory()
    score(drafted, moderate=False)
    unscored = ProjectFactory()
    # current assessments joined to their model version's range for their tier
    with django_assert_num_queries(1):
        ranges = current_ranges([major.pk, drafted.pk, unscored.pk])
    assert list(ranges) == [major.pk]
    assert ranges[major.pk].tier == Tier.MAJOR_CORPORATE
    assert ranges[major.pk].label == "Tier 1: Major corporate"
    assert ranges[major.pk].governance_route == "Corporate Leadership Team (CLT)"


def test_projects_in_tier_filters_a_register_queryset_by_current_range():
    strategic = ProjectFactory()
    score(strategic, impact=2, risk=2)
    score(strategic, impact=5, risk=1)  # re-scored: now tier 2
    service_led = ProjectFactory()
    score(service_led, impact=1, risk=1)
    assert list(projects_in_tier(Project.objects.all(), 2)) == [strategic]
    assert list(projects_in_tier(Project.objects.all(), 3)) == [service_led]


def test_the_moderation_queue_lists_submitted_before_drafts(client_as):
    drafted = ProjectFactory(title="Drafted")
    score(drafted, moderate=False, submit=False)
    submitted = ProjectFactory(title="Submitted")
    score(submitted, moderate=False)
    score(ProjectFactory(title="Moderated"))
    assert [(a.project.title, a.status) for a in open_assessments()] == [
        ("Submitted", AssessmentStatus.SUBMITTED),
        ("Drafted", AssessmentStatus.DRAFT),
    ]
    page = client_as(Role.PMO).get("/prioritisation/moderation/").content.decode()
    assert "2 open assessments" in page
    assert f"/projects/{submitted.reference}/score/" in page


def test_range_counts_gives_the_dashboard_the_number_in_each_range():
    score(ProjectFactory(), impact=5, risk=5)
    score(ProjectFactory(), impact=5, risk=4)
    score(ProjectFactory(), impact=1, risk=1)
    score(ProjectFactory(), moderate=False)
    assert [(info.name, n) for info, n in range_counts()] == [
        ("Major corporate", 2),
        ("Strategic priority", 0),
        ("Service-led", 1),
        ("Review or phase later", 0),
    ]


def test_range_counts_leave_closed_and_stopped_projects_off_as_the_grid_does(
    django_assert_num_queries,
):
    score(ProjectFactory(), impact=1, risk=1)
    score(ProjectFactory(stage=Stage.CLOSED), impact=1, risk=1)
    score(ProjectFactory(stage=Stage.STOPPED), impact=1, risk=1)

    # the active model's ranges, each with its count as a subquery
    with django_assert_num_queries(1):
        counts = {info.name: n for info, n in range_counts()}
    closed = {info.name: n for info, n in range_counts(ProjectFilters(stage=Stage.CLOSED))}

    assert counts["Service-led"] == 1 == len(grid_points())
    assert closed["Service-led"] == 1  # a stage filter that asks for them counts them


def test_the_database_ranks_as_the_scoring_rules_do_ties_included():
    """The ranking's ranks come from RANK() OVER in the database; they must be
    the ranks scoring.priority_ranks gives (higher impact first, then lower
    risk, ties sharing a rank: 1, 2, 2, 4)."""
    for impact, risk in [(3, 3), (5, 2), (3, 3), (5, 4), (1, 1), (5, 2), (3, 1)]:
        score(ProjectFactory(), impact=impact, risk=risk)
    rows = scored_projects()
    assert [r.rank for r in rows] == priority_ranks([(r.impact, r.risk) for r in rows])
    assert [r.rank for r in rows] == [1, 1, 3, 4, 5, 5, 7]
    # A page of the ranking reads the same ranks without reading the rest.
    page = scored_page(ranking_order()[2:5])
    assert [(r.project, r.rank) for r in page] == [(r.project, r.rank) for r in rows[2:5]]
