"""/projects/import/: upload, watch the check, confirm, watch the import.

The uploaded file is read once, into plain sheets staged on the server
(portfolio.imports.stage), and an ImportRun records it. Checking and
importing are background tasks (portfolio/import_runs.py); the run's page
polls their progress with htmx and then shows the kept outcome. Confirm
sends nothing back but which unknown names to create.
"""

from __future__ import annotations

import io
from functools import partial

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from pmo.permissions import require
from pmo.spreadsheets import Column, add_sheet, new_workbook
from portfolio import import_runs, imports
from portfolio.import_forms import ConfirmForm, UploadForm
from portfolio.models import ImportStatus
from portfolio.tasks import check_import_task, import_checked_task

RECENT_IMPORTS = 10


def import_upload(request):
    require(request, "import_projects")
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        run = import_runs.start(form.cleaned_data["file"], request.user)
        transaction.on_commit(partial(check_import_task.delay, run.pk))
        return redirect("portfolio:import_run", pk=run.pk)
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
    stopped = import_runs.has_stopped(run)
    if request.htmx and request.method == "GET":
        if run.is_working and not stopped:
            return render(request, "portfolio/import_run.html#progress", _progress(run))
        return HttpResponseClientRefresh()  # the step finished: show its outcome
    checked = _checked(run)
    waiting = checked is not None and run.status == ImportStatus.READY
    if request.method == "POST":
        if not waiting:
            messages.info(request, "This import is not waiting to be confirmed.")
        elif request.POST.get("action") == "check-again":
            if import_runs.check_again(run):
                transaction.on_commit(partial(check_import_task.delay, run.pk))
        elif not checked["outcome"].errors:
            _confirm(request, run, _confirm_form(run, checked, request.POST))
        return redirect("portfolio:import_run", pk=run.pk)
    form = _confirm_form(run, checked) if waiting and not checked["outcome"].errors else None
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
            "form": form,
            **(_progress(run) if run.is_working else {"run": run}),
        },
    )


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


def _confirm(request, run, form) -> None:
    if not form.is_valid():
        return  # only a tampered form names someone the check did not find
    if import_runs.request_import(
        run,
        create_people=form.cleaned_data["create_people"],
        create_directorates=form.cleaned_data["create_directorates"],
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
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="project-import-template.xlsx"'
    return response
