"""/projects/import/: upload, preview every row's errors, then confirm.

The uploaded file is read once, into plain sheets staged on the server under
a random token kept in the session (portfolio.imports.stage); the confirm
step re-runs the import from those sheets, never from anything the browser
sends back except which unknown names to create.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from pmo.permissions import require
from pmo.spreadsheets import Column, add_sheet, new_workbook
from portfolio import imports
from portfolio.import_forms import ConfirmForm, UploadForm

SESSION_KEY = "portfolio_import"


def import_upload(request):
    require(request, "import_projects")
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        previous = request.session.get(SESSION_KEY, {})
        imports.discard_staged(previous.get("token"))
        token = imports.stage(form.cleaned_data["file"])
        request.session[SESSION_KEY] = {"token": token}
        return redirect("portfolio:import_preview")
    return render(
        request,
        "portfolio/import.html",
        {"form": form, "sheet_specs": imports.SHEET_SPECS},
    )


def import_preview(request):
    require(request, "import_projects")
    staged = request.session.get(SESSION_KEY, {})
    token = staged.get("token")
    upload = imports.load_staged(token)
    if upload is None:
        messages.info(request, "There is no import waiting: upload a spreadsheet first.")
        return redirect("portfolio:import")
    people, directorates = imports.find_unknowns(upload)
    form = ConfirmForm(people=people, directorates=directorates)
    attempt = None
    if request.method == "POST":
        form = ConfirmForm(request.POST, people=people, directorates=directorates)
        if form.is_valid():
            attempt = _confirm(request, token, form, versions_seen=staged.get("versions", {}))
            if attempt is None or attempt.committed:
                return redirect("portfolio:import")
    # The preview creates every unknown name inside its rolled-back
    # transaction, so the rest of each row is still checked.
    preview = imports.run_import(
        upload,
        user=request.user,
        create_people=[u.name for u in people],
        create_directorates=[u.name for u in directorates],
        commit=False,
    )
    # What the user is shown now is what a confirm must still find.
    request.session[SESSION_KEY] = {"token": token, "versions": preview.versions}
    return render(
        request,
        "portfolio/import_preview.html",
        {
            "upload": upload,
            "preview": preview,
            "errors": attempt.errors if attempt else preview.errors,
            "confirm_failed": attempt is not None,
            "form": form,
        },
    )


def _confirm(request, token, form, *, versions_seen) -> imports.ImportOutcome | None:
    """Import for real; None if another request already confirmed it."""
    upload = imports.claim_staged(token)
    if upload is None:
        messages.info(request, "This import has already been confirmed.")
        return None
    attempt = None
    try:
        attempt = imports.run_import(
            upload,
            user=request.user,
            create_people=form.cleaned_data["create_people"],
            create_directorates=form.cleaned_data["create_directorates"],
            commit=True,
            versions_seen=versions_seen,
        )
    finally:
        if attempt is not None and attempt.committed:
            imports.discard_staged(token)
            del request.session[SESSION_KEY]
            messages.success(request, f"{upload.filename} imported: {attempt.summary()}.")
        else:
            imports.release_staged(token)
    return attempt


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
