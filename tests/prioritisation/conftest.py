# The Playwright fixtures for this app's browser tests.
from tests.browser import axe_violations, browser, page_as  # noqa: F401
