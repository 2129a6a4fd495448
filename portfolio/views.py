"""Pages of the project register. Thin function views: ask the permissions
module, call a selector or a service, render or redirect."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, QuerySet, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from pmo import extensions
from pmo.charts import RAG_COLOURS, bar_figure, timeline_figure
from pmo.datacache import Fragment
from pmo.permissions import can, require
from pmo.reports import period_is_locked
from pmo.spreadsheets import add_sheet, csv_bytes, new_workbook
from portfolio import exports, selectors, services
from portfolio.forms import (
    AssumptionForm,
    DecisionForm,
    DependencyForm,
    GateDecisionForm,
    IssueForm,
    MilestoneForm,
    ProjectForm,
    RegisterFilterForm,
    RiskForm,
    StatusUpdateForm,
)
from portfolio.models import (
    Assumption,
    CorporatePriority,
    Decision,
    Dependency,
    Directorate,
    GateDecision,
    Issue,
    Milestone,
    Project,
    Risk,
    Service,
    StageOverride,
    StatusUpdate,
    Tag,
    Workstream,
)
from prioritisation.models import Assessment, PriorityRange, ScoringModel

REGISTER_PAGE_SIZE = 50
DASHBOARD_LIST_LIMIT = 15
# What each cached page reads (pmo/datacache.py; tests/pmo/test_datacache.py
# fails if a page reads a table its list leaves out).
_RANGES = (Assessment, PriorityRange, ScoringModel)
DASHBOARD_READS = (
    Project,
    StatusUpdate,
    Milestone,
    GateDecision,
    StageOverride,
    get_user_model(),
    *_RANGES,
)
REGISTER_READS = (
    Project,
    StatusUpdate,
    Directorate,
    Workstream,
    Service,
    get_user_model(),
    *_RANGES,
)
PROJECT_PAGE_READS = (
    Project,
    StatusUpdate,
    Milestone,
    Dependency,
    Directorate,
    Workstream,
    Service,
    CorporatePriority,
    Tag,
    get_user_model(),
)
# Of these, the project page reads only its own project's rows: a monthly
# update or milestone written for another project (inside
# datacache.project_rows) leaves its render in the cache.
PROJECT_PAGE_OWN_ROWS = (StatusUpdate, Milestone)


def _get_project(
    request, reference: str, action: str = "view", queryset: QuerySet[Project] | None = None
) -> Project:
    project = get_object_or_404(
        (Project.objects.all() if queryset is None else queryset).select_related(
            "workstream", "lead_directorate", "sponsor", "project_manager"
        ),
        reference=reference,
    )
    require(request, action, project)
    return project


# --- Dashboard ---------------------------------------------------------------


@require_safe
def dashboard(request):
    require(request, "view")
    # Everyone who may view sees the same dashboard: one render per data change.
    fragment = Fragment(request, "dashboard", reads=DASHBOARD_READS)
    return render(request, "portfolio/dashboard.html", fragment.context(_dashboard_context))


def _dashboard_context() -> dict[str, Any]:
    period = selectors.current_period()
    today = timezone.localdate()
    stages, confidence = selectors.dashboard_counts(settings.PMO_RAG_SCALE)
    # A large portfolio lists the worst few of each; the register has the rest.
    # Red first, then Amber/Red: at county scale the worst few lead and the
    # count says how many more there are.
    # The red count comes from the confidence counts; the overdue and due
    # lists stop at their first 15 (an index walk) and are counted apart.
    red = selectors.worst_red_projects(DASHBOARD_LIST_LIMIT)
    red_count = sum(row["count"] for row in confidence if row["code"] in selectors.RED_RATINGS)
    overdue = selectors.overdue_milestones(today)
    due = selectors.updates_due(period)
    overrides, override_count = selectors.first_and_total(
        selectors.green_overrides(), DASHBOARD_LIST_LIMIT
    )
    confidence_figure = bar_figure(
        [row["label"] for row in confidence],
        [row["count"] for row in confidence],
        colours=[RAG_COLOURS.get(row["code"], "#b1b4b6") for row in confidence],
        y_title="Projects",
    )
    return {
        "stages": stages,
        "confidence": confidence,
        "confidence_figure": confidence_figure,
        "period": period,
        "red_projects": selectors.with_ranges(red),
        "red_count": red_count,
        "range_counts": selectors.range_counts(),
        "overdue_milestones": overdue[:DASHBOARD_LIST_LIMIT],
        "overdue_count": overdue.count(),
        "updates_due": due[:DASHBOARD_LIST_LIMIT],
        "updates_due_count": due.count(),
        "green_overrides": overrides,
        "green_override_count": override_count,
        "gates_ahead": selectors.gates_ahead(today),
        "stage_overrides": selectors.recent_stage_overrides(),
    }


@require_safe
def my_projects(request):
    require(request, "view")
    period = selectors.current_period()
    today = timezone.localdate()
    mine = Project.objects.managed_by(request.user)
    projects = selectors.register_projects({"pm": request.user}, period)
    return render(
        request,
        "portfolio/my.html",
        {
            "period": period,
            "projects": projects,
            "updates_due": selectors.updates_due(period, mine),
            "overdue_milestones": selectors.overdue_milestones(today, mine),
            "milestones_this_month": Milestone.objects.filter(
                project__in=mine,
                actual_date__isnull=True,
                forecast_date__gte=max(today, period),
                forecast_date__lt=_next_month(period),
            ).select_related("project"),
        },
    )


def _next_month(period):
    return (period.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)


# --- The register --------------------------------------------------------------

REGISTER_COLUMNS = [
    ("reference", "Reference"),
    ("title", "Title"),
    ("stage", "Stage"),
    ("rag", "Delivery confidence"),
    ("pm", "Project manager"),
    ("forecast_end", "Forecast end"),
    ("updated", "Last update"),
]
# Columns whose first click sorts high to low: a PMO wants the worst delivery
# confidence (Red) first, and the latest update first.
DESCENDING_FIRST = {"rag", "updated"}


def _register_filters(request) -> tuple[RegisterFilterForm, dict]:
    form = RegisterFilterForm(request.GET)
    return form, form.filters()


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


def _sort_headers(request, current: str) -> list[dict]:
    headers = []
    for key, label in REGISTER_COLUMNS:
        direction = None
        if current.lstrip("-") == key:
            direction = "descending" if current.startswith("-") else "ascending"
        # A click on the current sort reverses it; on another column it
        # starts from that column's first direction.
        first, reverse = (f"-{key}", key) if key in DESCENDING_FIRST else (key, f"-{key}")
        next_sort = reverse if current == first else first
        headers.append(
            {
                "key": key,
                "label": label,
                "aria_sort": direction or "none",
                "query": _query(request, sort=next_sort, page=None),
            }
        )
    return headers


@require_safe
def register(request):
    require(request, "view")
    partial = bool(request.htmx and not request.htmx.history_restore_request)
    fragment = Fragment(
        request, "register", reads=REGISTER_READS, part="results" if partial else "page"
    )
    context = fragment.context(lambda: _register_context(request))
    template_name = "portfolio/register.html#results" if partial else "portfolio/register.html"
    return render(request, template_name, context)


def _register_context(request) -> dict[str, Any]:
    period = selectors.current_period()
    form, filters = _register_filters(request)
    projects = selectors.register_projects(filters, period)
    summary = selectors.register_summary(projects, settings.PMO_RAG_SCALE)
    # Page through the ids, then read the page's 50 rows with their joins: a
    # broad search (thousands of matches) never joins every match. The
    # summary has counted the matches: no second COUNT.
    paginator = Paginator(projects.values_list("pk", flat=True), REGISTER_PAGE_SIZE)
    paginator.count = summary["total"]
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.with_ranges(selectors.in_order(projects, page.object_list))
    pages = [
        {"number": n, "query": _query(request, page=n)}
        for n in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return {
        "form": form,
        "page": page,
        "rows": page.object_list,
        "pages": pages,
        "previous_query": _query(request, page=page.previous_page_number())
        if page.has_previous()
        else "",
        "next_query": _query(request, page=page.next_page_number()) if page.has_next() else "",
        "headers": _sort_headers(request, filters.get("sort", "")),
        # A sort alone filters nothing: the count then says no more than "40 projects".
        "filtered": any(name != "sort" for name in filters),
        "summary": summary,
        "export_query": _query(request, page=None),
        "period": period,
    }


@require_safe
def register_export_csv(request):
    require(request, "view")
    _, filters = _register_filters(request)
    projects = selectors.register_projects(filters)
    response = HttpResponse(
        csv_bytes(exports.REGISTER_COLUMNS, exports.register_rows(projects)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("csv")}"'
    return response


@require_safe
def register_export_xlsx(request):
    require(request, "view")
    _, filters = _register_filters(request)
    projects = selectors.register_projects(filters)
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    add_sheet(
        workbook, "Project register", exports.REGISTER_COLUMNS, exports.register_rows(projects)
    )
    workbook.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("xlsx")}"'
    return response


# --- Projects --------------------------------------------------------------------


def project_new(request):
    require(request, "create_project")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(user=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Project {project.reference} created")
            return redirect("portfolio:detail", reference=project.reference)
    return render(request, "portfolio/project_form.html", {"form": form, "project": None})


def project_edit(request, reference: str):
    project = _get_project(request, reference, "edit_project")
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=project.pk))
    conflict = None
    status = 200
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        try:
            services.project_update(
                project=project, user=request.user, version=version, **form.service_fields()
            )
        except services.EditConflict as error:
            conflict = error
            status = 409
            # Keep what the user typed; saving again now is a deliberate
            # decision to replace the other person's change.
            data = request.POST.copy()
            data["version"] = error.current_version
            form = ProjectForm(data, instance=Project.objects.get(pk=project.pk))
            form.is_valid()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Project {project.reference} saved")
            return redirect("portfolio:detail", reference=project.reference)
    current = Project.objects.select_related("updated_by").get(pk=project.pk) if conflict else None
    return render(
        request,
        "portfolio/project_form.html",
        {"form": form, "project": project, "conflict": conflict, "current": current},
        status=status,
    )


# --- The project page and its tabs --------------------------------------------
#
# The page renders only its active tab (?tab=<id>, Overview by default); the
# others are fragments at /projects/<reference>/tabs/<id>/, loaded by htmx when
# first shown. Rendering all ten tabs at once cost ~45 queries (issue #8).
#
# A tab is a dict {"id", "label", "template", "context"}, the contract other
# apps follow in <app>/project_tabs.py. "context" may be a dict or a function
# returning one; a function runs only when that tab is rendered, so listing the
# tabs for the tab bar costs no query.


def _count(queryset) -> Subquery:
    """COUNT as a correlated subquery with no GROUP BY, so a project with no
    rows reads 0 rather than NULL."""
    return Subquery(
        queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n"),
        output_field=models.IntegerField(),
    )


def _with_page_summary(period) -> QuerySet[Project]:
    """The project with what the page header and tab labels show, read in the
    project's own query: the latest update, whether this period's update is
    in, and the counts on the Updates, Milestones and Dependencies tabs."""
    return selectors.with_latest_update(Project.objects.all()).annotate(
        latest_period=F("latest_update__period"),
        latest_confidence=F("latest_update__delivery_confidence"),
        latest_path_to_green=F("latest_update__path_to_green"),
        has_current_update=Exists(
            StatusUpdate.objects.filter(project=OuterRef("pk"), period=period)
        ),
        update_count=_count(StatusUpdate.objects.filter(project=OuterRef("pk"))),
        milestone_count=_count(Milestone.objects.filter(project=OuterRef("pk"))),
        dependency_count=_count(Dependency.objects.filter(source=OuterRef("pk")))
        + _count(Dependency.objects.filter(target=OuterRef("pk"))),
    )


def _latest_update(project) -> dict | None:
    if project.latest_period is None:
        return None
    return {
        "period": project.latest_period,
        "delivery_confidence": project.latest_confidence,
        "path_to_green": project.latest_path_to_green,
    }


def _update_due(project) -> bool:
    return project.stage in selectors.REPORTING_STAGES and not project.has_current_update


def _overview_context(project) -> dict:
    return {
        "latest": _latest_update(project),
        "services": project.services.all(),
        "priorities": project.priorities.all(),
        "tags": project.tags.all(),
    }


def _updates_context(project, period) -> dict:
    return {
        "period": period,
        "update_due": _update_due(project),
        "updates": project.status_updates.select_related("submitted_by"),
    }


def _milestones_context(project) -> dict:
    today = timezone.localdate()
    milestones = list(project.milestones.with_overdue(today))
    timeline = selectors.timeline_lanes(milestones, project.gate_decisions.all(), today)
    return {
        "milestones": milestones,
        "timeline": timeline,
        "timeline_figure": timeline_figure(timeline, today=today) if timeline else None,
    }


def _raid_context(project) -> dict:
    return {
        "risks": project.risks.select_related("owner"),
        "issues": project.issues.select_related("owner"),
        "assumptions": project.assumptions.select_related("owner"),
        "decisions": project.decisions.all(),
    }


def _gates_context(project) -> dict:
    return {
        "gates": project.gate_decisions.select_related("recorded_by"),
        "stage_overrides": project.stage_overrides.select_related("overridden_by"),
    }


def _portfolio_tabs(project, period) -> list[dict]:
    template = "portfolio/_project_tabs.html#"
    # (id, label, heading of the panel, context)
    tabs = [
        ("overview", "Overview", "Overview", lambda: _overview_context(project)),
        (
            "updates",
            f"Updates ({project.update_count})",
            "Monthly updates",
            lambda: _updates_context(project, period),
        ),
        (
            "milestones",
            f"Milestones ({project.milestone_count})",
            "Milestones",
            lambda: _milestones_context(project),
        ),
        ("raid", "RAID", "Risks", lambda: _raid_context(project)),
        (
            "dependencies",
            f"Dependencies ({project.dependency_count})",
            "Dependencies",
            lambda: {"dependencies": selectors.project_dependencies(project)},
        ),
        ("gates", "Gates", "Gates", lambda: _gates_context(project)),
        (
            "history",
            "History",
            "History",
            lambda: {"history": selectors.project_history(project)},
        ),
    ]
    return [
        {
            "id": tab_id,
            "label": label,
            "name": label.split(" (")[0],
            "heading": heading,
            "template": template + tab_id,
            "context": context,
        }
        for tab_id, label, heading, context in tabs
    ]


def _other_app_tabs(request, project) -> list[dict]:
    """The tabs other apps add (pmo.extensions.register_project_tabs)."""
    return [tab for _app, tabs in extensions.PROJECT_TABS for tab in tabs(request, project)]


def _project_tabs(request, project, period) -> list[dict]:
    """Every tab the user may see. A panel not loaded yet shows the heading its
    content starts with (so the heading stays put when htmx swaps the content
    in) and a link that names the tab."""
    tabs = [*_portfolio_tabs(project, period), *_other_app_tabs(request, project)]
    return [{"heading": tab["label"], "name": tab["label"], **tab} for tab in tabs]


def _render_tab(request, project, tab: dict) -> str:
    context = tab.get("context", {})
    if callable(context):
        context = context()
    return render_to_string(tab["template"], {"project": project, **context}, request)


@require_safe
def project_detail(request, reference: str):
    fragment, header, may = _project_page_fragment(request, reference)
    context = fragment.context(
        lambda: _project_page_context(request, reference), project=header, **may
    )
    return render(request, "portfolio/project_detail.html", context)


def _project_page_fragment(request, reference: str) -> tuple[Fragment, Project, dict]:
    """The project page opened on its Overview is kept rendered for everyone
    with the same answers to the two permission questions its markup asks
    (may they edit it, may they update it; every tab is listed for anyone who
    may view). The answers are worked out here, once, and are both the key
    and what the template shows, so the two cannot disagree; the header and
    the Overview ask nothing else. Other tabs are rendered afresh."""
    require(request, "view")
    header = (
        Project.objects.filter(reference=reference)
        .only("reference", "title", "project_manager_id", "sponsor_id")
        .first()
    )
    if header is None:
        raise Http404
    overview = request.GET.get("tab", "overview") == "overview"
    may = {
        "may_edit": can(request.user, "edit_project", header),
        "may_update": can(request.user, "update_project", header),
    }
    fragment = Fragment(
        request,
        "project",
        reads=PROJECT_PAGE_READS,
        part="page" if overview else None,
        vary=tuple(may.values()),
        per_project=(header.pk, PROJECT_PAGE_OWN_ROWS),
    )
    return fragment, header, may


def _project_page_context(request, reference: str) -> dict[str, Any]:
    period = selectors.current_period()
    project = _get_project(request, reference, queryset=_with_page_summary(period))
    tabs = _project_tabs(request, project, period)
    # An unknown ?tab= (an old bookmark, a tab the user no longer sees) opens
    # the Overview rather than a dead end.
    active = next((tab for tab in tabs if tab["id"] == request.GET.get("tab")), tabs[0])
    return {
        "project": project,
        "period": period,
        "latest": _latest_update(project),
        "update_due": _update_due(project),
        "tabs": tabs,
        "active": active,
        "active_html": _render_tab(request, project, active),
    }


@require_safe
def project_tab(request, reference: str, tab_id: str):
    """One tab's panel content, for htmx to load when the tab is first shown.
    It asks the same permission as the page; other apps' tabs() also check
    their own, and a tab they withhold is not found here either."""
    period = selectors.current_period()
    project = _get_project(request, reference, queryset=_with_page_summary(period))
    tab = next((t for t in _project_tabs(request, project, period) if t["id"] == tab_id), None)
    if tab is None:
        raise Http404
    return HttpResponse(_render_tab(request, project, tab))


def update_new(request, reference: str):
    project = _get_project(request, reference, "update_project")
    period = selectors.current_period()
    previous = services.previous_update(project, period)
    form = StatusUpdateForm(request.POST or None, period=period, carried_from=previous)
    if request.method == "POST" and form.is_valid():
        try:
            update = services.status_update_submit(
                project=project, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _update_submitted(request, project, update)
    return _update_form_page(request, project, period, form)


@require_POST
def update_no_change(request, reference: str):
    """'No change since October': one click submits last update's values as
    this month's, by this user. If the honesty rule refuses them, the form
    opens with those values and the reason, for the PM to change or justify."""
    project = _get_project(request, reference, "update_project")
    period = selectors.current_period()
    try:
        update = services.status_update_confirm_no_change(
            project=project, user=request.user, period=period
        )
    except ValidationError as error:
        previous = services.previous_update(project, period)
        carried = previous.carried_values() if previous else {}
        form = StatusUpdateForm(
            {"period": period.isoformat(), **carried}, period=period, carried_from=previous
        )
        form.is_valid()
        form.add_error(None, error)
        return _update_form_page(request, project, period, form)
    return _update_submitted(request, project, update)


def _update_submitted(request, project, update):
    confirmed = ": no change since the previous update" if update.no_change else ""
    messages.success(
        request, f"Update for {update.period:%B %Y} submitted for {project.reference}{confirmed}"
    )
    return redirect(f"/projects/{project.reference}/?tab=updates#updates")


def _update_form_page(request, project, period, form):
    return render(
        request,
        "portfolio/update_form.html",
        {
            "form": form,
            "project": project,
            "period": period,
            "counts": services.honesty_counts(project),
            # Offered only while this month has no update to clash with.
            "may_confirm_no_change": form.carried_from is not None
            and not project.status_updates.filter(period=period).exists(),
            # Said before anyone types a report that cannot be saved.
            "locked": services.locked_period_message(period) if period_is_locked(period) else "",
        },
    )


# --- Milestones, RAID, dependencies and gates ---------------------------------


@dataclass(frozen=True)
class RecordKind:
    """One kind of record kept on a project, and who may write it."""

    model: type[models.Model]
    form: type
    noun: str
    tab: str
    action: str = "update_project"

    def form_for(self, project, data=None, instance=None):
        if self.model is Dependency:
            return self.form(data, instance=instance, source=project)
        return self.form(data, instance=instance)

    def objects_of(self, project):
        if self.model is Dependency:
            return Dependency.objects.filter(source=project)
        return self.model.objects.filter(project=project)

    def create(self, project, user, fields: dict[str, Any]):
        if self.model is Dependency:
            return services.dependency_create(source=project, user=user, **fields)
        if self.model is GateDecision:
            return services.gate_decision_record(project=project, user=user, **fields)
        return services.record_create(model=self.model, project=project, user=user, **fields)

    def update(self, instance, user, fields: dict[str, Any], expected_marker: int | None):
        if self.model is GateDecision:
            return services.gate_decision_update(
                gate_decision=instance, user=user, expected_marker=expected_marker, **fields
            )
        return services.record_update(
            instance=instance, user=user, expected_marker=expected_marker, **fields
        )


RECORD_KINDS = {
    "milestones": RecordKind(Milestone, MilestoneForm, "milestone", "milestones"),
    "risks": RecordKind(Risk, RiskForm, "risk", "raid"),
    "issues": RecordKind(Issue, IssueForm, "issue", "raid"),
    "assumptions": RecordKind(Assumption, AssumptionForm, "assumption", "raid"),
    "decisions": RecordKind(Decision, DecisionForm, "decision", "raid"),
    "dependencies": RecordKind(Dependency, DependencyForm, "dependency", "dependencies"),
    # Gates are run by the PMO; a gate decision moves money and stages.
    "gates": RecordKind(GateDecision, GateDecisionForm, "gate decision", "gates", "edit_project"),
}


def record_form(request, reference: str, kind: str, pk: int | None = None):
    """Add or edit a milestone, RAID item, dependency or gate on a project."""
    record_kind = RECORD_KINDS.get(kind)
    if record_kind is None:
        raise Http404
    project = _get_project(request, reference, record_kind.action)
    instance = None
    if pk is not None:
        instance = get_object_or_404(record_kind.objects_of(project), pk=pk)
    # Optimistic locking: the form carries the record's history marker as it
    # was when opened (see services.history_marker).
    seen = request.POST.get("seen", "")
    marker = services.history_marker(instance) if instance else 0
    form = record_kind.form_for(project, request.POST or None, instance)
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if instance is None:
                record_kind.create(project, request.user, fields)
            else:
                expected = int(seen) if seen.isdigit() else None
                record_kind.update(instance, request.user, fields, expected)
        except services.RecordConflict as error:
            # Keep what the user typed; saving again replaces the other change.
            conflict, marker = error, error.current_marker
        except ValidationError as error:
            form.add_error(None, error)
        else:
            verb = "added" if instance is None else "saved"
            messages.success(request, f"{record_kind.noun.capitalize()} {verb}")
            return redirect(
                f"/projects/{project.reference}/?tab={record_kind.tab}#{record_kind.tab}"
            )
    return render(
        request,
        "portfolio/record_form.html",
        {
            "form": form,
            "project": project,
            "kind": record_kind,
            "instance": instance,
            "conflict": conflict,
            "marker": marker,
        },
        status=409 if conflict else 200,
    )
