"""Each project's newest update carries is_latest, however updates arrive:
the register, dashboard and pack read the current RAG through that flag."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.permissions import Role
from portfolio.models import StatusUpdate
from portfolio.selectors import register_projects
from tests.portfolio.factories import ProjectFactory, StatusUpdateFactory
from tests.portfolio.test_status_update_submit import submit

pytestmark = pytest.mark.django_db

MONTHS = [datetime.date(2025, m, 1) for m in range(1, 13)]


def latest_periods() -> dict[int, datetime.date]:
    return dict(StatusUpdate.objects.filter(is_latest=True).values_list("project", "period"))


@settings(max_examples=25, deadline=None)
@given(
    orders=st.lists(
        st.lists(st.sampled_from(MONTHS), min_size=1, max_size=6, unique=True),
        min_size=1,
        max_size=3,
    )
)
def test_the_newest_period_is_flagged_whatever_order_updates_arrive_in(orders):
    StatusUpdate.objects.all().delete()
    projects = [ProjectFactory() for _ in orders]
    for project, months in zip(projects, orders, strict=True):
        for month in months:  # in the drawn order, older months after newer
            StatusUpdateFactory(project=project, period=month)
    assert latest_periods() == {
        p.pk: max(months) for p, months in zip(projects, orders, strict=True)
    }


def test_a_submitted_update_becomes_the_current_rag(roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    StatusUpdateFactory(project=project, period=datetime.date(2026, 10, 1))
    submit(project, roles[Role.PROJECT_MANAGER], delivery_confidence="G")
    row = register_projects({}).get(pk=project.pk)
    assert (row.current_rag, row.last_update_period) == ("G", datetime.date(2026, 11, 1))


def test_an_older_month_filed_late_does_not_replace_the_current_rag():
    project = ProjectFactory()
    StatusUpdateFactory(project=project, period=datetime.date(2026, 11, 1), delivery_confidence="R")
    StatusUpdateFactory(project=project, period=datetime.date(2026, 9, 1), delivery_confidence="G")
    assert register_projects({}).get(pk=project.pk).current_rag == "R"


def test_the_database_refuses_two_latest_updates_for_one_project():
    project = ProjectFactory()
    StatusUpdateFactory(project=project, period=datetime.date(2026, 10, 1))
    older = StatusUpdateFactory(project=project, period=datetime.date(2026, 9, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.filter(pk=older.pk).update(is_latest=True)
