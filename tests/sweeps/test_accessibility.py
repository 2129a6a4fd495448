"""Accessibility sweep: every page of the app, as each role that can see it,
and the error states of the main forms, scanned with axe-core for WCAG 2.2
A and AA. One browser context per role; one URL per URL pattern.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from pmo.permissions import Role
from tests.sweeps.demo_world import kwargs_for, page_patterns, seed_demo_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world(roles):
    return seed_demo_world()


def _page_urls(world) -> tuple[dict[str, str], list[str]]:
    urls, gaps = {}, []
    for name, pattern in page_patterns():
        kwargs = kwargs_for(name, pattern, world)
        if kwargs is None:
            gaps.append(name)
        else:
            urls[name] = reverse(name, kwargs=kwargs)
    return urls, gaps


def test_every_page_as_every_role_has_no_wcag_violations(page_as, axe_violations, demo_world):
    urls, gaps = _page_urls(demo_world)
    assert gaps == [], "patterns the demo world has no object for"
    found: dict[str, list[str]] = {}
    scanned = {role: 0 for role in Role}
    for role in Role:
        page = page_as(role)
        for name, url in urls.items():
            response = page.goto(url)
            if response.status in (403, 405) or name == "login":
                continue
            assert response.status == 200, f"{role} {url}: {response.status}"
            violations = axe_violations(page)
            scanned[role] += 1
            if violations:
                found[f"{role} {url}"] = violations
        page.context.close()
    assert found == {}
    # Everyone reads the register, dashboards, benefits and partners.
    assert min(scanned.values()) >= 15, scanned
