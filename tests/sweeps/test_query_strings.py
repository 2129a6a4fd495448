"""No URL returns a server error for any query string.

Every GET route of the demo council (pages, fragments and exports), as the
PMO, who sees them all, is asked with every query parameter it reads set to
values a user, an old bookmark or a hand-edited link can carry: words where
numbers go, numbers too big for any column, impossible dates, NUL bytes
(which PostgreSQL refuses in text), and whatever else hypothesis draws.
Bad values are the filter forms' business (a GOV.UK message, or ignored with
a message); nothing may reach the database unvalidated and fail there.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo.permissions import Role
from tests.sweeps.demo_world import kwargs_for, page_patterns, seed_demo_world

# Routes that do not answer GET with a page or a file of their own.
NOT_GET = {"logout", "prioritisation:calibration_remove"}

# What the views read from request.GET, whichever page: asked of every
# route, with the names each page's own forms and links use.
READ_ANYWHERE = (
    "page",
    "sort",
    "q",
    "year",
    "view",
    "format",
    "tab",
    "impact",
    "risk",
    "service",
    "quarter",
    "weighted",
    "directorate",
    "workstream",
    "stage",
    "phase",
    "size",
    "measure",
    "project",
    "cancel",
    "status",
    "range",
    "rag",
)

NASTY = (
    "abc",
    "\x00",
    "-1",
    "99999999999999999999999",
    "2026-13-45",
    "1e309",
)
VALUES = st.one_of(
    st.sampled_from((*NASTY, "", " ", "0", "1.5", "none", "NaN", "'", "%", "2026-02-30")),
    st.integers(-(2**70), 2**70).map(str),
    st.text(max_size=20),
)


class _QueryNames(HTMLParser):
    """The names a page's GET forms submit and its own links carry."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.names: set[str] = set()
        self.in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self.in_get_form and attrs.get("name"):
            self.names.add(attrs["name"])
        elif tag == "a" and attrs.get("href"):
            href = urlsplit(attrs["href"])
            if href.path in ("", self.path) and href.query:
                self.names.update(name for name, _ in parse_qsl(href.query))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False


def _routes(world) -> list[tuple[str, str]]:
    """Every GET route with the demo world's objects in its address; the
    files' own names from the modules that list them."""
    from benefits.exports import SHEETS
    from portfolio.partners.exports import DATASETS

    files = {
        "benefits:export_csv": [{"sheet": sheet} for sheet in SHEETS],
        "partners:export": [{"dataset": d, "fmt": f} for d in DATASETS for f in ("csv", "xlsx")],
        "reports:download": [
            {"pk": world["report_run"].pk, "fmt": fmt} for fmt in ("html", "xlsx", "csv")
        ],
        "portfolio:tab": [
            {"reference": world["project"].reference, "tab_id": tab}
            for tab in ("overview", "milestones", "risks", "benefits", "prioritisation")
        ],
    }
    routes = []
    for name, pattern in page_patterns(skip=NOT_GET):
        every = files.get(name) or [kwargs_for(name, pattern, world)]
        for kwargs in every:
            assert kwargs is not None, f"the demo world has nothing for {name}"
            routes.append((name, reverse(name, kwargs=kwargs)))
    return routes


def _names_on(client, url: str) -> set[str]:
    """The names the page's own GET forms and links use."""
    response = client.get(url)
    assert response.status_code < 500, url
    names = set()
    if response.get("Content-Type", "").startswith("text/html"):
        parser = _QueryNames(url)
        parser.feed(response.content.decode())
        names = parser.names - {"csrfmiddlewaretoken"}
    return names


@pytest.mark.django_db
def test_no_get_route_returns_a_server_error_for_any_query_string(client):
    world = seed_demo_world()
    pmo = get_user_model().objects.get(username="pmo")
    assert pmo.groups.filter(name=Role.PMO.value).exists()
    client.force_login(pmo)
    failures = []

    def check(url, query, htmx=False):
        headers = {"HX-Request": "true"} if htmx else {}
        where = f"{url} {query!r}{' (htmx)' if htmx else ''}"
        try:
            response = client.get(url, query, headers=headers)
        except Exception as exc:  # the test client re-raises a view's error
            failures.append(f"{where}: {type(exc).__name__}: {exc}")
            return
        if response.status_code >= 500:
            failures.append(f"{where}: {response.status_code}")

    for _name, url in _routes(world):
        own = _names_on(client, url)
        # Each of the page's own names alone, with each of the values most
        # likely to break it; then every name read anywhere, all at once.
        for param in sorted(own):
            for value in NASTY:
                check(url, {param: value})
        every = sorted(own | set(READ_ANYWHERE))
        for value in NASTY:
            check(url, dict.fromkeys(every, value))
            check(url, dict.fromkeys(every, value), htmx=True)
        # Then hypothesis: a few names at once, with anything in them.
        fuzz(url, every, check)
    assert not failures, "server errors for\n" + "\n".join(failures)


def fuzz(url: str, names: list[str], check) -> None:
    @settings(
        max_examples=6,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=4))
    def any_query(query):
        check(url, query)

    any_query()
