"""The pack as PowerPoint slides (python-pptx), from the same sections as
the HTML and XLSX pack: a title slide, then each section's charts as native,
editable PowerPoint charts, and its tables where the section puts them on
slides (`Section.slide_tables`). Every slide carries the council's name, the
report and the month.

The slides are built on a template file, PMO_PACK_PPTX_TEMPLATE (by default
templates/reports/pack-template.pptx): a council swaps in its own, made in
PowerPoint from its corporate template, keeping two layouts named
"Title Slide" and "Title Only" (PowerPoint's own names) and no slides.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu, Inches, Pt

from pmo.models import ReportRun
from pmo.reports import Chart, ReportError, Section, Table
from pmo.spreadsheets import formula_safe
from pmo.templatetags.pmo import money_exact, ukdate

# A table slide holds this many rows under its header; longer tables go on.
ROWS_PER_SLIDE = 12
TITLE_LAYOUT, CONTENT_LAYOUT = "Title Slide", "Title Only"
MARGIN = Inches(0.5)


def _layout(presentation, name: str, fallback: int):
    for layout in presentation.slide_layouts:
        if layout.name == name:
            return layout
    try:
        return presentation.slide_layouts[fallback]
    except IndexError:
        raise ReportError(
            f"The PowerPoint template {settings.PMO_PACK_PPTX_TEMPLATE} has no "
            f"“{name}” layout. Use a template with PowerPoint's Title Slide and "
            "Title Only layouts."
        ) from None


def _footer(slide, presentation, text: str) -> None:
    width = presentation.slide_width - 2 * MARGIN
    box = slide.shapes.add_textbox(
        MARGIN, presentation.slide_height - Inches(0.45), width, Inches(0.3)
    )
    paragraph = box.text_frame.paragraphs[0]
    paragraph.text = text
    paragraph.font.size = Pt(10)
    paragraph.font.color.rgb = RGBColor(0x50, 0x5A, 0x5F)


def _title(slide, text: str, size: int = 28) -> None:
    """The slide's title, at a size that fits a long pack title on one line."""
    title = slide.shapes.title
    title.text = text
    for paragraph in title.text_frame.paragraphs:
        paragraph.font.size = Pt(size)


def _cell_text(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        return money_exact(value)
    if isinstance(value, datetime.date):
        return ukdate(value)
    if kind == "integer" and isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def _widths(table: Table, rows: Sequence[Sequence], total: int) -> list[int]:
    """Columns share the width by how long their text runs, within limits."""
    weights = []
    for i, column in enumerate(table.columns):
        longest_word = max(len(word) for word in column.header.split())
        longest = max([len(column.header)] + [len(_cell_text(r[i], column.kind)) for r in rows])
        weights.append(min(max(longest, longest_word + 3, 8), 40))
    scale = total / sum(weights)
    return [int(w * scale) for w in weights]


def _content_area(presentation) -> tuple[int, int, int, int]:
    top = Inches(1.35)
    return (
        MARGIN,
        top,
        presentation.slide_width - 2 * MARGIN,
        presentation.slide_height - top - Inches(0.6),
    )


def _table_slides(presentation, layout, section: Section, table: Table, footer: str) -> None:
    chunks = [table.rows[i : i + ROWS_PER_SLIDE] for i in range(0, len(table.rows), ROWS_PER_SLIDE)]
    left, top, width, height = _content_area(presentation)
    for number, rows in enumerate(chunks or [[]], start=1):
        slide = presentation.slides.add_slide(layout)
        part = f" ({number} of {len(chunks)})" if len(chunks) > 1 else ""
        name = table.title if table.title == section.title else f"{section.title}: {table.title}"
        _title(slide, f"{name}{part}")
        _footer(slide, presentation, footer)
        if not rows:
            box = slide.shapes.add_textbox(left, top, width, Inches(0.5))
            box.text_frame.text = f"None for this month ({table.title.lower()})."
            box.text_frame.paragraphs[0].font.size = Pt(16)
            continue
        shape = slide.shapes.add_table(
            len(rows) + 1, len(table.columns), left, top, width, Inches(0.3) * (len(rows) + 1)
        )
        grid = shape.table
        for i, column_width in enumerate(_widths(table, rows, width)):
            grid.columns[i].width = Emu(column_width)
        for i, column in enumerate(table.columns):
            grid.cell(0, i).text = column.header
        for r, row in enumerate(rows, start=1):
            for i, column in enumerate(table.columns):
                grid.cell(r, i).text = _cell_text(row[i], column.kind)
        for cell in (
            grid.cell(r, c) for r in range(len(rows) + 1) for c in range(len(table.columns))
        ):
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(10)


def _chart_data(chart: Chart):
    if chart.kind == "scatter":
        # Every series shares one column of x values, with a y value only
        # at its own points: LibreOffice draws only the last series of a
        # scatter whose series each have their own x values.
        xy = XyChartData()
        xs = [x for _, points in chart.series for x, _ in points]
        start = 0
        for name, points in chart.series:
            ys = [None] * len(xs)
            ys[start : start + len(points)] = [y for _, y in points]
            start += len(points)
            series = xy.add_series(formula_safe(name))
            for x, y in zip(xs, ys, strict=True):
                series.add_data_point(float(x), None if y is None else float(y))
        return XL_CHART_TYPE.XY_SCATTER, xy
    data = CategoryChartData(number_format='"£"#,##0.00' if chart.money else "0")
    # The chart's figures also go into a workbook inside the slide (what
    # "Edit data" opens), so its text is made safe as every export's is.
    data.categories = [formula_safe(category) for category in chart.categories]
    for name, values in chart.series:
        data.add_series(formula_safe(name), [float(v) for v in values])
    return XL_CHART_TYPE.COLUMN_CLUSTERED, data


def _axis_title(axis, text: str) -> None:
    if text:
        axis.has_title = True
        axis.axis_title.text_frame.text = text


def _chart_slide(presentation, layout, section: Section, chart: Chart, footer: str) -> None:
    slide = presentation.slides.add_slide(layout)
    _title(slide, chart.title)
    _footer(slide, presentation, footer)
    kind, data = _chart_data(chart)
    frame = slide.shapes.add_chart(kind, *_content_area(presentation), data)
    # The chart's alternative text, read by screen readers in PowerPoint.
    frame._element.nvGraphicFramePr.cNvPr.set("descr", chart.alt)
    native = frame.chart
    native.has_legend = True
    native.legend.position = XL_LEGEND_POSITION.BOTTOM
    native.legend.include_in_layout = False
    _axis_title(native.category_axis, chart.x_title)
    _axis_title(native.value_axis, chart.y_title)
    if chart.kind == "scatter":  # scores run 0 to 100 on both axes, as on the grid page
        for axis in (native.category_axis, native.value_axis):
            axis.minimum_scale, axis.maximum_scale = 0, 100
    for index, series in enumerate(native.plots[0].series):
        colour = RGBColor.from_string(chart.colour(index).lstrip("#"))
        if chart.kind == "scatter":
            series.marker.size = 10
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colour
            series.format.line.fill.background()  # points, not lines
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour


def pptx_bytes(run: ReportRun, sections: Sequence[Section]) -> bytes:
    try:
        presentation = Presentation(settings.PMO_PACK_PPTX_TEMPLATE)
    except Exception as exc:  # a missing or corrupt file: say which
        raise ReportError(
            f"The PowerPoint template {settings.PMO_PACK_PPTX_TEMPLATE} could not be read "
            f"({type(exc).__name__}). Check PMO_PACK_PPTX_TEMPLATE."
        ) from exc
    title_layout = _layout(presentation, TITLE_LAYOUT, 0)
    content_layout = _layout(presentation, CONTENT_LAYOUT, 5)
    footer = (
        f"{settings.PMO_ORGANISATION_NAME} · {run.get_report_type_display()} · {run.period_label}"
    )
    cover = presentation.slides.add_slide(title_layout)
    _title(cover, f"{run.get_report_type_display()}: {run.period_label}", size=40)
    if len(cover.placeholders) > 1:
        cover.placeholders[1].text = f"{settings.PMO_ORGANISATION_NAME}, version {run.version}"
    _footer(cover, presentation, footer)
    for section in sections:
        for chart in section.charts:
            _chart_slide(presentation, content_layout, section, chart, footer)
        if section.slide_tables:
            for table in section.tables:
                _table_slides(presentation, content_layout, section, table, footer)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()
