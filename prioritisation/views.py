from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from benefits.models import BenefitActual, BenefitYear, FinancialBenefit
from pmo.charts import stacked_bar_figure
from pmo.datacache import Fragment
from pmo.permissions import can, require
from portfolio.models import Directorate, Project, Service, Workstream
from prioritisation import exports, selectors, services
from prioritisation.charts import figure_json, grid_figure
from prioritisation.forms import (
    AssessmentForm,
    CalibrationForm,
    CapacityFilterForm,
    DraftModelForm,
    GridFilterForm,
    PhaseForm,
)
from prioritisation.models import (
    Assessment,
    AssessmentStatus,
    CalibrationReference,
    Criterion,
    CriterionScore,
    ModelStatus,
    Phase,
    PriorityRange,
    ScoringModel,
)
from prioritisation.scoring import PHASE_DELAY_QUARTERS, TIER_LOAD, Tier

# --- The grid --------------------------------------------------------------

# What the grid and the change load read (tests/pmo/test_datacache.py checks
# it is all).
GRID_READS = (
    # Sized by savings (?size=savings), the markers read the benefits.
    FinancialBenefit,
    BenefitYear,
    BenefitActual,
    Project,
    Directorate,
    Workstream,
    Assessment,
    Criterion,
    CriterionScore,
    PriorityRange,
    ScoringModel,
    Phase,
)
# What the ranking reads.
RANKING_READS = (Project, Directorate, Workstream, Assessment, PriorityRange, ScoringModel, Phase)
# What the change load reads.
CAPACITY_READS = (Project, Directorate, Service, Assessment, PriorityRange, ScoringModel, Phase)


def _subnav_vary(user) -> tuple[bool, bool]:
    """The permission answers prioritisation/_subnav.html shows links on: a
    cached page that includes it varies on them."""
    return can(user, "moderate_assessment"), can(user, "manage_scoring_models")


def _grid_context(request, *, present: bool) -> dict:
    form = GridFilterForm(request.GET)
    filters = form.filters()
    size = form.valid().get("size") or "investment"
    model = selectors.active_model()
    ranges = selectors.ranges_of(model)
    rows = selectors.grid_points(filters)
    if size == "savings":
        size_values = selectors.annual_savings_by_project([r.project_id for r in rows])
        size_label = "Annual savings"
    else:
        size_values = {r.project_id: r.investment for r in rows}
        size_label = "One-off investment"
    figure = grid_figure(
        rows,
        ranges=ranges,
        impact_threshold=model.impact_threshold,
        risk_threshold=model.risk_threshold,
        size_values=size_values,
        size_label=size_label,
        present=present,
    )
    matrix = selectors.count_matrix(rows, model)
    selected = _selected_cell(request, matrix)
    if selected is not None and selected.count:
        selected.projects = selectors.scored_in_cell(
            filters, model, selected.impact_band, selected.risk_band
        )
    query = request.GET.copy()
    for key in ("impact", "risk"):
        query.pop(key, None)
    size_links = []
    for value, label in GridFilterForm.base_fields["size"].choices:
        linked = query.copy()
        linked["size"] = value
        size_links.append({"label": label, "query": linked.urlencode(), "current": value == size})
    return {
        "form": form,
        "filtered": filters.active,
        "model": model,
        "ranges": ranges,
        "rows": rows,
        "figure": figure,
        "figure_json": figure_json(figure),
        "matrix": matrix,
        "risk_bands": [cell.risk_band for cell in matrix[0]],
        "selected": selected,
        "tier_counts": selectors.range_counts(filters),
        "unscored": selectors.unscored_count(filters),
        "size": size,
        "size_label": size_label,
        "size_links": size_links,
        "savings_missing": size == "savings" and not size_values,
        "filter_query": query.urlencode(),
    }


def _selected_cell(request, matrix):
    try:
        impact, risk = int(request.GET["impact"]), int(request.GET["risk"])
    except (KeyError, ValueError):
        return None
    for line in matrix:
        for cell in line:
            if cell.impact_band.index == impact and cell.risk_band.index == risk:
                return cell
    return None


@require_safe
def index(request):
    require(request, "view")
    return redirect("prioritisation:grid")


@require_safe
def grid(request):
    return _cached_with_cells(
        request,
        "grid",
        GRID_READS,
        ("impact", "risk"),
        lambda: _grid_context(request, present=False),
    )


def _cached_with_cells(request, name: str, reads, cell_params, build):
    """The grid and the change load: the whole page, or (htmx, with a cell
    chosen) the cell's project list, cached as pmo/datacache.py describes.
    A cell request gets the list (empty for a cell that is not there), from
    the cache or not."""
    require(request, "view")
    cell = request.htmx and set(cell_params) <= request.GET.keys()
    fragment = Fragment(
        request,
        name,
        reads=reads,
        part="cell-projects" if cell else "page",
        vary=_subnav_vary(request.user),
    )
    template_name = f"prioritisation/{name}.html" + ("#cell-projects" if cell else "")
    return render(request, template_name, fragment.context(build))


@require_safe
def present(request):
    """The grid for CLT meetings: full screen, large type, no navigation."""
    require(request, "view")
    context = _grid_context(request, present=True)
    template_name = "prioritisation/present.html"
    if request.htmx and context["selected"] is not None:
        template_name = "prioritisation/grid.html#cell-projects"
    return render(request, template_name, context)


# --- The ranking -------------------------------------------------------------


RANKING_PAGE_SIZE = 100


@require_safe
def ranking(request):
    """The whole portfolio is ranked (ranks are portfolio-wide); the page
    shows it 100 at a time so a 10,000-project portfolio stays usable.

    Kept rendered, with and without PMO's phase forms (whose CSRF tokens are
    each reader's own: see the datacache template tag)."""
    require(request, "view")
    may_phase = can(request.user, "set_phase")
    fragment = Fragment(
        request, "ranking", reads=RANKING_READS, vary=(*_subnav_vary(request.user), may_phase)
    )
    context = fragment.context(lambda: _ranking_context(request, may_phase), may_phase=may_phase)
    return render(request, "prioritisation/ranking.html", context)


def _ranking_context(request, may_phase: bool) -> dict:
    # Ranks come from the database (RANK() OVER the whole portfolio), so only
    # the page's 100 rows are read in full.
    paginator = Paginator(selectors.ranking_order(), RANKING_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.scored_page(page.object_list)
    today = timezone.localdate()
    if may_phase:
        for row in page.object_list:
            row.phase_form = PhaseForm(
                initial=PhaseForm.initial_for(row.phase), today=today, project=row.project
            )
    return {
        "rows": page.object_list,
        "page": page,
        "total": paginator.count,
        "unscored": selectors.unscored_count(),
    }


@require_safe
def ranking_export(request):
    require(request, "view")
    rows = selectors.scored_projects()
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            exports.ranking_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="priority-ranking-{stamp}.xlsx"'
    else:
        response = HttpResponse(exports.ranking_csv(rows), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="priority-ranking-{stamp}.csv"'
    return response


@require_POST
def set_phase(request, reference):
    project = get_object_or_404(Project.objects.select_related("phase"), reference=reference)
    require(request, "set_phase", project)
    today = timezone.localdate()
    form = PhaseForm(request.POST, today=today, project=project)
    saved = False
    if form.is_valid():
        phase, target = form.cleaned_data["phase"]
        try:
            record = services.phase_set(
                project=project,
                phase=phase,
                target_quarter=target,
                reason=form.cleaned_data["reason"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except services.ConflictError as exc:
            form.add_error(None, str(exc))
            # Show the phase as it now is and take its version, so saving
            # again (having seen it) keeps the officer's input.
            project.phase = Phase.objects.filter(project=project).first()
            data = request.POST.copy()
            data["version"] = project.phase.version if project.phase else 0
            form.data = data
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            saved = True
            project.phase = record
            form = PhaseForm(initial=PhaseForm.initial_for(record), today=today, project=project)
    if not request.htmx:
        if saved:
            messages.success(request, f"{project.reference} phased: {project.phase.label}.")
        else:
            errors = "; ".join(e for errs in form.errors.values() for e in errs)
            messages.error(request, f"{project.reference} was not phased: {errors}.")
        return redirect("prioritisation:ranking")
    return render(
        request,
        "prioritisation/_phase_cell.html",
        {
            "project": project,
            "phase": getattr(project, "phase", None),
            "form": form,
            "may_phase": True,
            "saved": saved,
        },
    )


# --- Change load -----------------------------------------------------------


@require_safe
def capacity(request):
    return _cached_with_cells(
        request,
        "capacity",
        CAPACITY_READS,
        ("service", "quarter"),
        lambda: _capacity_context(request),
    )


def _capacity_context(request) -> dict:
    form = CapacityFilterForm(request.GET)
    weighted = bool(form.chosen("weighted"))
    directorate = form.chosen("directorate")
    directorate_id = directorate.pk if directorate else None
    today = timezone.localdate()
    load = selectors.change_load(today=today, weighted=weighted, directorate_id=directorate_id)
    selected = None
    service, quarter = form.chosen("service"), form.chosen("quarter")
    if service and quarter:
        selected = load.cell(service, quarter)
    query = request.GET.copy()
    for key in ("service", "quarter"):
        query.pop(key, None)
    return {
        "form": form,
        "load": load,
        "selected": selected,
        "weighted": weighted,
        "directorates": Directorate.objects.all(),
        "directorate_id": directorate_id,
        "filter_query": query.urlencode(),
        "tier_load": [(Tier(t), n) for t, n in sorted(TIER_LOAD.items())],
        "phase_delay": PHASE_DELAY_QUARTERS,
        "today": today,
    }


# --- Scoring a project -------------------------------------------------------


def score(request, reference):
    project = get_object_or_404(Project, reference=reference)
    require(request, "score_project", project)
    model = selectors.active_model()
    may_moderate = can(request.user, "moderate_assessment", project)
    open_assessment = (
        Assessment.objects.filter(project=project, model=model)
        .exclude(status=AssessmentStatus.MODERATED)
        .prefetch_related("scores")
        .first()
    )
    basis = open_assessment or (
        Assessment.objects.filter(project=project, is_current=True)
        .prefetch_related("scores__criterion")
        .first()
    )
    initial_scores = {}
    if basis is not None:
        codes = {c.code: c.pk for c in model.criteria.all()}
        for s in basis.scores.select_related("criterion"):
            if s.criterion.code in codes:
                initial_scores[codes[s.criterion.code]] = (s.level, s.rationale)
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        criteria=model.criteria.all(),
        initial_scores=initial_scores,
        initial={"version": open_assessment.version if open_assessment else 0},
    )
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "draft")
        if action == "moderate":
            require(request, "moderate_assessment", project)
        try:
            assessment = services.assessment_save(
                project=project,
                by=request.user,
                entries=form.entries(),
                submit=action in ("submit", "moderate"),
                assessment=open_assessment,
                expected_version=form.cleaned_data.get("version"),
            )
            if action == "moderate":
                services.assessment_moderate(
                    assessment=assessment,
                    by=request.user,
                    note=request.POST.get("moderation_note", ""),
                )
        except services.ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            text = {
                "draft": "Draft scores saved.",
                "submit": "Scores submitted to the PMO for moderation.",
                "moderate": "Scores moderated: they now count on the grid.",
            }.get(action, "Scores saved.")
            messages.success(request, f"{project.reference}: {text}")
            return HttpResponseRedirect(f"/projects/{project.reference}/?tab=scores#scores")
    current = selectors.current_ranges([project.pk]).get(project.pk)
    return render(
        request,
        "prioritisation/score.html",
        {
            "project": project,
            "model": model,
            "form": form,
            "open_assessment": open_assessment,
            "may_moderate": may_moderate,
            "current_range": current,
        },
    )


@require_safe
def moderation(request):
    """Assessments waiting for the PMO: submitted first (oldest first), then
    drafts still being written, so nothing waits unseen."""
    require(request, "moderate_assessment")
    return render(
        request,
        "prioritisation/moderation.html",
        {"queue": selectors.open_assessments()},
    )


# --- Model versions and calibration -------------------------------------------


@require_safe
def models_list(request):
    require(request, "view")
    versions = ScoringModel.objects.select_related("created_by", "activated_by")
    return render(
        request,
        "prioritisation/models.html",
        {
            "versions": versions,
            "has_draft": any(v.status == ModelStatus.DRAFT for v in versions),
            "may_manage": can(request.user, "manage_scoring_models"),
        },
    )


@require_POST
def model_draft_create(request):
    require(request, "manage_scoring_models")
    try:
        draft = services.scoring_model_create_draft(by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("prioritisation:models")
    messages.success(request, f"Version {draft.number} created as a draft of the active model.")
    return redirect("prioritisation:model_detail", number=draft.number)


def model_detail(request, number):
    require(request, "view")
    model = get_object_or_404(
        ScoringModel.objects.prefetch_related("criteria", "ranges"), number=number
    )
    may_manage = can(request.user, "manage_scoring_models")
    editable = may_manage and model.status == ModelStatus.DRAFT
    form = None
    if request.method == "POST":
        require(request, "manage_scoring_models")
        if model.status != ModelStatus.DRAFT:
            messages.error(
                request,
                f"Version {model.number} is {model.get_status_display().lower()} and cannot be "
                "edited. Create a new draft to change the model.",
            )
            return redirect("prioritisation:model_detail", number=model.number)
        form = DraftModelForm(request.POST, model=model)
        if form.is_valid():
            try:
                services.scoring_model_update_draft(
                    model=model,
                    by=request.user,
                    expected_revision=form.cleaned_data["revision"],
                    impact_threshold=form.cleaned_data["impact_threshold"],
                    risk_threshold=form.cleaned_data["risk_threshold"],
                    change_note=form.cleaned_data["change_note"],
                    criteria=form.criteria_changes(),
                    ranges=form.range_changes(),
                )
            except services.ConflictError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Version {model.number} saved. Check the preview.")
                return redirect(
                    reverse("prioritisation:model_detail", args=[model.number]) + "#preview"
                )
    elif editable:
        form = DraftModelForm(model=model)
    preview = problems = None
    if editable:
        preview = selectors.what_if_preview(model)
        problems = services.activation_problems(model)
    return render(
        request,
        "prioritisation/model_detail.html",
        {
            "model": model,
            "criteria": list(model.criteria.all()),
            "ranges": selectors.ranges_of(model),
            "form": form,
            "editable": editable,
            "preview": preview,
            "problems": problems,
        },
    )


@require_POST
def model_activate(request, number):
    require(request, "manage_scoring_models")
    model = get_object_or_404(ScoringModel, number=number)
    try:
        model, carried = services.scoring_model_activate(model=model, by=request.user)
    except ValidationError as exc:
        messages.error(
            request, f"Version {model.number} was not activated: " + " ".join(exc.messages)
        )
        return redirect("prioritisation:model_detail", number=model.number)
    messages.success(
        request,
        f"Version {model.number} is now active. {carried} projects' current scores were "
        "carried forward to it.",
    )
    return redirect("prioritisation:models")


def calibration(request):
    require(request, "manage_scoring_models")
    model = selectors.active_model()
    ranges = selectors.ranges_of(model)
    form = CalibrationForm(request.POST if request.method == "POST" else None, ranges=ranges)
    if request.method == "POST" and form.is_valid():
        reference = services.calibration_mark(
            project=form.cleaned_data["reference"],
            expected_tier=form.cleaned_data["expected_tier"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, f"{reference.project.reference} added to the calibration set.")
        return redirect("prioritisation:calibration")
    references = CalibrationReference.objects.select_related("project")
    current = selectors.current_ranges([r.project_id for r in references])
    by_tier = {int(r.tier): r for r in ranges}
    return render(
        request,
        "prioritisation/calibration.html",
        {
            "form": form,
            "rows": [(r, by_tier[r.expected_tier], current.get(r.project_id)) for r in references],
        },
    )


@require_POST
def calibration_remove(request, pk):
    require(request, "manage_scoring_models")
    reference = get_object_or_404(CalibrationReference.objects.select_related("project"), pk=pk)
    services.calibration_remove(reference=reference)
    messages.success(request, f"{reference.project.reference} removed from the calibration set.")
    return redirect("prioritisation:calibration")


# --- Roadmap -----------------------------------------------------------------


@require_safe
def roadmap(request):
    """Now / Next / Later by workstream: where the phasing decisions leave
    each workstream's projects (lower priority is phased later, not
    rejected)."""
    require(request, "view")
    roadmap = selectors.roadmap()
    figure = stacked_bar_figure(
        [name for name, _ in roadmap.rows],
        [
            (label, [cells[i].count for _, cells in roadmap.rows])
            for i, label in enumerate(roadmap.columns)
        ],
        x_title="Projects",
    )
    return render(
        request,
        "prioritisation/roadmap.html",
        {
            "roadmap": roadmap,
            "totals": roadmap.totals(),
            "figure": figure,
            "cell_limit": selectors.ROADMAP_CELL_LIMIT,
        },
    )
