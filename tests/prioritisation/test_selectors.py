"""The reads other apps use: each project's current range for the register
and dashboard, and the moderation queue."""

import pytest

from pmo.permissions import Role
from portfolio.models import Project
from prioritisation.models import AssessmentStatus
from prioritisation.scoring import Tier
from prioritisation.selectors import (
    current_ranges,
    open_assessments,
    projects_in_tier,
    range_counts,
)
from tests.portfolio.factories import ProjectFactory
from tests.prioritisation.factories import score

pytestmark = pytest.mark.django_db


def test_current_ranges_gives_each_moderated_projects_range_in_two_queries(
    django_assert_num_queries,
):
    major = ProjectFactory()
    score(major, impact=5, risk=5)
    drafted = ProjectFactory()
    score(drafted, moderate=False)
    unscored = ProjectFactory()
    # current assessments; every model's ranges
    with django_assert_num_queries(2):
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
