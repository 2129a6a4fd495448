"""The downloaded HTML pack stands alone: it is e-mailed and opened from
disk, so everything it needs (styles, plotly.js, the drawing script) is
inside the file and nothing is fetched from anywhere."""

import datetime
from html.parser import HTMLParser

import pytest

from pmo import reports, tasks
from pmo.models import ReportType
from tests.reports.factories import month_of_reporting

OCTOBER = datetime.date(2026, 10, 1)
# Attributes through which an HTML document fetches something.
FETCHING = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src"}


class _References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fetched: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False
        self._script_type = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in FETCHING and attrs.get(FETCHING[tag]):
            self.fetched.append(f"<{tag} {FETCHING[tag]}={attrs[FETCHING[tag]]}>")
        if tag == "script":
            self._in_script, self._script_type = True, attrs.get("type")
            self.inline_scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and self._script_type is None:
            self.inline_scripts[-1] += data


def _document(report_type=ReportType.PORTFOLIO) -> str:
    month_of_reporting(OCTOBER)
    run = reports.report_run_request(report_type=report_type, period=OCTOBER, enqueue=False)
    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "succeeded"
    run.refresh_from_db()
    with run.html_file.open("rb") as handle:
        return handle.read().decode("utf-8")


@pytest.mark.django_db
def test_the_html_pack_carries_plotly_and_its_drawing_script_inside_the_file():
    document = _document()

    parsed = _References()
    parsed.feed(document)

    assert parsed.fetched == []  # no script, stylesheet or image is fetched
    code = [text for text in parsed.inline_scripts if text]
    assert len(code) == 3
    assert "pmo-table-wrap--scrolls" in code[0]  # a wide table's box scrolls by keyboard
    assert "plotly.js v" in code[1][:200]
    assert "Plotly.newPlot" in code[2]
    assert 'data-plotly-figure="portfolio-overview-stages"' in document


@pytest.mark.django_db
def test_a_pack_with_no_charts_carries_only_the_table_script_not_plotly(monkeypatch):
    real = reports.render_pack
    monkeypatch.setattr(
        reports,
        "render_pack",
        lambda run, sections: real(run, [s for s in sections if s.key == "portfolio-exceptions"]),
    )

    parsed = _References()
    parsed.feed(_document())

    assert parsed.fetched == []
    [code] = [text for text in parsed.inline_scripts if text]
    assert "Plotly" not in code
    assert "pmo-table-wrap--scrolls" in code


def test_a_script_that_would_end_its_element_early_is_refused(monkeypatch, tmp_path):
    script = tmp_path / "broken.js"
    script.write_text('document.write("</SCRIPT>")', encoding="utf-8")
    monkeypatch.setattr(reports.finders, "find", lambda path: str(script))

    with pytest.raises(reports.ReportError, match="cannot be inlined"):
        reports.inline_scripts(reports.OFFLINE_CHART_SCRIPTS)
