from django.conf import settings
from django.shortcuts import render

from pmo.charts import RAG_COLOURS, bar_figure
from pmo.permissions import require
from portfolio import selectors


def dashboard(request):
    require(request, "view")
    stages = selectors.stage_counts()
    confidence = selectors.confidence_distribution(settings.PMO_RAG_SCALE)
    confidence_figure = bar_figure(
        [row["label"] for row in confidence],
        [row["count"] for row in confidence],
        colours=[RAG_COLOURS.get(row["code"], "#b1b4b6") for row in confidence],
        y_title="Projects",
    )
    return render(
        request,
        "portfolio/dashboard.html",
        {
            "stages": stages,
            "confidence": confidence,
            "confidence_figure": confidence_figure,
            "period": selectors.current_period(),
        },
    )
