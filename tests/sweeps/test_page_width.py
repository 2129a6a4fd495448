"""Width sweep: every page fits a 1280 px desktop and a 375 px phone with no
sideways scroll of the page itself. A table wider than the screen scrolls
inside its own box (.pmo-table-wrap), which table-scroll.js marks as scrolling so
that its first column sticks and the box can take keyboard focus.

Each page is opened as the first role that can see it, in the order below:
PMO sees the most buttons and columns, so its pages are the widest.
"""

from __future__ import annotations

import pytest

from pmo.permissions import Role
from tests.sweeps.demo_world import seed_demo_world
from tests.sweeps.test_accessibility import _page_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)
ROLES = (Role.PMO, Role.FINANCE, Role.PROJECT_MANAGER, Role.SPONSOR, Role.CLT, Role.VIEWER)

# What overflows, measured in the page: the page itself, any table outside a
# scroll box that is wider than its parent, any scroll box that scrolls
# without the class that makes its first column sticky, and a scrolling
# table's caption wider than its box (half of it would be off screen).
MEASURE = """() => {
  const faults = [];
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth) {
    faults.push(`page is ${page.scrollWidth}px wide`);
  }
  for (const table of document.querySelectorAll("#main-content table")) {
    const name = (table.caption && table.caption.textContent.trim()) || table.id || "table";
    const box = table.closest(".pmo-table-wrap");
    if (!box && table.scrollWidth > table.parentElement.clientWidth + 1) {
      faults.push(`"${name}" overflows and is not in a scroll box`);
    }
    if (box && box.scrollWidth > box.clientWidth
        && !box.classList.contains("pmo-table-wrap--scrolls")) {
      faults.push(`"${name}" scrolls but is not marked to`);
    }
    if (box && table.caption && box.classList.contains("pmo-table-wrap--scrolls")
        && table.caption.getBoundingClientRect().width > box.clientWidth + 1) {
      faults.push(`"${name}" scrolls its caption out of view`);
    }
  }
  return faults;
}"""


@pytest.fixture
def demo_world(roles):
    return seed_demo_world()


def test_every_page_fits_a_desktop_and_a_phone(page_as, demo_world):
    urls, gaps = _page_urls(demo_world)
    assert gaps == [], "patterns the demo world has no object for"
    pages = {}
    seen_by: dict[str, Role] = {}
    faults: dict[str, list[str]] = {}
    measured = 0
    for width in WIDTHS:
        for url in urls.values():
            for role in [seen_by[url]] if url in seen_by else ROLES:
                key = (role, width)
                if key not in pages:
                    pages[key] = page_as(role, viewport={"width": width, "height": 900})
                page = pages[key]
                response = page.goto(url)
                if response.status in (403, 405):
                    continue
                assert response.status == 200, f"{role} {url}: {response.status}"
                seen_by[url] = role
                found = page.evaluate(MEASURE)
                measured += 1
                if found:
                    faults[f"{width}px {role} {url}"] = found
                break
    assert faults == {}
    # Every URL but sign-in (which a signed-in user is sent on from) is measured.
    assert measured >= 2 * (len(urls) - 1), measured
