"""Every URL pattern x every role (and anonymous), asserting the status code.

Adding a URL pattern without a matrix entry in tests/<app>/access.py fails
test_every_url_pattern_has_a_matrix_entry.
"""

import importlib
import pkgutil

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.access import ANONYMOUS, EVERY_PRINCIPAL, NO_ROLE
from tests.portfolio.factories import UserFactory


def _access_modules():
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                yield importlib.import_module(f"tests.{info.name}.access")
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{info.name}.access":
                    raise


ROUTES = [route for module in _access_modules() for route in module.ROUTES]


def _pattern_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns == "admin":
                yield "admin:index"  # Django admin is covered as one entry
                continue
            yield from _pattern_names(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_pattern_has_a_matrix_entry():
    patterns = set(_pattern_names())
    covered = {route.name for route in ROUTES}
    assert patterns - covered == set(), "URL patterns without a role-matrix entry"
    assert covered - patterns == set(), "matrix entries for URL patterns that do not exist"


def _world():
    """The objects every route's kwargs draw on; each app's access module may
    add its own through build(world)."""
    world = {}
    for module in _access_modules():
        if hasattr(module, "build"):
            module.build(world)
    return world


def _cases(method):
    for route in ROUTES:
        expected = getattr(route, method)
        if expected:
            for principal in EVERY_PRINCIPAL:
                yield pytest.param(
                    route, principal, expected[principal], id=f"{method}-{route.name}-{principal}"
                )


def _sign_in(client, principal):
    if principal == ANONYMOUS:
        return
    user = UserFactory(username=f"matrix-{str(principal).lower().replace(' ', '-')}")
    if principal != NO_ROLE:
        user.groups.set([Group.objects.get(name=str(principal))])
        if str(principal) == "PMO":
            user.is_staff = True
            user.save()
    client.force_login(user)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "principal", "status"), list(_cases("get")))
def test_get(client, route, principal, status):
    world = _world()
    _sign_in(client, principal)
    response = client.get(reverse(route.name, kwargs=route.kwargs(world)) + route.query)
    assert response.status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "principal", "status"), list(_cases("post")))
def test_post(client, route, principal, status):
    world = _world()
    _sign_in(client, principal)
    response = client.post(reverse(route.name, kwargs=route.kwargs(world)), route.post_data(world))
    assert response.status_code == status
