"""Every chart has a text or table alternative: on every page of the demo
council (as the PMO, who sees every page), each `data-plotly-figure` is
described (aria-describedby) by a table's caption, a table, or a sentence
of text that exists on the page, and its figure data is on the page."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from pmo.permissions import Role
from tests.sweeps.demo_world import kwargs_for, page_patterns, seed_demo_world

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Page(HTMLParser):
    """Elements with an id: their tag, their text, and the tags around them;
    and every chart's attributes."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.ids: dict[str, dict] = {}
        self.charts: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-plotly-figure" in attrs:
            self.charts.append(attrs)
        element_id = attrs.get("id")
        if element_id:
            self.ids[element_id] = {
                "tag": tag,
                "text": "",
                "inside": [t for t, _ in self.stack],
                "class": attrs.get("class", ""),
            }
        if tag not in VOID:
            self.stack.append((tag, element_id))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        for _tag, element_id in self.stack:
            if element_id:
                self.ids[element_id]["text"] += data


def _is_alternative(target: dict) -> bool:
    text = " ".join(target["text"].split())
    if target["tag"] == "table" or (target["tag"] == "caption" and "table" in target["inside"]):
        return True
    return len(text) >= 30  # a sentence that says what the chart shows


@pytest.mark.django_db
def test_every_chart_on_every_page_has_a_table_or_text_alternative(client, roles):
    world = seed_demo_world()
    # Seeding sets the demo password, so sign in as the PMO as it is now.
    client.force_login(get_user_model().objects.get(username=roles[Role.PMO].username))
    charts_seen = set()
    problems = []
    for name, pattern in page_patterns():
        kwargs = kwargs_for(name, pattern, world)
        assert kwargs is not None, name
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = _Page()
        page.feed(response.content.decode())
        for chart in page.charts:
            figure = chart["data-plotly-figure"]
            charts_seen.add(f"{name}:{figure}")
            if figure not in page.ids or page.ids[figure]["tag"] != "script":
                problems.append(f"{url} {figure}: no figure data on the page")
            described = (chart.get("aria-describedby") or "").split()
            if not described:
                problems.append(f"{url} {figure}: no aria-describedby")
            for target_id in described:
                target = page.ids.get(target_id)
                if target is None:
                    problems.append(f"{url} {figure}: #{target_id} is not on the page")
                elif not _is_alternative(target):
                    problems.append(f"{url} {figure}: #{target_id} is no table or text")
    assert problems == []
    # The dashboard, the grid, the presenter view, the benefits summary and a
    # benefit's profile, KPIs and a partner page all draw charts.
    assert len(charts_seen) >= 7, sorted(charts_seen)
