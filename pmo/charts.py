"""Plotly figures as plain dicts, drawn in the browser by static/js/app.js.

Figures are built server-side (so tests can read the numbers) and handed to
the page with json_script; every chart also has a table beside it.
"""

# Okabe-Ito colour-blind-safe palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

RAG_COLOURS = {
    "G": "#00703c",
    "AG": "#28a197",
    "A": "#ffdd00",
    "AR": "#f47738",
    "R": "#d4351c",
    "": "#b1b4b6",
}

BASE_LAYOUT = {
    "font": {"family": "arial, sans-serif", "size": 14, "color": "#0b0c0c"},
    "margin": {"l": 60, "r": 20, "t": 30, "b": 60},
    "paper_bgcolor": "#ffffff",
    "plot_bgcolor": "#ffffff",
}


def bar_figure(labels, values, *, colours=None, title="", x_title="", y_title="") -> dict:
    return {
        "data": [
            {
                "type": "bar",
                "x": list(labels),
                "y": list(values),
                "marker": {"color": colours or PALETTE[0]},
                "text": [str(v) for v in values],
                "textposition": "auto",
                "hoverinfo": "x+y",
            }
        ],
        "layout": {
            **BASE_LAYOUT,
            "title": {"text": title},
            # Long category names are turned and would be cut off at the
            # bottom of a short chart: let the margin grow to fit them.
            "xaxis": {"title": {"text": x_title}, "automargin": True},
            "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        },
        "config": {"displayModeBar": False},
    }


def timeline_figure(lanes: list[dict], *, today) -> dict:
    """Milestones and gates on one date axis, a lane each, earliest at the
    top. A lane is {"label", "baseline", "date", "kind", "status"}: a
    milestone's baseline is joined to its forecast (or actual) date so that
    slippage shows as a line; a gate is a single diamond. Dates are ISO
    strings so Plotly reads a date axis."""
    labels = [lane["label"] for lane in lanes]
    slips_x: list = []
    slips_y: list = []
    for lane in lanes:
        if lane.get("baseline") and lane["baseline"] != lane["date"]:
            slips_x += [lane["baseline"].isoformat(), lane["date"].isoformat(), None]
            slips_y += [lane["label"], lane["label"], None]
    traces = []
    if slips_x:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Slippage from baseline",
                "x": slips_x,
                "y": slips_y,
                "line": {"color": "#505a5f", "width": 2},
                "hoverinfo": "skip",
            }
        )
    baselines = [lane for lane in lanes if lane.get("baseline")]
    if baselines:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Baseline",
                "x": [lane["baseline"].isoformat() for lane in baselines],
                "y": [lane["label"] for lane in baselines],
                "marker": {"symbol": "circle-open", "size": 11, "color": "#505a5f"},
                "hovertemplate": "%{y}<br>Baseline %{x|%d %b %Y}<extra></extra>",
            }
        )
    for status, colour, symbol in TIMELINE_MARKS:
        points = [lane for lane in lanes if lane["status"] == status]
        if points:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": status,
                    "x": [lane["date"].isoformat() for lane in points],
                    "y": [lane["label"] for lane in points],
                    "marker": {"symbol": symbol, "size": 13, "color": colour},
                    "hovertemplate": f"%{{y}}<br>{status} %{{x|%d %b %Y}}<extra></extra>",
                }
            )
    return {
        "data": traces,
        "layout": {
            **BASE_LAYOUT,
            "margin": {"l": 260, "r": 20, "t": 30, "b": 40},
            "height": max(220, 40 * len(labels) + 100),
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.15},
            "xaxis": {"type": "date", "tickformat": "%b %Y"},
            "yaxis": {
                "type": "category",
                "categoryorder": "array",
                "categoryarray": list(reversed(labels)),
                "automargin": True,
            },
            "shapes": [
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": today.isoformat(),
                    "x1": today.isoformat(),
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#1d70b8", "dash": "dot"},
                }
            ],
            "annotations": [
                {
                    "x": today.isoformat(),
                    "y": 1,
                    "xref": "x",
                    "yref": "paper",
                    "text": "Today",
                    "showarrow": False,
                    "yanchor": "bottom",
                }
            ],
        },
        "config": {"displayModeBar": False},
    }


# Status words as in the milestones table and gates tab, each with its own
# marker shape so that colour is never the only difference (WCAG 1.4.1).
TIMELINE_MARKS = (
    ("Achieved", "#00703c", "circle"),
    ("Overdue", "#d4351c", "x"),
    ("Planned", "#1d70b8", "circle"),
    ("Gate decided", "#00703c", "diamond"),
    ("Gate ahead", "#1d70b8", "diamond-open"),
)


def stacked_bar_figure(categories, series, *, x_title="") -> dict:
    """Horizontal bars, one per category, stacked from `series`: a list of
    (name, values) with a value per category, the first at the top."""
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "y": list(categories),
                "x": list(values),
                "marker": {"color": PALETTE[index % len(PALETTE)]},
                "hovertemplate": f"%{{y}}<br>{name}: %{{x}}<extra></extra>",
            }
            for index, (name, values) in enumerate(series)
        ],
        "layout": {
            **BASE_LAYOUT,
            "barmode": "stack",
            "margin": {"l": 200, "r": 20, "t": 30, "b": 60},
            "height": max(240, 50 * len(categories) + 120),
            "legend": {"orientation": "h", "traceorder": "normal", "y": -0.35},
            "xaxis": {"title": {"text": x_title}, "rangemode": "tozero"},
            "yaxis": {"autorange": "reversed", "automargin": True},
        },
        "config": {"displayModeBar": False},
    }
