"""restrict() and can() agree: for every list rule, every role (and no role,
and a superuser) is given exactly the objects the object rule allows."""

import pytest
from django.contrib.auth.models import Group

from pmo.models import ReportRun, ReportType, RunStatus
from pmo.permissions import LIST_RULES, Role, can, restrict
from portfolio.models import ImportRun, Project
from tests.portfolio.factories import ProjectFactory, UserFactory
from tests.reports.factories import ReportRunFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(roles):
    other_pmo = UserFactory(username="other-pmo")
    other_pmo.groups.add(Group.objects.get(name=Role.PMO.value))
    return {
        **{str(role): user for role, user in roles.items()},
        "no role": UserFactory(username="no-role"),
        "superuser": UserFactory(username="root", is_superuser=True),
        "other PMO": other_pmo,
    }


@pytest.fixture
def world(people, roles):
    manager, sponsor = roles[Role.PROJECT_MANAGER], roles[Role.SPONSOR]
    ProjectFactory(project_manager=manager)
    ProjectFactory(sponsor=sponsor)
    ProjectFactory()
    for kind in ReportType:
        for published in (True, False):
            ReportRunFactory(report_type=kind, published=published, status=RunStatus.SUCCEEDED)
    for owner in (roles[Role.PMO], people["other PMO"]):
        ImportRun.objects.create(token=f"token-of-{owner.username}", requested_by=owner)


QUERYSETS = {
    "view_report": lambda: ReportRun.objects.all(),
    "edit_benefit": lambda: Project.objects.all(),
    "view_import": lambda: ImportRun.objects.all(),
}


def test_every_list_rule_is_tested():
    assert set(QUERYSETS) == set(LIST_RULES)


@pytest.mark.parametrize("action", sorted(LIST_RULES))
def test_the_list_holds_exactly_what_the_object_rule_allows(world, people, action):
    for name, user in people.items():
        everything = list(QUERYSETS[action]())
        allowed = {obj.pk for obj in everything if can(user, action, obj)}
        listed = set(restrict(QUERYSETS[action](), user, action).values_list("pk", flat=True))
        assert listed == allowed, f"{action} for {name}"


def test_the_lists_differ_by_role_so_the_agreement_means_something(world, people, roles):
    def count(user, action):
        return restrict(QUERYSETS[action](), user, action).count()

    assert count(roles[Role.PMO], "view_report") == 6
    assert count(roles[Role.CLT], "view_report") == 3  # the published ones: CLT reads all three
    assert count(roles[Role.VIEWER], "view_report") == 1  # the published portfolio pack
    assert count(roles[Role.PROJECT_MANAGER], "edit_benefit") == 1
    assert count(roles[Role.SPONSOR], "edit_benefit") == 0
    assert count(roles[Role.PMO], "view_import") == 1
    assert count(people["superuser"], "view_import") == 2
