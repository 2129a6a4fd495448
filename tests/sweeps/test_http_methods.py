"""Every URL in the role matrix states what GET and POST do, for every role.

A read-only page answers POST with 405 (method not allowed) and an action
answers GET with 405, so neither method can slip past unspecified.
"""

import pytest
from django.urls import reverse

from pmo.permissions import Role
from tests.access import EVERY_PRINCIPAL
from tests.test_role_matrix import ROUTES, _sign_in, _world


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.name}{route.query}")
def test_every_route_has_a_get_and_a_post_expectation_for_every_principal(route):
    for method in ("get", "post"):
        expected = getattr(route, method)
        assert expected, f"{route.name} has no {method.upper()} expectation"
        assert set(expected) == set(EVERY_PRINCIPAL), f"{route.name} {method}: missing principals"


READ_ONLY_PORTFOLIO_PAGES = [
    "portfolio:dashboard",
    "portfolio:my",
    "portfolio:register",
    "portfolio:export_csv",
    "portfolio:export_xlsx",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*READ_ONLY_PORTFOLIO_PAGES, "portfolio:detail"])
def test_read_only_portfolio_pages_refuse_post(client, name):
    world = _world()
    _sign_in(client, Role.PMO)
    kwargs = {"reference": world["own_project"].reference} if name == "portfolio:detail" else {}
    assert client.post(reverse(name, kwargs=kwargs)).status_code == 405
