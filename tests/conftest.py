"""Shared test world: the six demo roles (healthchecks' BaseTestCase idea,
as fixtures), and the rule that service tests fail rather than skip in CI."""

import os

import pytest
from django.contrib.auth.models import Group

from pmo.permissions import Role

# Playwright/axe fixtures: browser, page_as, axe_violations.
pytest_plugins = ["tests.browser"]

ROLE_USERNAMES = {
    Role.PMO: "pmo",
    Role.PROJECT_MANAGER: "pm",
    Role.SPONSOR: "sponsor",
    Role.CLT: "clt",
    Role.FINANCE: "finance",
    Role.VIEWER: "viewer",
}


@pytest.fixture
def roles(db):
    """One signed-up user per role, keyed by Role. Groups come from migrate."""
    from tests.portfolio.factories import UserFactory

    users = {}
    for role, username in ROLE_USERNAMES.items():
        users[role] = UserFactory(username=username, groups=[Group.objects.get(name=role.value)])
    return users


@pytest.fixture
def client_as(client, roles):
    """client_as(Role.PMO) -> the test client signed in as that role's user."""

    def sign_in(role):
        client.force_login(roles[role])
        return client

    return sign_in


SERVICE_MARKERS = ("postgres", "redis", "browser")
# .ci/run sets this: there, a test that needs PostgreSQL, Redis or Chromium
# must fail when the service is missing, never skip.
REQUIRE_SERVICES = os.environ.get("PMO_REQUIRE_SERVICES") == "1"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if REQUIRE_SERVICES and report.skipped:
        needs = [m for m in SERVICE_MARKERS if item.get_closest_marker(m)]
        if needs:
            reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
            report.outcome = "failed"
            report.longrepr = (
                f"{', '.join(needs)} test skipped where services are required: {reason}"
            )
    return report


@pytest.fixture(autouse=True)
def _celery_tasks_in_process(request):
    """Unit tests run Celery tasks in-process even when CI sets a Redis
    broker; the tests marked `redis` prove the real worker instead."""
    from pmo.celery import app

    if request.node.get_closest_marker("redis"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded and generated files (report packs, imports' problem files) go
    to a fresh folder per test, never the worktree's media/. A shared folder
    let two xdist processes overwrite each other's same-named pack files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Rendered pages are cached under the data's versions (pmo/datacache.py).
    Each test's rolled-back data would reuse the same versions, so every test
    starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
