"""Accessibility sweep: every page of the app, as each role that can see it,
and the error states of the main forms, scanned with axe-core for WCAG 2.2
A and AA. One browser context per role; one URL per URL pattern.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from pmo.permissions import Role
from tests.portfolio.access import PROJECT_TABS
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
    # The project page renders one tab at a time: scan each as the active
    # tab, the same markup htmx swaps into its panel.
    detail = reverse("portfolio:detail", kwargs={"reference": world["project"].reference})
    for tab in PROJECT_TABS:
        urls[f"portfolio:detail?tab={tab}"] = f"{detail}?tab={tab}"
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


BAD_FILE = {"name": "register.xlsx", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 not"}


def _form_cases(world):
    """(role, url, file to upload or None, expect an error summary)."""
    project = world["project"]
    benefit = world["benefit"]
    year = world["year"]
    return {
        "project create": (Role.PMO, reverse("portfolio:new"), None, True),
        "monthly update": (
            Role.PROJECT_MANAGER,
            reverse("portfolio:update_new", kwargs={"reference": project.reference}),
            None,
            True,
        ),
        "score form": (
            Role.PROJECT_MANAGER,
            reverse("prioritisation_project:score", kwargs={"reference": project.reference}),
            None,
            True,
        ),
        "record actual": (
            Role.FINANCE,
            reverse("benefits:record_actual", kwargs={"pk": benefit.pk}),
            None,
            True,
        ),
        # Signing off with nothing typed may be accepted: the page it leads
        # to (the benefit, or the refusal) is what is scanned.
        "sign-off": (
            Role.FINANCE,
            reverse("benefits:sign_off", kwargs={"pk": benefit.pk, "year": year}),
            None,
            False,
        ),
        "project import, bad file": (Role.PMO, reverse("portfolio:import"), BAD_FILE, True),
        "benefits import, bad file": (Role.FINANCE, reverse("benefits:import"), BAD_FILE, True),
        "partnership review": (
            Role.PMO,
            reverse("partners:review_create", kwargs={"partner_pk": world["partner"].pk}),
            None,
            True,
        ),
    }


def test_the_error_states_of_the_main_forms_have_no_wcag_violations(
    page_as, axe_violations, demo_world
):
    found = {}
    pages = {}
    for case, (role, url, upload, expect_errors) in _form_cases(demo_world).items():
        page = pages.get(role) or pages.setdefault(role, page_as(role))
        assert page.goto(url).status == 200, f"{case}: {url}"
        if upload:
            page.locator("#main-content input[type='file']").set_input_files(upload)
        # Forms open prefilled (a scored project shows its scores): blank the
        # text so the form is refused.
        for area in page.locator("#main-content form[method='post'] textarea").all():
            area.fill("")
        with page.expect_navigation():
            # A draft saves without checks: the score form is submitted.
            buttons = page.locator("#main-content form[method='post'] [type='submit']")
            submit = buttons.filter(has_text="Submit for moderation")
            (submit if submit.count() else buttons.last).click()
        if expect_errors:
            assert page.locator(".govuk-error-summary").count(), f"{case}: no error summary"
        violations = axe_violations(page)
        if violations:
            found[case] = violations
    assert found == {}
