"""Reads shared by the portfolio pages, exports and the monthly pack."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.utils import timezone

from portfolio.models import (
    REPORTING_STAGES,
    Assumption,
    Decision,
    Dependency,
    DependencyKind,
    GateDecision,
    Issue,
    Milestone,
    Project,
    Risk,
    Stage,
    StageOverride,
    StatusUpdate,
    first_of_month,
)
from portfolio.rag import RAG, SCALES, SEVERITY
from prioritisation import selectors as prioritisation

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class CurrentRag(TypedDict):
    """What with_current_rag adds to each project."""

    current_rag: str | None
    last_update_period: datetime.date | None


class RegisterRow(CurrentRag):
    """What register_projects adds to each project."""

    update_is_due: bool


class RedRating(CurrentRag):
    """What red_projects adds to each project."""

    path_to_green: str


def current_period(today: datetime.date | None = None) -> datetime.date:
    """The month PMs are reporting on now: the current calendar month."""
    return first_of_month(today or timezone.localdate())


def with_current_rag(
    projects: QuerySet[Project],
) -> QuerySet[WithAnnotations[Project, CurrentRag]]:
    """Annotate each project with its latest highlight report's confidence and
    period: the project's current RAG is its latest update (one join on the
    update flagged is_latest, whatever the number of projects)."""
    return with_latest_update(projects).annotate(
        current_rag=F("latest_update__delivery_confidence"),
        last_update_period=F("latest_update__period"),
    )


def with_latest_update(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Make `latest_update__<field>` available on the projects (a left join)."""
    return projects.alias(
        latest_update=FilteredRelation(
            "status_updates", condition=Q(status_updates__is_latest=True)
        )
    )


def stage_counts(projects: QuerySet[Project] | None = None) -> list[dict]:
    projects = Project.objects.all() if projects is None else projects
    counts = dict(projects.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    return _stage_rows(counts)


def dashboard_counts(scale: str) -> tuple[list[dict], list[dict]]:
    """Projects by stage (all of them) and reporting projects by delivery
    confidence, with 'No update yet' for those that have never reported:
    one query grouped by stage and current RAG."""
    by_stage: dict[str, int] = {}
    by_rag: dict[str | None, int] = {}
    rows = (
        with_current_rag(Project.objects.order_by())
        .values_list("stage", "current_rag")
        .annotate(n=Count("pk"))
    )
    for stage, rag, n in rows:
        by_stage[stage] = by_stage.get(stage, 0) + n
        if stage in REPORTING_STAGES:
            by_rag[rag] = by_rag.get(rag, 0) + n
    return _stage_rows(by_stage), _confidence_rows(by_rag, scale)


def _stage_rows(counts: dict[str, int]) -> list[dict]:
    return [{"stage": s, "label": s.label, "count": counts.get(s.value, 0)} for s in Stage]


def _confidence_rows(counts: dict[str | None, int], scale: str) -> list[dict]:
    counts = dict(counts)
    rows = [
        {"code": r.value, "label": r.label, "count": counts.pop(r.value, 0)} for r in SCALES[scale]
    ]
    # Updates made under the other scale still count, under their own label.
    for code, n in sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        label = RAG(code).label if code else "No update yet"
        rows.append({"code": code or "", "label": label, "count": n})
    return rows


def first_and_total(queryset: QuerySet, limit: int) -> tuple[list, int]:
    """The first `limit` rows and how many there are in all, in one query
    (a window count, taken before the limit)."""
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[:limit])
    return rows, rows[0].total_rows if rows else 0


# --- The register -----------------------------------------------------------

# Column key -> ordering. Stage and RAG sort by their meaning, not their code.
REGISTER_SORTS = {
    "reference": "number",
    "title": "title",
    "stage": "stage_order",
    "rag": "rag_order",
    "pm": "project_manager__last_name",
    "forecast_end": "forecast_end",
    "updated": "last_update_period",
}
STAGE_ORDER = {stage.value: i for i, stage in enumerate(Stage)}


def _order_case(field: str, order: dict, default: int) -> Case:
    return Case(
        *[When(**{field: key}, then=Value(i)) for key, i in order.items()],
        default=Value(default),
        output_field=IntegerField(),
    )


def register_projects(
    filters: dict, period: datetime.date | None = None
) -> QuerySet[WithAnnotations[Project, RegisterRow]]:
    """The register, filtered and sorted, for the page and its exports.

    Each row carries its current RAG, last update month and whether this
    month's update is due, all as annotations, so a page of 50 rows is one
    query however many projects there are.
    """
    period = period or current_period()
    this_month = StatusUpdate.objects.filter(project=OuterRef("pk"), period=period)
    projects = with_current_rag(
        Project.objects.select_related(
            "workstream", "lead_directorate", "sponsor", "project_manager"
        )
    ).annotate(
        update_is_due=Case(
            When(Q(stage__in=REPORTING_STAGES) & ~Exists(this_month), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if text := filters.get("q", "").strip():
        projects = projects.filter(
            Q(title__icontains=text) | Q(reference__icontains=text) | Q(summary__icontains=text)
        )
    simple = {
        "workstream": "workstream",
        "directorate": "lead_directorate",
        "service": "services",
        "stage": "stage",
        "project_type": "project_type",
        "sponsor": "sponsor",
        "pm": "project_manager",
    }
    for key, field in simple.items():
        if filters.get(key):
            projects = projects.filter(**{field: filters[key]})
    if rag := filters.get("rag"):
        projects = (
            projects.filter(current_rag__isnull=True)
            if rag == "none"
            else projects.filter(current_rag=rag)
        )
    if filters.get("due"):
        projects = projects.filter(update_is_due=True)
    if tier := filters.get("range"):
        projects = prioritisation.projects_in_tier(projects, int(tier))
    return _sorted(projects, filters.get("sort", ""))


def in_order(projects: QuerySet[Project], ids) -> list[Project]:
    """The projects with these ids, in the order of the ids (one query)."""
    ids = list(ids)
    by_pk = {project.pk: project for project in projects.filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def with_ranges(projects) -> list[Project]:
    """The given projects (a page of the register, the exceptions list) as a
    list, each with `.range`: its prioritisation range (a RangeInfo, or None
    when not yet scored and moderated). Two queries however many projects."""
    projects = list(projects)
    ranges = prioritisation.current_ranges([p.pk for p in projects])
    for project in projects:
        project.range = ranges.get(project.pk)
    return projects


def range_choices() -> list[tuple[str, str]]:
    """The register's range filter: each tier named as in the active model
    (one query), or plainly "Tier n" if no model is active."""
    ranges = prioritisation.active_ranges()
    if not ranges:
        return [(str(t), f"Tier {t}") for t in range(1, 5)]
    return [(str(int(info.tier)), info.label) for info in ranges]


def range_counts() -> list[tuple]:
    """Projects in each range of the active model, counted as on the grid,
    for the dashboard; empty if no scoring model is active."""
    return prioritisation.range_counts()


def _sorted(
    projects: QuerySet[WithAnnotations[Project, RegisterRow]], sort: str
) -> QuerySet[WithAnnotations[Project, RegisterRow]]:
    key = sort.lstrip("-")
    if key not in REGISTER_SORTS:
        return projects.order_by("number")
    if key == "stage":
        projects = projects.annotate(stage_order=_order_case("stage", STAGE_ORDER, 99))
    if key == "rag":
        projects = projects.annotate(
            rag_order=_order_case("current_rag", {k.value: v for k, v in SEVERITY.items()}, 99)
        )
    field = REGISTER_SORTS[key]
    descending = sort.startswith("-")
    ordering = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return projects.order_by(ordering, "number")


def register_summary(projects: QuerySet[WithAnnotations[Project, CurrentRag]], scale: str) -> dict:
    """Counts of the filtered register by stage and by current RAG, in one query."""
    by_stage: dict[str, int] = {}
    by_rag: dict[str, int] = {}
    rows = projects.order_by().values("stage", "current_rag").annotate(n=Count("pk"))
    for row in rows:
        by_stage[row["stage"]] = by_stage.get(row["stage"], 0) + row["n"]
        rag = row["current_rag"] or ""
        by_rag[rag] = by_rag.get(rag, 0) + row["n"]
    stages = [{"code": s.value, "label": s.label, "count": by_stage.get(s.value, 0)} for s in Stage]
    rags = [
        {"code": r.value, "label": r.label, "count": by_rag.pop(r.value, 0)} for r in SCALES[scale]
    ]
    for code, n in sorted(by_rag.items()):
        rags.append({"code": code, "label": RAG(code).label if code else "No update", "count": n})
    return {"stages": stages, "rags": rags, "total": sum(by_stage.values())}


# --- One project -------------------------------------------------------------


def project_dependencies(project: Project) -> list[dict]:
    """Dependencies shown on both projects, phrased from this project's side."""
    rows = []
    outgoing = project.dependencies_out.select_related("target")
    incoming = project.dependencies_in.select_related("source")
    for dep in outgoing:
        rows.append({"dependency": dep, "other": dep.target, "phrase": f"{dep.get_kind_display()}"})
    for dep in incoming:
        phrase = "Blocked by" if dep.kind == DependencyKind.BLOCKS else "Informed by"
        rows.append({"dependency": dep, "other": dep.source, "phrase": phrase})
    return sorted(rows, key=lambda row: row["other"].number)


HISTORY_LIMIT = 200


def project_history(project: Project) -> list[dict]:
    """Who changed what, and when, across the project and everything in it,
    newest first. Each entry lists the fields changed from the previous
    version of the same record."""
    sources = [
        ("Project", Project.history.filter(id=project.pk)),
        ("Update", StatusUpdate.history.filter(project_id=project.pk)),
        ("Milestone", Milestone.history.filter(project_id=project.pk)),
        ("Risk", Risk.history.filter(project_id=project.pk)),
        ("Issue", Issue.history.filter(project_id=project.pk)),
        ("Assumption", Assumption.history.filter(project_id=project.pk)),
        ("Decision", Decision.history.filter(project_id=project.pk)),
        ("Gate", GateDecision.history.filter(project_id=project.pk)),
        ("Gate override", StageOverride.history.filter(project_id=project.pk)),
        (
            "Dependency",
            Dependency.history.filter(
                Q(source_id=project.pk) | Q(target_id=project.pk)
            ).select_related("source", "target"),
        ),
    ]
    entries = []
    for kind, records in sources:
        previous_by_object: dict = {}
        for record in records.select_related("history_user").order_by("history_date", "history_id"):
            # Each record's __str__ names its project: hand it the project we
            # already have, so a long history costs no query per line.
            # HistoricalProject.instance would re-read the excluded `version`
            # once per record: the project is already here.
            # A history row's instance is one of several models (and the
            # history manager is out of the type checker's sight).
            instance: Any = project if kind == "Project" else record.instance
            if getattr(instance, "project_id", None) == project.pk:
                instance.project = project
            if kind == "Dependency":
                instance.source, instance.target = record.source, record.target
            previous = previous_by_object.get(record.id)
            changes = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous, foreign_keys_are_objs=False)
                changes = [_describe_change(instance, c) for c in delta.changes]
            previous_by_object[record.id] = record
            entries.append(
                {
                    "kind": kind,
                    "when": record.history_date,
                    "who": record.history_user,
                    "action": {"+": "Added", "~": "Changed", "-": "Deleted"}[record.history_type],
                    "object": str(instance) if kind != "Project" else record.title,
                    "reason": record.history_change_reason
                    or (f"Reason: {record.reason}" if kind == "Gate override" else ""),
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:HISTORY_LIMIT]


def _describe_change(instance, change) -> str:
    field = instance._meta.get_field(change.field)
    label = str(field.verbose_name).capitalize()
    if field.choices:
        lookup = dict(field.flatchoices)
        old, new = lookup.get(change.old, change.old), lookup.get(change.new, change.new)
    elif field.is_relation:
        return f"{label} changed"
    else:
        old, new = change.old, change.new
    old = _short(old)
    new = _short(new)
    return f"{label}: {old} → {new}"


def _short(value) -> str:
    if value in (None, ""):
        return "blank"
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return f"{value.day} {value:%b %Y}"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


# --- Dashboard and "my projects" ---------------------------------------------


RED_RATINGS = (RAG.RED, RAG.AMBER_RED)


def red_projects() -> QuerySet[WithAnnotations[Project, RedRating]]:
    """Reporting projects whose latest update is Red or Amber/Red, with that
    update's path to green."""
    return (
        with_current_rag(Project.objects.reporting().select_related("project_manager"))
        .filter(current_rag__in=RED_RATINGS)
        .annotate(path_to_green=F("latest_update__path_to_green"))
        .order_by("-current_rag", "number")
    )


def worst_red_projects(limit: int) -> QuerySet[WithAnnotations[Project, RedRating]]:
    """The first `limit` of red_projects(): Red before Amber/Red, by number.
    Each rating's first few, found by walking the projects in number order,
    then merged: sorting every red project (thousands at county scale) to
    keep a few cost the dashboard ten times as long."""
    each = [
        red_projects().filter(current_rag=code).order_by("number")[:limit] for code in RED_RATINGS
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        return each[0].union(*each[1:], all=True).order_by("-current_rag", "number")[:limit]
    # SQLite refuses LIMIT inside a UNION's parts, but takes it in an
    # IN-subquery; at the embedded default's scale the outer scan is cheap.
    first_of_each = Q()
    for first in each:
        first_of_each |= Q(pk__in=first.values("pk"))
    return red_projects().filter(first_of_each)[:limit]


def timeline_lanes(milestones, gates, today: datetime.date) -> list[dict]:
    """A project's milestones (from `with_overdue(today)`) and gates in date
    order, one lane each, for its timeline chart and the table beside it."""
    lanes = []
    for m in milestones:
        if m.actual_date:
            status = "Achieved"
        else:
            status = "Overdue" if m.is_overdue else "Planned"
        lanes.append(
            {
                "label": m.title,
                "baseline": m.baseline_date,
                "date": m.actual_date or m.forecast_date,
                "kind": "Milestone",
                "status": status,
            }
        )
    for gate in gates:
        outcome = gate.get_decision_display()
        lanes.append(
            {
                "label": gate.get_gate_display(),
                "baseline": None,
                "date": gate.decided_on,
                "kind": "Gate",
                "status": "Gate decided" if gate.decision else "Gate ahead",
                "outcome": outcome,
            }
        )
    return sorted(lanes, key=lambda lane: (lane["date"], lane["kind"], lane["label"]))


def overdue_milestones(as_at: datetime.date | None = None, projects=None) -> QuerySet[Milestone]:
    """Milestones overdue as at the day (today unless given), soonest first,
    of reporting projects (or of the given projects)."""
    milestones = Milestone.objects.overdue(as_at)
    if projects is None:
        milestones = milestones.filter(project__stage__in=REPORTING_STAGES)
    else:
        milestones = milestones.filter(project__in=projects)
    return milestones.select_related("project").order_by("forecast_date", "pk")


def updates_due(period: datetime.date, projects=None) -> QuerySet[Project]:
    projects = Project.objects.all() if projects is None else projects
    return projects.update_due(period).select_related("project_manager").order_by("number")


def green_overrides() -> QuerySet[StatusUpdate]:
    """Current ratings that were given green-ish despite the honesty rule:
    each project's latest update, where that update carries an override."""
    return (
        StatusUpdate.objects.filter(honesty_override=True, is_latest=True)
        .select_related("project", "submitted_by")
        .order_by("project__number")
    )


def gates_ahead(today: datetime.date | None = None, days: int = 60) -> QuerySet[GateDecision]:
    today = today or timezone.localdate()
    return (
        GateDecision.objects.filter(
            decision="", decided_on__gte=today, decided_on__lte=today + datetime.timedelta(days)
        )
        .select_related("project")
        .order_by("decided_on", "gate")
    )


def recent_stage_overrides(limit: int = 10) -> QuerySet[StageOverride]:
    return StageOverride.objects.select_related("project", "overridden_by")[:limit]
