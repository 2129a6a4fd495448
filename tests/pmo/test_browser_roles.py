"""Each role signs in through the real form in Chromium and sees its own
navigation; the sign-in and home pages have no WCAG 2.2 A/AA violations."""

import pytest

from pmo.permissions import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = ["Portfolio", "Prioritisation", "Benefits", "Partners", "Reports"]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_sees_its_navigation(page_as, role, tmp_path):
    page = page_as(role)
    nav = page.locator("#navigation a").all_inner_texts()
    expected = SECTIONS + (["Admin"] if role == Role.PMO else [])
    assert [text.strip() for text in nav] == expected
    assert page.locator("h1").inner_text() == "Portfolio dashboard"


def test_sign_in_page_has_no_accessibility_violations(page_as, axe_violations):
    page = page_as(None)
    page.goto("/login/")
    assert axe_violations(page) == []


def test_sign_in_error_is_shown_in_an_error_summary(page_as, axe_violations):
    page = page_as(None)
    page.goto("/login/")
    page.fill("#id_username", "pmo")
    page.fill("#id_password", "wrong password")
    page.click("button:has-text('Sign in')")
    summary = page.locator(".govuk-error-summary")
    assert "Please enter a correct username and password" in summary.inner_text()
    assert axe_violations(page) == []


def test_home_page_has_no_accessibility_violations(page_as, axe_violations):
    page = page_as(Role.PMO)
    page.wait_for_selector(".pmo-chart .main-svg")
    page.screenshot(path="test-results/home-pmo.png", full_page=True)
    assert axe_violations(page) == []
