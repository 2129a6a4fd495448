"""Benefits pages: thin function views over services and selectors."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from benefits import charts, exports, imports, selectors, services
from benefits.forms import (
    ActualForm,
    AddBenefitQuery,
    BenefitForm,
    CostForm,
    ForecastCellForm,
    ImportUploadForm,
    MeasurementForm,
    NarrativeForm,
    OutcomeForm,
    RebaselineForm,
    ReprofileForm,
    ResolveFlagForm,
    SignOffForm,
    SummaryFiguresForm,
    TrackerFilterForm,
    WriteOffForm,
    editable_projects,
    month_default,
)
from benefits.models import (
    BenefitActual,
    BenefitStatus,
    BenefitType,
    BenefitYear,
    Confidence,
    FinancialBenefit,
    NonFinancialBenefit,
    OutcomeKind,
    ProjectCost,
)
from benefits.money import financial_year_of, fy_bounds, fy_label, mtfp_years
from pmo.datacache import Fragment
from pmo.permissions import can, require
from portfolio.models import Directorate, MTFPCategory, Project, Workstream

TRACKER_PAGE_SIZE = 100
# What the tracker and the summary read (tests/pmo/test_datacache.py checks
# it is all).
TRACKER_READS = (
    Project,
    FinancialBenefit,
    BenefitYear,
    BenefitActual,
    Directorate,
    Workstream,
    get_user_model(),
)
SUMMARY_READS = (Project, FinancialBenefit, BenefitYear, BenefitActual, ProjectCost, Directorate)
OUTCOMES_PAGE_SIZE = 24


def _posted(request):
    """The POST data when the request is a POST (even an empty one), else None."""
    return request.POST if request.method == "POST" else None


def _today():
    return timezone.localdate()


def _benefit(pk: int) -> FinancialBenefit:
    return get_object_or_404(
        FinancialBenefit.objects.select_related(
            "project", "directorate", "service", "owner", "plan_approved_by", "duplicate_of"
        ),
        pk=pk,
    )


def _filter_options():
    return {
        "directorates": Directorate.objects.all(),
        "workstreams": Workstream.objects.all(),
        "benefit_types": BenefitType.choices,
        "mtfp_categories": MTFPCategory.choices,
        "confidences": Confidence.choices,
        "statuses": BenefitStatus.choices,
    }


# --- Tracker ------------------------------------------------------------------


@require_safe
def tracker(request):
    require(request, "view")
    fragment = Fragment(
        request, "tracker", reads=TRACKER_READS, part="results" if request.htmx else "page"
    )
    context = fragment.context(
        lambda: _tracker_context(request),
        may_add=can(request.user, "edit_benefit", None) or editable_projects(request.user).exists(),
    )
    template = "benefits/tracker.html#results" if request.htmx else "benefits/tracker.html"
    return render(request, template, context)


def _tracker_context(request) -> dict:
    form = TrackerFilterForm(request.GET, today=_today())
    year, view, filters = form.chosen_year, form.chosen_view, form.filters()
    totals = selectors.tracker_totals(filters, year, view)
    paginator = Paginator(selectors.tracker_rows(filters, year, view), TRACKER_PAGE_SIZE)
    # The totals query already counted the filtered rows: no second COUNT.
    paginator.count = totals.listed
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "totals": totals,
        "year": year,
        "year_label": fy_label(year),
        "years": [(y, fy_label(y)) for y in mtfp_years(_today())],
        "view": view,
        "view_label": selectors.VIEW_LABELS[view],
        "views": selectors.VIEW_LABELS.items(),
        "form": form,
        "filters": filters,
        "query": query.urlencode(),
        **_filter_options(),
    }


# --- One benefit ---------------------------------------------------------------


@require_safe
def detail(request, pk: int):
    require(request, "view")
    benefit = _benefit(pk)
    return render(
        request,
        "benefits/detail.html",
        {
            **_profile_context(request, benefit),
            "actuals": selectors.benefit_actuals(benefit),
            "events": selectors.benefit_events(benefit),
            "duplicates": benefit.duplicates.select_related("project"),
            "may_record": can(request.user, "record_actual", benefit),
            "may_sign_off": can(request.user, "sign_off_benefit", benefit),
            "may_approve": can(request.user, "approve_benefit_plan", benefit),
        },
    )


def _profile_context(request, benefit: FinancialBenefit) -> dict:
    """The profile table, its totals and its chart: the detail page and the
    inline forecast edit render the same figures."""
    profile = _with_sign_offs(
        request, benefit, selectors.benefit_profile(benefit, mtfp_years(_today()))
    )
    zero = Decimal("0.00")
    return {
        "benefit": benefit,
        "profile": profile,
        "profile_totals": {
            "plan": sum((r.plan for r in profile), zero),
            "forecast": sum((r.forecast for r in profile), zero),
            "actual": sum((r.actual for r in profile), zero),
            "slipped": sum((m.amount for r in profile for m in r.moves_out), zero),
            "lost": sum((r.lost for r in profile), zero),
            "new": sum((r.new for r in profile), zero),
        },
        "figure": charts.profile_figure(profile, view_label="Incremental saving"),
        "may_edit": can(request.user, "edit_benefit", benefit),
        "current_year": financial_year_of(_today()),
    }


def _with_sign_offs(request, benefit, profile: list) -> list:
    """Each year's sign-off as this user sees it: the link, or why not and
    who can (selectors.sign_offs asks the one rule)."""
    states = selectors.sign_offs(benefit, request.user, [r.year for r in profile], _today())
    for row in profile:
        row.sign_off = states.get(row.year)
    return profile


def _editable_benefit(request, pk: int, action: str = "edit_benefit") -> FinancialBenefit:
    benefit = _benefit(pk)
    require(request, action, benefit)
    return benefit


def add(request):
    projects = editable_projects(request.user)
    project = None
    if reference := AddBenefitQuery(request.GET).valid().get("project"):
        project = projects.filter(reference=reference).first()
    if not projects.exists():
        raise PermissionDenied("You do not manage any projects to add benefits to.")
    require(request, "edit_benefit", project or projects.first())
    years = mtfp_years(_today())
    form = BenefitForm(
        _posted(request),
        user=request.user,
        years=years,
        projects=projects,
        initial={
            "project": project,
            "directorate": project.lead_directorate if project else None,
            "mtfp_category": project.mtfp_category if project else None,
            "saving_kind": project.project_type if project else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        require(request, "edit_benefit", form.cleaned_data["project"])
        fields = form.detail_fields()
        try:
            benefit = services.benefit_create(
                by=request.user,
                plan=form.profile("plan"),
                forecast=form.forecast_or_plan(),
                **fields,
            )
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, f"Benefit {benefit.reference} added")
            return redirect("benefits:detail", pk=benefit.pk)
    return render(request, "benefits/benefit_form.html", {"form": form, "benefit": None})


def edit(request, pk: int):
    benefit = _editable_benefit(request, pk)
    form = BenefitForm(
        _posted(request),
        instance=benefit,
        user=request.user,
        years=mtfp_years(_today()),
        projects=editable_projects(request.user) | Project.objects.filter(pk=benefit.project_id),
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        fields = form.detail_fields()
        fields.pop("project", None)
        try:
            services.benefit_update(
                benefit=benefit,
                version=form.cleaned_data.get("version") or 0,
                by=request.user,
                plan=None
                if form.plan_locked
                else {y: a for y, a in form.profile("plan").items() if y not in form.signed_years},
                forecast={
                    y: a for y, a in form.profile("forecast").items() if y not in form.signed_years
                },
                **fields,
            )
        except services.ConflictError:
            conflict = True
            form.add_error(
                None,
                "Someone else changed this benefit while you were editing it. "
                "Your changes are below: check them against the latest version and save again.",
            )
            form.data = form.data.copy()
            form.data["version"] = FinancialBenefit.objects.get(pk=pk).version
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, "Benefit saved")
            return redirect("benefits:detail", pk=benefit.pk)
    return render(
        request,
        "benefits/benefit_form.html",
        {"form": form, "benefit": benefit, "conflict": conflict},
    )


def forecast_cell(request, pk: int, year: int):
    """The inline forecast edit in the profile table (htmx): GET gives the
    editable cell, POST saves it and gives the row back."""
    benefit = _editable_benefit(request, pk)
    profile = {
        r.year: r
        for r in _with_sign_offs(
            request, benefit, selectors.benefit_profile(benefit, mtfp_years(_today()))
        )
    }
    if year not in profile:
        raise Http404("No such year in the profile")
    form = ForecastCellForm(_posted(request), initial={"forecast": profile[year].forecast})
    editing = True
    if request.method == "POST":
        if form.is_valid():
            try:
                services.benefit_set_forecast(
                    benefit=benefit,
                    year=year,
                    forecast=form.cleaned_data["forecast"],
                    by=request.user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(
                        "forecast",
                        message.split(": ", 1)[-1] if message.startswith("Forecast") else message,
                    )
            else:
                if not request.htmx:
                    messages.success(request, f"Forecast for {fy_label(year)} saved")
                    return redirect("benefits:detail", pk=pk)
                # The whole profile, not just the row: later years' budget
                # effect, the totals and the chart all move with one forecast.
                response = render(
                    request, "benefits/detail.html#profile", _profile_context(request, benefit)
                )
                return reswap(retarget(response, "#profile-section"), "innerHTML")
    elif request.GET.get("cancel") or profile[year].is_signed_off:
        editing = False
    context = {
        "benefit": benefit,
        "row": profile[year],
        "form": form,
        "editing": editing,
        "may_edit": True,
    }
    if not request.htmx:
        return render(request, "benefits/forecast_cell.html", context)
    return render(request, "benefits/_profile_row.html", context)


@require_POST
def approve(request, pk: int):
    benefit = _editable_benefit(request, pk, "approve_benefit_plan")
    try:
        services.benefit_approve_plan(benefit=benefit, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Plan approved: it now changes only by re-baselining")
    return redirect("benefits:detail", pk=pk)


def record_actual(request, pk: int):
    benefit = _editable_benefit(request, pk, "record_actual")
    form = ActualForm(_posted(request), initial={"month": month_default(_today())})
    if request.method == "POST" and form.is_valid():
        try:
            services.benefit_record_actual(
                benefit=benefit,
                month=form.cleaned_data["month"],
                amount=form.cleaned_data["amount"],
                evidence=form.cleaned_data["evidence"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Actual recorded")
            return redirect("benefits:detail", pk=pk)
    return render(request, "benefits/actual_form.html", {"form": form, "benefit": benefit})


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(key if key in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def sign_off(request, pk: int, year: int):
    benefit = _editable_benefit(request, pk, "sign_off_benefit")
    row = benefit.years.filter(year=year).first()
    if row is None:
        raise Http404("No such year in the profile")
    profile = {r.year: r for r in selectors.benefit_profile(benefit)}
    state = selectors.sign_offs(benefit, request.user, [year], _today()).get(year)
    running = state is not None and state.is_running
    form = SignOffForm(_posted(request), running_year=fy_label(year) if running else None)
    if request.method == "POST" and form.is_valid():
        # The service decides again: a POST made without the page (or after
        # someone else's change) is refused the same way.
        try:
            services.benefit_sign_off(
                benefit=benefit,
                year=year,
                by=request.user,
                note=form.cleaned_data["note"],
                running_year_confirmed=form.running_year_confirmed,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{fy_label(year)} signed off")
            return redirect("benefits:detail", pk=pk)
    return render(
        request,
        "benefits/sign_off_form.html",
        {
            "form": form,
            "benefit": benefit,
            "row": profile[year],
            "sign_off": state,
            "year_end": fy_bounds(year)[1],
            "actuals": benefit.actuals.filter(year=year).select_related("entered_by"),
        },
    )


def _reason_view(request, pk, *, form_class, action, template_title, service, measure=None):
    benefit = _editable_benefit(request, pk, action)
    kwargs = {"benefit": benefit, "years": mtfp_years(_today())} if measure else {}
    form = form_class(_posted(request), **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            if measure:
                service(
                    benefit=benefit,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    **{
                        measure: {
                            y: a
                            for y, a in form.profile(measure).items()
                            if not form.fields[f"{measure}_{y}"].disabled
                        }
                    },
                )
            else:
                service(benefit=benefit, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            if measure:
                form.apply_service_errors(exc)
            else:
                _add_errors(form, exc)
        else:
            messages.success(request, f"{template_title}: done")
            return redirect("benefits:detail", pk=pk)
    return render(
        request,
        "benefits/reason_form.html",
        {"form": form, "benefit": benefit, "title": template_title, "measure": measure},
    )


def rebaseline(request, pk: int):
    return _reason_view(
        request,
        pk,
        form_class=RebaselineForm,
        action="approve_benefit_plan",
        template_title="Re-baseline the plan",
        service=services.benefit_rebaseline,
        measure="plan",
    )


def reprofile(request, pk: int):
    return _reason_view(
        request,
        pk,
        form_class=ReprofileForm,
        action="edit_benefit",
        template_title="Re-profile the forecast",
        service=services.benefit_reprofile,
        measure="forecast",
    )


def write_off(request, pk: int):
    return _reason_view(
        request,
        pk,
        form_class=WriteOffForm,
        action="edit_benefit",
        template_title="Write off the benefit",
        service=services.benefit_write_off,
    )


# --- Summary, outcomes, quality -------------------------------------------------


@require_safe
def summary(request):
    require(request, "view")
    fragment = Fragment(request, "summary", reads=SUMMARY_READS)
    return render(
        request, "benefits/summary.html", fragment.context(lambda: _summary_context(request))
    )


def _summary_context(request) -> dict:
    years = mtfp_years(_today())
    form = SummaryFiguresForm(request.GET, today=_today())
    view, measure, year = form.chosen_view, form.chosen_measure, form.chosen_year
    frame = selectors.summary_frame()
    by_directorate = selectors.pivot(frame, "directorate", measure, years, view)
    category_labels = dict(MTFPCategory.choices)
    by_category = selectors.pivot(frame, "mtfp_category", measure, years, view)
    by_category.columns = [category_labels.get(c, c) for c in by_category.columns]
    trend = selectors.portfolio_trend(frame, years)
    fall = selectors.waterfall_for_year(year)
    investment = selectors.portfolio_investment(frame, years)
    suffix = "_effect" if view == selectors.BUDGET_EFFECT else ""
    return {
        "form": form,
        "years": [(y, fy_label(y)) for y in years],
        "year": year,
        "view": view,
        "view_label": selectors.VIEW_LABELS[view],
        "views": selectors.VIEW_LABELS.items(),
        "measure": measure,
        "by_directorate": by_directorate,
        "directorate_rows": selectors.pivot_rows(by_directorate),
        "by_category": by_category,
        "category_rows": selectors.pivot_rows(by_category),
        "trend": trend,
        "trend_suffix": suffix,
        "trend_figure": charts.trend_figure(
            trend, suffix=suffix, view_label=selectors.VIEW_LABELS[view]
        ),
        "waterfall": fall,
        "waterfall_figure": charts.waterfall_figure(fall),
        "investment": investment,
        "fte": selectors.fte_totals(),
        "project_investments": selectors.project_investments(years),
    }


@require_safe
def outcomes(request):
    require(request, "view")
    qs = selectors.outcomes_queryset()
    page = Paginator(qs, OUTCOMES_PAGE_SIZE).get_page(request.GET.get("page"))
    cards = selectors.outcome_cards(page.object_list)
    return render(
        request,
        "benefits/outcomes.html",
        {
            "page": page,
            "measured": [c for c in cards if c.outcome.kind == OutcomeKind.MEASURED],
            "narratives": [c for c in cards if c.outcome.kind == OutcomeKind.NARRATIVE],
            "may_add": editable_projects(request.user).exists(),
        },
    )


def outcome_add(request):
    projects = editable_projects(request.user)
    if not projects.exists():
        raise PermissionDenied("You do not manage any projects.")
    require(request, "edit_benefit", projects.first())
    form = OutcomeForm(_posted(request), projects=projects)
    if request.method == "POST" and form.is_valid():
        require(request, "edit_benefit", form.cleaned_data["project"])
        try:
            services.outcome_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Non-financial benefit added")
            return redirect("benefits:outcomes")
    return render(request, "benefits/outcome_form.html", {"form": form})


def _outcome_for_edit(request, pk):
    outcome = get_object_or_404(NonFinancialBenefit.objects.select_related("project"), pk=pk)
    if not (
        can(request.user, "edit_benefit", outcome)
        or (outcome.owner_id == request.user.pk and can(request.user, "view"))
    ):
        require(request, "edit_benefit", outcome)
    return outcome


def outcome_measure(request, pk: int):
    outcome = _outcome_for_edit(request, pk)
    if outcome.kind != OutcomeKind.MEASURED:
        raise Http404("This benefit is a narrative, not a KPI")
    form = MeasurementForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_record_measurement(benefit=outcome, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Measurement recorded")
            return redirect("benefits:outcomes")
    return render(
        request,
        "benefits/outcome_entry_form.html",
        {"form": form, "outcome": outcome, "title": "Record a measurement"},
    )


def outcome_narrative(request, pk: int):
    outcome = _outcome_for_edit(request, pk)
    form = NarrativeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.narrative_add(benefit=outcome, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Narrative entry added")
            return redirect("benefits:outcomes")
    return render(
        request,
        "benefits/outcome_entry_form.html",
        {"form": form, "outcome": outcome, "title": "Add a narrative entry"},
    )


QUALITY_LIST_SIZE = 100


@require_safe
def quality(request):
    require(request, "view")
    missing = selectors.benefits_missing_owner_or_baseline()
    unapproved = selectors.plans_not_approved()
    return render(
        request,
        "benefits/quality.html",
        {
            "flags": selectors.double_count_flags(),
            # A long book can have thousands; the first hundred of each, and the count.
            "missing": missing[:QUALITY_LIST_SIZE],
            "missing_count": missing.count(),
            "unapproved": unapproved[:QUALITY_LIST_SIZE],
            "unapproved_count": unapproved.count(),
            "may_resolve": can(request.user, "resolve_data_quality"),
        },
    )


@require_POST
def resolve_flag(request):
    require(request, "resolve_data_quality")
    form = ResolveFlagForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "distinct":
                services.double_count_mark_distinct(
                    budget_code=data["budget_code"],
                    year=data["year"],
                    benefit_ids=data["benefit_ids"],
                    reason=data["reason"],
                    by=request.user,
                )
            else:
                duplicate = data["duplicate"]
                counted = (
                    FinancialBenefit.objects.filter(
                        pk__in=[i for i in data["benefit_ids"] if i != duplicate.pk]
                    )
                    .order_by("pk")
                    .first()
                )
                services.benefit_mark_duplicate(
                    benefit=duplicate, duplicate_of=counted, reason=data["reason"], by=request.user
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Flag resolved")
    else:
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"The flag was not resolved: {errors}")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("benefits:quality"))
    return redirect("benefits:quality")


@require_safe
def closed(request):
    require(request, "view")
    page = Paginator(
        selectors.closed_projects_with_benefits_to_realise(), TRACKER_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "benefits/closed.html", {"page": page, "benefits": page.object_list})


def project_costs(request, reference: str):
    project = get_object_or_404(Project, reference=reference)
    require(request, "edit_benefit", project)
    years = mtfp_years(_today())
    existing = {c.year: c for c in project.cost_years.all()}
    form = CostForm(
        _posted(request), years=sorted(set(years) | set(existing)), initial_rows=existing
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_costs_save(project=project, rows=form.rows())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Investment profile saved")
            return redirect(f"/projects/{project.reference}/?tab=benefits#benefits")
    return render(request, "benefits/costs_form.html", {"form": form, "project": project})


# --- Exports and imports --------------------------------------------------------


@require_safe
def export_xlsx(request):
    require(request, "export_benefits")
    today = _today()
    response = HttpResponse(
        exports.benefits_workbook(today=today),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="benefits-{today:%Y-%m-%d}.xlsx"'
    return response


@require_safe
def export_csv(request, sheet: str):
    require(request, "export_benefits")
    today = _today()
    try:
        content = exports.sheet_csv(sheet, today=today)
    except KeyError:
        raise Http404("No such sheet") from None
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="benefits-{sheet}-{today:%Y-%m-%d}.csv"'
    )
    return response


@require_safe
def export_page(request):
    require(request, "export_benefits")
    return render(request, "benefits/export.html", {"sheets": exports.SHEETS})


def import_benefits(request):
    require(request, "import_benefits")
    preview = None
    form = ImportUploadForm()
    if request.method == "POST" and "commit" in request.POST:
        token = request.POST.get("token", "")
        stored = request.session.get("benefits_import", {})
        if stored.get("token") != token:
            messages.error(request, "The preview has expired: upload the file again")
            return redirect("benefits:import")
        preview = imports.read_benefits(
            stored["name"], imports.b64decode(stored["content"]), today=_today(), by=request.user
        )
        preview.token = token
        readings = {
            key.removeprefix("reading_"): value
            for key, value in request.POST.items()
            if key.startswith("reading_")
        }
        try:
            created = imports.commit(preview, readings=readings, by=request.user, today=_today())
        except imports.ImportRefused as exc:
            preview.commit_errors = exc.errors
        else:
            request.session.pop("benefits_import", None)
            messages.success(
                request, f"{len(created)} benefit{'' if len(created) == 1 else 's'} imported"
            )
            return redirect("benefits:tracker")
    elif request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            preview = imports.read_benefits(upload.name, content, today=_today(), by=request.user)
            token = imports.new_token()
            request.session["benefits_import"] = {
                "token": token,
                "name": upload.name,
                "content": imports.b64encode(content),
            }
            preview.token = token
    return render(
        request,
        "benefits/import.html",
        {"form": form, "preview": preview, "columns": imports.TEMPLATE_HEADERS},
    )
