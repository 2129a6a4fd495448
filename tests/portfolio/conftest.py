# Browser fixtures (Playwright on Debian's Chromium, axe) for the register's browser tests.
from tests.browser import axe_violations, browser, page_as  # noqa: F401
