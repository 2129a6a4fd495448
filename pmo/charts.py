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
            "xaxis": {"title": {"text": x_title}},
            "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        },
        "config": {"displayModeBar": False},
    }
