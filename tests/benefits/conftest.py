"""Browser fixtures for tests/benefits/test_browser.py.

`browser` is re-declared here with module scope: tests.browser's is
session-scoped, and when two test modules each import it, pytest keeps two
sessions' worth of Playwright alive at once, which the sync API refuses
("using Playwright Sync API inside the asyncio loop"). Closing ours at the
end of the module lets the other apps' browser tests start their own.
"""

import os
import shutil

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, axe_violations, page_as  # noqa: F401


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
