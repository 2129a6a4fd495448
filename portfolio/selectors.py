"""Reads shared by the portfolio pages, exports and the monthly pack."""

from __future__ import annotations

import datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

from portfolio.models import Project, Stage, StatusUpdate, first_of_month
from portfolio.rag import RAG, SCALES


def current_period(today: datetime.date | None = None) -> datetime.date:
    """The month PMs are reporting on now: the current calendar month."""
    return first_of_month(today or timezone.localdate())


def with_current_rag(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate each project with its latest highlight report's confidence and
    period: the project's current RAG is its latest update."""
    latest = StatusUpdate.objects.filter(project=OuterRef("pk")).order_by("-period")
    return projects.annotate(
        current_rag=Subquery(latest.values("delivery_confidence")[:1]),
        last_update_period=Subquery(latest.values("period")[:1]),
    )


def stage_counts(projects: QuerySet[Project] | None = None) -> list[dict]:
    projects = Project.objects.all() if projects is None else projects
    counts = dict(projects.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    return [{"stage": s, "label": s.label, "count": counts.get(s.value, 0)} for s in Stage]


def confidence_distribution(scale: str, projects: QuerySet[Project] | None = None) -> list[dict]:
    """How many reporting projects sit at each delivery confidence, with
    'No update' for those that have never reported."""
    projects = Project.objects.reporting() if projects is None else projects
    counts: dict[str | None, int] = {}
    for rag in with_current_rag(projects).values_list("current_rag", flat=True):
        counts[rag] = counts.get(rag, 0) + 1
    rows = [
        {"code": r.value, "label": r.label, "count": counts.pop(r.value, 0)} for r in SCALES[scale]
    ]
    # Updates made under the other scale still count, under their own label.
    for code, n in sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        label = RAG(code).label if code else "No update yet"
        rows.append({"code": code or "", "label": label, "count": n})
    return rows
