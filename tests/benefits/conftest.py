# Browser fixtures for tests/benefits/test_browser.py.
from tests.browser import axe_violations, browser, page_as  # noqa: F401
