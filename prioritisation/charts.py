"""The prioritisation grid as a Plotly figure (a plain dict; static/js/app.js
draws it). Each range has its own colour AND marker shape from the
Okabe-Ito palette, so it reads without colour too; the count matrix and the
ranking table beside it carry the same facts as text."""

from __future__ import annotations

import json
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from pmo.charts import BASE_LAYOUT
from pmo.templatetags.pmo import money_exact
from prioritisation.scoring import Tier
from prioritisation.selectors import GridPoint, RangeInfo

TIER_STYLE = {
    Tier.MAJOR_CORPORATE: {"colour": "#D55E00", "symbol": "diamond", "glyph": "◆"},
    Tier.STRATEGIC_PRIORITY: {"colour": "#0072B2", "symbol": "circle", "glyph": "●"},
    Tier.SERVICE_LED: {"colour": "#009E73", "symbol": "square", "glyph": "■"},
    Tier.REVIEW_OR_PHASE_LATER: {"colour": "#E69F00", "symbol": "triangle-up", "glyph": "▲"},
}
MIN_SIZE = 10
MAX_SIZE = 46

# Where each range's label sits, in its own quadrant.
LABEL_POSITION = {
    Tier.MAJOR_CORPORATE: ("right", "top"),
    Tier.STRATEGIC_PRIORITY: ("left", "top"),
    Tier.SERVICE_LED: ("left", "bottom"),
    Tier.REVIEW_OR_PHASE_LATER: ("right", "bottom"),
}


def bubble_sizes(values: list[Decimal]) -> list[float]:
    """Area proportional to the value, between MIN_SIZE and MAX_SIZE pixels
    across; all equal when there is nothing to compare."""
    # Floats: a marker's pixel size needs no Decimal precision, and Decimal
    # division for 10,000 markers showed in the grid's time.
    floats = [max(float(v), 0.0) for v in values]
    largest = max(floats, default=0.0)
    if largest <= 0:
        return [float(MIN_SIZE + 6)] * len(values)
    span = MAX_SIZE - MIN_SIZE
    return [round(MIN_SIZE + span * (v / largest) ** 0.5, 1) for v in floats]


def grid_figure(
    rows: list[GridPoint],
    *,
    ranges: list[RangeInfo],
    impact_threshold: Decimal,
    risk_threshold: Decimal,
    size_values: dict[int, Decimal],
    size_label: str,
    present: bool = False,
) -> dict:
    traces = []
    by_tier: dict[Tier, list[GridPoint]] = {info.tier: [] for info in ranges}
    for r in rows:
        if r.range.tier in by_tier:
            by_tier[r.range.tier].append(r)
    for info in ranges:
        members = by_tier[info.tier]
        style = TIER_STYLE[info.tier]
        sizes = bubble_sizes([size_values.get(r.project_id, Decimal(0)) for r in members])
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": info.label,
                "x": [float(r.risk) for r in members],
                "y": [float(r.impact) for r in members],
                "marker": {
                    "color": style["colour"],
                    "symbol": style["symbol"],
                    "size": sizes,
                    "opacity": 0.85,
                    "line": {"color": "#0b0c0c", "width": 1},
                },
                "customdata": [
                    [
                        f"/projects/{r.reference}/",
                        r.reference,
                        r.title,
                        _money(size_values.get(r.project_id)),
                    ]
                    for r in members
                ],
                "hovertemplate": (
                    "<b>%{customdata[1]}</b> %{customdata[2]}<br>"
                    "Impact %{y:.1f}, risk %{x:.1f}<br>"
                    f"{size_label}: %{{customdata[3]}}"
                    f"<extra>{info.label}</extra>"
                ),
            }
        )
    impact_line = float(impact_threshold)
    risk_line = float(risk_threshold)
    annotations = []
    for info in ranges:
        x_side, y_side = LABEL_POSITION[info.tier]
        annotations.append(
            {
                "text": f"<b>{TIER_STYLE[info.tier]['glyph']} {info.label}</b>",
                "x": 100 if x_side == "right" else 0,
                "xanchor": x_side,
                "y": 100 if y_side == "top" else 0,
                "yanchor": y_side,
                "showarrow": False,
                "font": {"size": 20 if present else 14, "color": "#0b0c0c"},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    line = {"color": "#505a5f", "width": 2, "dash": "dash"}
    font_size = 20 if present else 14
    return {
        "data": traces,
        "layout": {
            **BASE_LAYOUT,
            "font": {**BASE_LAYOUT["font"], "size": font_size},
            "height": 760 if present else 560,
            "xaxis": {
                "title": {"text": "Risk (0 to 100)"},
                "range": [-8, 108],
                "zeroline": False,
                "gridcolor": "#f3f2f1",
            },
            "yaxis": {
                "title": {"text": "Impact (0 to 100)"},
                "range": [-8, 108],
                "zeroline": False,
                "gridcolor": "#f3f2f1",
            },
            "shapes": [
                {
                    "type": "line",
                    "x0": risk_line,
                    "x1": risk_line,
                    "y0": -8,
                    "y1": 108,
                    "line": line,
                },
                {
                    "type": "line",
                    "x0": -8,
                    "x1": 108,
                    "y0": impact_line,
                    "y1": impact_line,
                    "line": line,
                },
            ],
            "annotations": annotations,
            "legend": {"orientation": "h", "y": -0.15},
            "hoverlabel": {"font": {"size": font_size}},
        },
        "config": {"displayModeBar": False},
    }


# The same escapes as Django's json_script, done with str.replace: its
# per-character str.translate took longer than everything else on a grid of
# 10,000 points.
JSON_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


def figure_json(figure: dict) -> SafeString:
    """The figure as JSON safe inside <script type="application/json">."""
    text = json.dumps(figure, separators=(",", ":"))
    for char, escape in JSON_SCRIPT_ESCAPES:
        text = text.replace(char, escape)
    # Escaped as json_script does, above.
    return mark_safe(text)  # noqa: S308  # nosec B308 B703


def _money(value) -> str:
    if value is None:
        return "not recorded"
    return money_exact(value)
