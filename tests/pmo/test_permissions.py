"""The one permissions module: who may do what to which object."""

import pytest

from pmo.permissions import Role, can
from tests.portfolio.factories import ProjectFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.PMO, True),
        (Role.PROJECT_MANAGER, False),
        (Role.SPONSOR, False),
        (Role.CLT, False),
        (Role.FINANCE, False),
        (Role.VIEWER, False),
    ],
)
def test_only_pmo_creates_projects(roles, role, allowed):
    assert can(roles[role], "create_project") is allowed


@pytest.mark.django_db
def test_a_project_manager_updates_only_their_own_projects(roles):
    pm = roles[Role.PROJECT_MANAGER]
    own = ProjectFactory(project_manager=pm)
    other = ProjectFactory()
    assert can(pm, "update_project", own)
    assert not can(pm, "update_project", other)


@pytest.mark.django_db
def test_finance_signs_off_and_pmo_does_not(roles):
    assert can(roles[Role.FINANCE], "sign_off_benefit")
    assert not can(roles[Role.PMO], "sign_off_benefit")


@pytest.mark.django_db
def test_every_role_may_view_but_a_user_without_one_may_not(roles):
    from tests.portfolio.factories import UserFactory

    assert all(can(user, "view") for user in roles.values())
    assert not can(UserFactory(), "view")


def test_an_unknown_action_is_a_programming_error():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValueError, match="Unknown permission action"):
        can(AnonymousUser(), "launch_rockets")
