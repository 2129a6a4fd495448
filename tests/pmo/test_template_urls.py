"""Templates link to the app's pages with {% url %}, never a hard-coded path
(#18): a path written out by hand breaks silently when a route is renamed or
moved, and ignores the prefix when the app is served below the site root."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# An app path is "/" and a letter. It is hard-coded where it opens a quoted
# string (an attribute value, single- or double-quoted, or a string in a
# template's JavaScript), an unquoted attribute value or a CSS url(), or where
# it follows a template tag ("{% if p %}/projects/..." or "{% url 'x' %}/edit/").
# The site root on its own is one too, as a whole attribute value.
HARD_CODED_PATH = re.compile(
    r"""(?:["'`]|[\w-]=|url\(\s*|%\})(?P<path>/[A-Za-z][^"'`\s<>{)]*)"""
    r"""|[\w-]=(?P<quote>["'])(?P<root>/)(?P=quote)"""
)

# Comments are prose, not links: "{# htmx loads /projects/<ref>/tabs/ #}".
COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)

# What must stay literal, as (file, line text) pairs. Only the home links in
# base.html: 500.html extends it, and the error page has to render without
# resolving a URL (its template gets no request and no user, so the other
# {% url %} tags in base.html, all behind {% if user.is_authenticated %}, are
# not reached). "/" is the dashboard's own route, portfolio:dashboard.
ALLOWED = {
    ("base.html", '<a href="/" class="govuk-header__link govuk-header__link--homepage">'),
    (
        "base.html",
        '<a href="/" class="govuk-service-navigation__link">'
        '{{ service_name|default:"Transformation PMO" }}</a>',
    ),
}


def hard_coded_paths(text: str) -> list[tuple[int, str]]:
    """(line number, path) for each hard-coded app path in a template."""
    text = COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    return [
        (text.count("\n", 0, m.start()) + 1, m.group("path") or m.group("root"))
        for m in HARD_CODED_PATH.finditer(text)
    ]


def _template_files():
    for path in sorted(TEMPLATES.rglob("*")):
        if not path.is_file():
            continue
        try:
            yield path, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary, such as the slide deck reports/pack-template.pptx


def test_no_template_hard_codes_an_app_path():
    found = []
    checked = 0
    for path, text in _template_files():
        checked += 1
        name = path.relative_to(TEMPLATES).as_posix()
        lines = text.splitlines()
        for number, found_path in hard_coded_paths(text):
            line = lines[number - 1].strip()
            if (name, line) not in ALLOWED:
                found.append(f"templates/{name}:{number}: {found_path}  ({line[:120]})")
    assert checked > 100, f"only {checked} templates read from {TEMPLATES}"
    assert found == [], "use {% url 'app:name' ... %} instead of these paths:\n" + "\n".join(found)


def test_every_allowed_line_is_still_there():
    # An allow-list entry whose line has gone (or been fixed) is removed too.
    present = {
        (path.relative_to(TEMPLATES).as_posix(), line.strip())
        for path, text in _template_files()
        for line in text.splitlines()
    }
    assert ALLOWED <= present, ALLOWED - present


@pytest.mark.parametrize(
    "snippet, path",
    [
        ('<a href="/projects/{{ p.reference }}/">', "/projects/"),
        ('<a href="/projects/?sort=-rag">', "/projects/?sort=-rag"),
        ("<a href='/prioritisation/grid/'>", "/prioritisation/grid/"),
        ('<form method="get" action="/projects/">', "/projects/"),
        ('<form hx-get="/projects/?{{ query }}">', "/projects/?"),
        ('<a hx-post="/benefits/1/approve/">', "/benefits/1/approve/"),
        ('<div data-url="/benefits/summary/">', "/benefits/summary/"),
        ("<a href=/my/>", "/my/"),
        ('<a href="{% if p %}/projects/{{ p.reference }}/{% endif %}">', "/projects/"),
        ("<a href=\"{% url 'portfolio:detail' p.reference %}/edit/\">", "/edit/"),
        ("<script>fetch(`/benefits/${id}/`)</script>", "/benefits/$"),
        ("<script>htmx.ajax('GET', '/projects/', '#results')</script>", "/projects/"),
        ('<div style="background: url(/static/x.png)">', "/static/x.png"),
        ('<a href="/">', "/"),
    ],
)
def test_a_hard_coded_path_is_found(snippet, path):
    assert hard_coded_paths(f"<p>\n{snippet}\n</p>") == [(2, path)]


@pytest.mark.parametrize(
    "snippet",
    [
        "<a href=\"{% url 'portfolio:register' %}?sort=-rag\">",
        "<a href=\"{% url 'portfolio:detail' p.reference %}?tab=gates#gates\">",
        "<script src=\"{% static 'js/app.js' %}\"></script>",
        '<a href="https://www.gov.uk/help/accessibility">',
        '<a href="//example.org/x">',
        '<a href="#main-content">',
        '<a href="{{ item.url }}">',
        '<a href="mailto:pmo@example.gov.uk">',
        "<p>Savings of £{{ saving }} a year, 3/4 of them recurrent.</p>",
        "{# htmx loads the others from /projects/<reference>/tabs/<id>/ #}",
        '{% comment %}See "/projects/".{% endcomment %}',
        '{% include "portfolio/_project_tabs.html" %}',
    ],
)
def test_a_link_by_name_or_elsewhere_is_not(snippet):
    assert hard_coded_paths(snippet) == []
