"""The pack as an accessible PDF: the HTML pack's sections printed by
WeasyPrint as tagged PDF (PDF/UA-1: headings, tables with their header
cells, the reading order of the page, the document's language and title),
with each section's charts drawn as pictures whose alternative text says
what they show. The interactive Plotly charts need a browser, so the PDF
shows the section's `Chart`s instead, beside the same tables.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from weasyprint import HTML

from pmo.models import ReportRun
from pmo.reports import Chart, Section, render_pack


def _pounds(value, _position) -> str:
    return f"£{value:,.0f}"


def _label(text: str) -> str:
    """Text as matplotlib should draw it: on one line, and with "$" taken
    literally rather than as the start of mathematical notation."""
    return " ".join(str(text).split()).replace("$", r"\$")


def chart_svg(chart: Chart) -> bytes:
    """The chart as an SVG picture, in the pack's colour-blind-safe palette."""
    # matplotlib's object interface: no pyplot state, safe in a worker.
    figure = Figure(figsize=(10, 4.2), dpi=96)
    axes = figure.subplots()
    if chart.kind == "scatter":
        for index, (name, points) in enumerate(chart.series):
            axes.scatter(
                [float(x) for x, _ in points],
                [float(y) for _, y in points],
                label=_label(f"{name} ({len(points)})"),
                color=chart.colour(index),
                edgecolors="#0b0c0c",
                linewidths=0.5,
            )
        axes.set_xlim(0, 100)
        axes.set_ylim(0, 100)
    else:
        count = len(chart.series)
        width = 0.8 / max(count, 1)
        for index, (name, values) in enumerate(chart.series):
            axes.bar(
                [i + (index - (count - 1) / 2) * width for i in range(len(chart.categories))],
                [float(v) for v in values],
                width=width,
                label=_label(name),
                color=chart.colour(index),
                edgecolor="#0b0c0c",
                linewidth=0.5,
            )
        axes.set_xticks(range(len(chart.categories)), [_label(c) for c in chart.categories])
        if chart.money:
            axes.yaxis.set_major_formatter(FuncFormatter(_pounds))
    axes.set_xlabel(_label(chart.x_title))
    axes.set_ylabel(_label(chart.y_title))
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=4, frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _images(sections: Sequence[Section]) -> dict[str, list[dict]]:
    return {
        section.key: [
            {
                "title": chart.title,
                "alt": chart.alt,
                "src": "data:image/svg+xml;base64,"
                + base64.b64encode(chart_svg(chart)).decode("ascii"),
            }
            for chart in section.charts
        ]
        for section in sections
    }


def css_string(text: str) -> str:
    """`text` as a CSS string literal, safe inside a <style> element."""
    escaped = text.replace("\\", "\\5c ").replace('"', "\\22 ").replace("<", "\\3c ")
    return f'"{escaped}"'


def pdf_bytes(run: ReportRun, sections: Sequence[Section]) -> bytes:
    article = render_pack(run, sections, images=_images(sections))
    footer = (
        f"{settings.PMO_ORGANISATION_NAME} · {run.get_report_type_display()} · "
        f"{run.period_label} · version {run.version}"
    )
    document = render_to_string(
        "reports/pack_pdf.html",
        {
            "run": run,
            "article": article,
            "organisation_name": settings.PMO_ORGANISATION_NAME,
            # Escaped for CSS by css_string, so Django's HTML escaping is not wanted.
            "footer": mark_safe(css_string(footer)),  # noqa: S308  # nosec B308 B703
        },
    )
    return HTML(string=document).write_pdf(pdf_variant="pdf/ua-1")
