"""The Scores tab on the project page (contract in BRIEF: tabs(request, project))."""

from __future__ import annotations

from pmo.permissions import can
from prioritisation.models import Assessment
from prioritisation.scoring import Tier
from prioritisation.selectors import RangeInfo, ranges_by_model


def tabs(request, project) -> list[dict]:
    if not can(request.user, "view", project):
        return []
    # The page lists every tab but renders one: the scores are read only when
    # this tab is shown.
    return [
        {
            "id": "scores",
            "label": "Scores",
            "template": "prioritisation/_project_scores.html",
            "context": lambda: _scores(request, project),
        }
    ]


def _scores(request, project) -> dict:
    assessments = list(
        Assessment.objects.filter(project=project)
        .select_related("model", "assessor", "moderated_by")
        .prefetch_related("scores__criterion")
    )
    ranges = ranges_by_model()
    history = [
        (a, ranges.get((a.model_id, a.tier)) or RangeInfo(Tier(a.tier), "", "", ""))
        for a in assessments
    ]
    current = next(((a, r) for a, r in history if a.is_current), None)
    open_assessments = [(a, r) for a, r in history if a.is_open]
    # A reverse one-to-one raises (an AttributeError) when there is no phase.
    phase = getattr(project, "phase", None)
    return {
        "project": project,
        "current": current,
        "history": history,
        "open_assessments": open_assessments,
        "phase": phase,
        "may_score": can(request.user, "score_project", project),
    }
