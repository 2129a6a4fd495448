"""Plotly figures for benefits, as plain dicts (drawn by static/js/app.js).
Each has a table beside it on the page."""

from __future__ import annotations

from pmo.charts import BASE_LAYOUT, PALETTE


def _layout(y_title: str, **extra) -> dict:
    return {
        **BASE_LAYOUT,
        "yaxis": {"title": {"text": y_title}, "tickprefix": "£", "separatethousands": True},
        "legend": {"orientation": "h", "y": -0.2},
        **extra,
    }


def profile_figure(rows, *, view_label: str) -> dict:
    """Plan, forecast and actual by financial year (bars)."""
    labels = [row.label for row in rows]
    series = [
        ("Plan", "plan", PALETTE[0]),
        ("Forecast", "forecast", PALETTE[1]),
        ("Actual", "actual", PALETTE[2]),
    ]
    return {
        "data": [
            {
                "type": "bar",
                "name": name,
                "x": labels,
                "y": [float(getattr(row, attr)) for row in rows],
                "marker": {"color": colour},
                "hovertemplate": f"{name} %{{x}}: £%{{y:,.2f}}<extra></extra>",
            }
            for name, attr, colour in series
        ],
        "layout": _layout(view_label, barmode="group"),
        "config": {"displayModeBar": False},
    }


def trend_figure(trend, *, suffix: str, view_label: str) -> dict:
    labels = [row["label"] for row in trend]
    series = [
        ("Plan", "plan", PALETTE[0], "solid"),
        ("Forecast", "forecast", PALETTE[1], "dash"),
        ("Actual", "actual", PALETTE[2], "dot"),
    ]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": labels,
                "y": [float(row[f"{attr}{suffix}"]) for row in trend],
                "line": {"color": colour, "dash": dash},
                "hovertemplate": f"{name} %{{x}}: £%{{y:,.0f}}<extra></extra>",
            }
            for name, attr, colour, dash in series
        ],
        "layout": _layout(view_label),
        "config": {"displayModeBar": False},
    }


def waterfall_figure(fall) -> dict:
    return {
        "data": [
            {
                "type": "waterfall",
                "orientation": "v",
                "x": ["Plan", "Slipped", "Lost", "New", "Forecast"],
                "measure": ["absolute", "relative", "relative", "relative", "total"],
                "y": [
                    float(fall.plan),
                    -float(fall.slipped),
                    -float(fall.lost),
                    float(fall.new),
                    0,
                ],
                "connector": {"line": {"color": "#505a5f"}},
                "decreasing": {"marker": {"color": PALETTE[3]}},
                "increasing": {"marker": {"color": PALETTE[2]}},
                "totals": {"marker": {"color": PALETTE[0]}},
            }
        ],
        "layout": _layout("Incremental saving"),
        "config": {"displayModeBar": False},
    }


def kpi_figure(outcome, measurements) -> dict:
    """The KPI's measurements, with the straight line from baseline to
    target marked (dashed) so the distance from it is visible."""
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Baseline to target",
                "x": [outcome.baseline_date.isoformat(), outcome.target_date.isoformat()],
                "y": [float(outcome.baseline_value), float(outcome.target_value)],
                "line": {"color": PALETTE[7], "dash": "dash"},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Measured",
                "x": [m.measured_on.isoformat() for m in measurements],
                "y": [float(m.value) for m in measurements],
                "line": {"color": PALETTE[0]},
            },
        ],
        "layout": {
            **BASE_LAYOUT,
            "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
            "height": 220,
            "yaxis": {"title": {"text": outcome.unit}},
            "showlegend": False,
        },
        "config": {"displayModeBar": False},
    }
