"""The monthly pack as PowerPoint and as PDF, read back the way a reader's
software reads them (python-pptx; pypdf for the PDF's text and tags) and
compared with the pack's workbook: the same figures, to the penny."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from pmo import reports, tasks
from pmo.models import ReportRun, ReportType
from pmo.templatetags.pmo import money_exact

pytestmark = pytest.mark.django_db


def _generated(kind: str) -> ReportRun:
    run = reports.report_run_request(
        report_type=kind, period=timezone.localdate().replace(day=1), enqueue=False
    )
    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "succeeded"
    run.refresh_from_db()
    return run


@pytest.fixture
def pack(db) -> ReportRun:
    call_command("seed_demo", password="demo-password-123", stdout=io.StringIO())
    return _generated(ReportType.PORTFOLIO)


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _sheet(run: ReportRun, name: str) -> tuple[list, list[tuple]]:
    rows = list(load_workbook(io.BytesIO(_read(run.xlsx_file)))[name].iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def _pence(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _slides(run: ReportRun):
    return list(Presentation(io.BytesIO(_read(run.pptx_file))).slides)


def _chart(slides, title: str):
    (slide,) = [s for s in slides if s.shapes.title.text.startswith(title)]
    (frame,) = [shape for shape in slide.shapes if shape.has_chart]
    return frame


def _table_rows(slides, title: str) -> list[list[str]]:
    rows = []
    for slide in slides:
        if slide.shapes.title.text.startswith(title):
            for shape in slide.shapes:
                if shape.has_table:
                    cells = [[cell.text for cell in row.cells] for row in shape.table.rows]
                    rows.extend(cells[1:])
    return rows


def test_the_slides_carry_the_workbook_s_figures_as_native_charts_and_tables(pack):
    slides = _slides(pack)
    footer = f"{settings.PMO_ORGANISATION_NAME} · Monthly portfolio pack · {pack.period_label}"
    for slide in slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert footer in texts, slide.shapes.title.text
        # Charts are PowerPoint's own, editable: no slide is a picture.
        assert all(s.shape_type != MSO_SHAPE_TYPE.PICTURE for s in slide.shapes)
    assert slides[0].shapes.title.text == f"Monthly portfolio pack: {pack.period_label}"

    # The RAG summary: this month's and last month's counts by rating.
    header, rows = _sheet(pack, "Delivery confidence")
    chart = _chart(slides, "Delivery confidence").chart
    assert list(chart.plots[0].categories) == [row[0] for row in rows]
    for series in chart.plots[0].series:
        column = header.index(series.name)
        assert list(series.values) == [row[column] for row in rows]
    assert {s.name for s in chart.plots[0].series} == set(header[1:3])

    # Benefits by financial year, to the penny.
    header, rows = _sheet(pack, "Benefits by year")
    frame = _chart(slides, "Benefits by financial year")
    assert list(frame.chart.plots[0].categories) == [row[0] for row in rows]
    assert [s.name for s in frame.chart.plots[0].series] == [
        "Plan (incremental)",
        "Forecast (incremental)",
        "Actual (incremental)",
    ]
    for series in frame.chart.plots[0].series:
        column = header.index(series.name)
        assert [_pence(v) for v in series.values] == [_pence(row[column]) for row in rows]
    assert sum(_pence(row[header.index("Plan (incremental)")]) for row in rows) > 0
    alt = frame._element.nvGraphicFramePr.cNvPr.get("descr")
    assert alt.startswith("Column chart of benefits by financial year")
    assert money_exact(rows[1][header.index("Forecast (incremental)")]) in alt

    # The grid: one series per range, as many points as the range counts.
    header, rows = _sheet(pack, "Projects by range")
    counts = {row[0]: row[header.index("Projects")] for row in rows}
    grid = _chart(slides, "The grid").chart
    plotted = {s.name: sum(v is not None for v in s.values) for s in grid.plots[0].series}
    assert plotted == {name: n for name, n in counts.items() if name in plotted}
    assert sum(plotted.values()) == sum(n for name, n in counts.items() if name in plotted) > 0

    # The exceptions and the month ahead as tables, row for row.
    for sheet, title in (
        ("Red and Amber-Red", "Exceptions: Red and Amber-Red"),
        ("Overdue milestones", "Exceptions: Overdue milestones"),
        ("Escalated risks", "Looking ahead to"),
    ):
        header, rows = _sheet(pack, sheet)
        on_slides = _table_rows(slides, title)
        if sheet == "Escalated risks":
            on_slides = [r for r in on_slides if len(r) == len(header)]
        assert [r[0] for r in on_slides] == [row[0] for row in rows], sheet
    header, rows = _sheet(pack, "Red and Amber-Red")
    assert rows, "the demo has Red projects"
    assert _table_rows(slides, "Exceptions: Red and Amber-Red")[0][1] == rows[0][1]


def _struct_elements(node, found):
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            _struct_elements(child, found)
        return found
    if hasattr(node, "get") and "/S" in node:
        found.append(node)
    if hasattr(node, "get") and "/K" in node:
        _struct_elements(node["/K"], found)
    return found


def test_the_pdf_is_tagged_with_headings_tables_and_chart_text_and_has_the_workbook_s_money(
    pack,
):
    reader = PdfReader(io.BytesIO(_read(pack.pdf_file)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title.startswith(f"Monthly portfolio pack: {pack.period_label}")
    elements = _struct_elements(root["/StructTreeRoot"], [])
    kinds = {str(e["/S"]) for e in elements}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= kinds
    figures = [e for e in elements if e["/S"] == "/Figure"]
    alts = [str(e.get("/Alt", "")) for e in figures]
    assert len([a for a in alts if a]) == 3, alts  # the RAG summary, the grid, benefits by year
    assert any(a.startswith("Scatter chart of") for a in alts)

    text = "\n".join(page.extract_text() for page in reader.pages)
    for title in ("The portfolio at a glance", "Exceptions", "Benefits: "):
        assert title in text
    header, rows = _sheet(pack, "Benefits by year")
    for row in rows:
        for name in ("Plan (incremental)", "Forecast (incremental)", "Actual (incremental)"):
            assert money_exact(row[header.index(name)]) in text, (row[0], name)
    assert f"Page 1 of {len(reader.pages)}" in text


def test_the_benefits_report_is_a_workbook_only_and_the_clt_pack_has_slides(db):
    call_command("seed_demo", password="demo-password-123", stdout=io.StringIO())
    benefits = _generated(ReportType.BENEFITS)
    assert [fmt for fmt, _label, _file in benefits.files()] == ["html", "xlsx", "csv"]
    clt = _generated(ReportType.CLT)
    assert [fmt for fmt, _label, _file in clt.files()] == ["html", "xlsx", "csv", "pptx", "pdf"]
    slides = _slides(clt)
    header, rows = _sheet(clt, "Ranked list")
    ranked = _table_rows(slides, "The ranked list: Ranked list")
    assert [r[2] for r in ranked] == [row[header.index("Title")] for row in rows]
    assert _chart(slides, "The grid").chart.plots[0].series


def test_a_council_s_own_template_is_used_and_a_missing_one_is_named(pack, settings, tmp_path):
    from pmo import slides

    sections = reports.collect_sections(pack.report_type, pack.period, lambda *_: None)
    settings.PMO_PACK_PPTX_TEMPLATE = str(tmp_path / "missing.pptx")
    with pytest.raises(reports.ReportError, match="missing.pptx could not be read"):
        slides.pptx_bytes(pack, sections)
    own = Presentation(settings.BASE_DIR / "templates" / "reports" / "pack-template.pptx")
    own.core_properties.title = "Brighton and Hove pack"
    own.save(tmp_path / "own.pptx")
    settings.PMO_PACK_PPTX_TEMPLATE = str(tmp_path / "own.pptx")
    deck = Presentation(io.BytesIO(slides.pptx_bytes(pack, sections)))
    assert deck.core_properties.title == "Brighton and Hove pack"
    assert len(deck.slides) == len(_slides(pack))


def test_a_chart_label_with_dollars_and_line_breaks_is_drawn_as_written():
    from pmo.pdf import chart_svg
    from pmo.reports import Chart

    chart = Chart(
        title="Costs",
        kind="column",
        categories=["$5m and $6m", "Two\r\nlines\t"],
        series=[("Plan", [Decimal("1.00"), Decimal("2.00")])],
        alt="Column chart of costs.",
    )
    svg = chart_svg(chart).decode("utf-8")
    # matplotlib writes drawn text as glyph paths with the text in a comment.
    assert "$5m and $6m" in svg
    assert "Two lines" in svg
