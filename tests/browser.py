"""Playwright on Debian's Chromium, with axe-core, for browser tests.

Import the fixtures in a test module's conftest or directly:
    from tests.browser import *  # noqa: F403  (fixtures: browser, page_as, axe_violations)

`playwright install` cannot download browsers here; Debian's chromium is at
/usr/bin/chromium (install it with apt-get; .ci/run does).
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.portfolio.factories import PASSWORD

CHROMIUM = os.environ.get("PMO_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google's
# hosts at start, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


# pytest makes one session fixture per module (or conftest) that imports
# `browser`, and a second sync_playwright() in the same thread fails, so
# every definition shares one Playwright and one Chromium, closed by the last.
_SHARED: dict = {}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    # Django refuses sync ORM calls inside Playwright's event loop otherwise.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not _SHARED:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _SHARED.update(
            playwright=playwright,
            browser=playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS),
            users=0,
        )
    _SHARED["users"] += 1
    yield _SHARED["browser"]
    _SHARED["users"] -= 1
    if not _SHARED["users"]:
        _SHARED["browser"].close()
        _SHARED["playwright"].stop()
        _SHARED.clear()


@pytest.fixture
def page_as(browser, live_server, roles):
    """page_as(Role.PMO) -> a Playwright page signed in through the real
    sign-in form as that role's user. page_as(None) is signed out."""
    contexts = []

    def open_page(role, viewport=None):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or {"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role is not None:
            page.goto("/login/")
            page.fill("#id_username", roles[role].username)
            page.fill("#id_password", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.wait_for_url(lambda url: "/login/" not in url)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def axe_violations():
    """axe_violations(page) -> list of WCAG 2.2 A/AA violations, as
    'rule-id: help (n nodes)' strings so a failing assert reads well."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def run(page, context=None):
        results = axe.run(
            page,
            context=context,
            options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
        )
        return [
            f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
            f"{', '.join(str(n['target']) for n in v['nodes'][:3])})"
            for v in results.response["violations"]
        ]

    return run
