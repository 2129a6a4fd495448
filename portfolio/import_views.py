"""/projects/import/: upload, match the columns, watch the check, confirm,
watch the import.

The uploaded file is read once, into plain columns staged on the server
(portfolio.imports.stage), and an ImportRun records it. The columns page
(import_columns) asks which column fills which field and what the file's
words mean (portfolio/import_mapping.py). Checking and importing are
background tasks (portfolio/import_runs.py); the run's page polls their
progress with htmx and then shows the kept outcome. Confirm sends nothing
back but which unknown names to create.
"""

from __future__ import annotations

import io
from functools import partial

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from pmo.permissions import require
from pmo.spreadsheets import Column, add_sheet, new_workbook
from portfolio import import_mapping, import_runs, imports
from portfolio.import_columns import clean_header
from portfolio.import_forms import ConfirmForm, MappingForm, UploadForm
from portfolio.models import ImportStatus, SavedMapping
from portfolio.tasks import check_import_task, import_checked_task

RECENT_IMPORTS = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_upload(request):
    require(request, "import_projects")
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        run = import_runs.start(form.cleaned_data["file"], request.user)
        return redirect("portfolio:import_columns", pk=run.pk)
    return render(
        request,
        "portfolio/import.html",
        {
            "form": form,
            "sheet_specs": imports.SHEET_SPECS,
            "recent": import_runs.visible_to(request.user)[:RECENT_IMPORTS],
        },
    )


@require_http_methods(["GET", "POST"])
def import_run(request, pk: int):
    """The run's progress while a task works on it, then the check to
    confirm, or what was imported. Polled by htmx for the progress."""
    require(request, "import_projects")
    run = get_object_or_404(import_runs.visible_to(request.user), pk=pk)
    if run.status == ImportStatus.MAPPING:
        return redirect("portfolio:import_columns", pk=run.pk)
    stopped = import_runs.has_stopped(run)
    if request.htmx and request.method == "GET":
        if run.is_working and not stopped:
            return render(request, "portfolio/import_run.html#progress", _progress(run))
        return HttpResponseClientRefresh()  # the step finished: show its outcome
    checked = _checked(run)
    waiting = checked is not None and run.status == ImportStatus.READY
    # With problems in some rows, the others can be imported on their own.
    valid_rows = (
        import_runs.valid_row_count(checked["outcome"].errors, run.rows_in_file) if waiting else 0
    )
    if request.method == "POST":
        if not waiting:
            messages.info(request, "This import is not waiting to be confirmed.")
        elif request.POST.get("action") == "check-again":
            if import_runs.check_again(run):
                transaction.on_commit(partial(check_import_task.delay, run.pk))
        elif request.POST.get("action") == "change-columns":
            import_runs.change_mapping(run)
            return redirect("portfolio:import_columns", pk=run.pk)
        elif not checked["outcome"].errors:
            _confirm(request, run, _confirm_form(run, checked, request.POST))
        elif request.POST.get("action") == "import-valid" and valid_rows:
            _confirm(request, run, _confirm_form(run, checked, request.POST), valid_only=True)
        return redirect("portfolio:import_run", pk=run.pk)
    form = (
        _confirm_form(run, checked)
        if waiting and (not checked["outcome"].errors or valid_rows)
        else None
    )
    refused = [imports.RowError(**error) for error in run.refused]
    return render(
        request,
        "portfolio/import_run.html",
        {
            "run": run,
            "stopped": stopped,
            "file": checked["file"] if checked else None,
            "preview": checked["outcome"] if checked else None,
            "errors": refused or (checked["outcome"].errors if checked else []),
            "confirm_failed": bool(refused),
            "valid_rows": valid_rows,
            "problem_rows": run.rows_in_file - valid_rows if valid_rows else 0,
            "form": form,
            **(_progress(run) if run.is_working else {"run": run}),
        },
    )


@require_http_methods(["GET", "POST"])
def import_columns(request, pk: int):
    """The mapping step: which column fills which field, and what the file's
    words mean; then the check starts. A saved mapping can start it off."""
    require(request, "import_projects")
    run = get_object_or_404(import_runs.visible_to(request.user), pk=pk)
    if run.status != ImportStatus.MAPPING:
        return redirect("portfolio:import_run", pk=run.pk)
    raw = import_runs.staged_columns(run)
    if raw is None:
        import_runs.fail(run.pk, import_runs.GONE)
        return redirect("portfolio:import_run", pk=run.pk)
    saved_mappings = list(SavedMapping.objects.select_related("saved_by"))
    asked = request.POST.get("saved") or request.GET.get("saved")
    if run.mapping and not asked:
        chosen, start = None, import_mapping.Mapping.from_dict(run.mapping)  # back from the check
    else:
        chosen = _saved_mapping_chosen(asked, raw, saved_mappings)
        start = import_mapping.guess_mapping(raw, chosen.mapping if chosen else None)
    form = MappingForm(request.POST if request.method == "POST" else None, raw=raw, mapping=start)
    if form.is_bound and form.is_valid() and request.POST.get("action") != "refresh":
        mapping = form.cleaned_data["mapping"]
        if form.cleaned_data["save_as"]:
            SavedMapping.objects.update_or_create(
                name=form.cleaned_data["save_as"],
                defaults={
                    "mapping": mapping.remembered(raw),
                    "saved_by": request.user,
                    "saved_at": timezone.now(),
                },
            )
        if import_runs.choose_mapping(run, mapping, raw):
            transaction.on_commit(partial(check_import_task.delay, run.pk))
        return redirect("portfolio:import_run", pk=run.pk)
    return render(
        request,
        "portfolio/import_columns.html",
        {
            "run": run,
            "raw": raw,
            "form": form,
            "saved_mappings": saved_mappings,
            "chosen": chosen,
            "asked": asked or (str(chosen.pk) if chosen else "none"),
            "row_count": raw.row_count,
        },
    )


def _saved_mapping_chosen(asked, raw, saved_mappings) -> SavedMapping | None:
    """The saved mapping asked for (?saved=<id>, or 'none'), else the one
    that knows most of this file's headers, if it knows at least half."""
    if asked == "none":
        return None
    if asked:
        return next((m for m in saved_mappings if str(m.pk) == asked), None)
    headers = {(sheet.kind, clean_header(h)) for sheet in raw.sheets for h in sheet.headers if h}

    def known(saved: SavedMapping) -> int:
        return sum(
            1 for kind, header in headers if header in saved.mapping["columns"].get(kind, {})
        )

    best = max(saved_mappings, key=known, default=None)
    return best if best is not None and known(best) * 2 >= len(headers) else None


def _confirm_form(run, checked, data=None) -> ConfirmForm:
    """After a refused Confirm, the boxes stay as the PMO left them."""
    outcome = checked["outcome"]
    initial = {}
    if run.refused:
        initial = {
            "create_people": run.create_people,
            "create_directorates": run.create_directorates,
        }
    return ConfirmForm(
        data,
        initial=initial,
        people=outcome.unknown_people,
        directorates=outcome.unknown_directorates,
    )


def _confirm(request, run, form, valid_only: bool = False) -> None:
    if not form.is_valid():
        return  # only a tampered form names someone the check did not find
    if import_runs.request_import(
        run,
        create_people=form.cleaned_data["create_people"],
        create_directorates=form.cleaned_data["create_directorates"],
        valid_only=valid_only,
    ):
        transaction.on_commit(partial(import_checked_task.delay, run.pk))
    else:
        messages.info(request, "This import has already been confirmed.")


def _checked(run) -> dict | None:
    if run.checked is None:
        return None
    return {
        "file": imports.FileSummary.from_dict(run.checked["file"]),
        "outcome": imports.ImportOutcome.from_dict(run.checked["outcome"]),
    }


def _progress(run) -> dict:
    done, total = import_runs.read_progress(run)
    percent = min(100, done * 100 // total) if total else 0
    return {"run": run, "done": done, "total": total, "percent": percent}


@require_GET
def import_problems(request, pk: int):
    """The rows the check found problems in, each with its problems beside
    it, to correct and upload again."""
    require(request, "import_projects")
    run = get_object_or_404(import_runs.visible_to(request.user), pk=pk)
    if not run.checked or not run.checked["outcome"]["errors"]:
        raise Http404("This import has no rows with problems")
    buffer = io.BytesIO()
    if not import_runs.problems_workbook(run, buffer):
        raise Http404(import_runs.GONE)
    stem = run.filename.rsplit(".", 1)[0] or "import"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{stem} - rows with problems.xlsx"
    )
    return response


@require_GET
def import_template(request):
    """An empty workbook with every sheet and column, and a Guidance sheet
    (which the import skips) listing the accepted names."""
    require(request, "import_projects")
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    for spec in imports.SHEET_SPECS:
        add_sheet(workbook, spec.label, [Column(c.header) for c in spec.columns], [])
    guidance = [
        (spec.label, c.header, "Yes" if c.required else "", ", ".join(c.aliases), c.guidance)
        for spec in imports.SHEET_SPECS
        for c in spec.columns
    ]
    add_sheet(
        workbook,
        "Guidance",
        [
            Column("Sheet"),
            Column("Column"),
            Column("Required"),
            Column("Also accepted"),
            Column("What to enter"),
        ],
        guidance,
    )
    workbook.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="project-import-template.xlsx"'
    return response
