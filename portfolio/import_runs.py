"""The project import as background work: upload, check, confirm, import.

A large register takes a minute to check and another to import, longer than
a web request should wait. So the page only stages the file and records an
`ImportRun`; the check and the import run as Celery tasks
(portfolio/tasks.py), in-process when no broker is configured, and the page
polls a progress bar. The check's outcome is kept on the run and shown on
every visit, never worked out again for a page load.

    start(raw, user)              -> ImportRun, MAPPING: the columns as written
    choose_mapping(run, mapping)  MAPPING -> CHECKING; enqueue check_import_task
    check(run_id)                 CHECKING -> READY, with the outcome kept
    change_mapping(run)           READY -> MAPPING, to match the columns again
    request_import(run, ...)      READY -> IMPORTING (once: a double click gets False);
                                  with valid_only, the rows the check found no
                                  problem in, and problems_workbook gives the rest
    check_again(run)              READY -> CHECKING, after a refused Confirm
    import_checked(run_id)        IMPORTING -> IMPORTED, or back to READY with
                                  why nothing was imported

Progress is a small file beside the staged rows, not a database row: the
rows are checked inside a transaction that is rolled back, and a row written
there would be seen by no one until it was too late.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict
from functools import partial

from django.db import transaction
from django.utils import timezone

from pmo.models import abandoned_cutoff
from pmo.permissions import restrict
from pmo.spreadsheets import Column, add_sheet, new_workbook
from portfolio import import_mapping, imports
from portfolio.models import WORKING_IMPORT_STATUSES, ImportRun, ImportStatus

logger = logging.getLogger(__name__)


def start(raw: import_mapping.RawUpload, user) -> ImportRun:
    """Stage the file's columns as written, for the PMO to match on the
    mapping page."""
    return ImportRun.objects.create(
        token=imports.stage(raw.to_json()),
        filename=raw.filename[:255],
        requested_by=user,
        rows_in_file=raw.row_count,
        status=ImportStatus.MAPPING,
    )


def staged_columns(run: ImportRun) -> import_mapping.RawUpload | None:
    text = imports.load_staged(run.token)
    return import_mapping.RawUpload.from_json(text) if text is not None else None


def choose_mapping(run: ImportRun, mapping: import_mapping.Mapping, raw) -> bool:
    """Check the file as mapped; False if the run was not waiting for it."""
    moved = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.MAPPING).update(
        status=ImportStatus.CHECKING,
        mapping=mapping.to_dict(),
        checked=None,
        refused=[],
        started_at=timezone.now(),
        finished_at=None,
    )
    if moved:
        upload = import_mapping.apply_mapping(raw, mapping)
        write_progress(run.token, 0, imports.progress_total(upload))
    return bool(moved)


def change_mapping(run: ImportRun) -> bool:
    """Back from the check to the mapping page."""
    return _start_step(run, ImportStatus.MAPPING, checked=None)


def check(run_id: int) -> None:
    """Run the import and roll it back, with every unknown name added, so the
    all-clear it gives is what Confirm does unless the PMO unticks a name."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportStatus.CHECKING).first()
    if run is None or run.checked is not None:
        return  # a second delivery of the same task
    upload = _staged_rows(run)
    if upload is None:
        return
    people, directorates = imports.find_unknowns(upload)
    outcome = imports.run_import(
        upload,
        user=run.requested_by,
        create_people=[u.name for u in people],
        create_directorates=[u.name for u in directorates],
        commit=False,
        report_progress=partial(write_progress, run.token),
    )
    ImportRun.objects.filter(pk=run.pk, status=ImportStatus.CHECKING).update(
        status=ImportStatus.READY,
        checked={"file": upload.summary().to_dict(), "outcome": outcome.to_dict()},
        finished_at=timezone.now(),
    )
    logger.info(
        "event=import_checked run=%s rows=%s errors=%s",
        run.pk,
        upload.row_count,
        len(outcome.errors),
    )


def request_import(
    run: ImportRun, *, create_people, create_directorates, valid_only: bool = False
) -> bool:
    """Move a checked run to importing; False if it was not waiting (another
    click or tab got there first)."""
    return _start_step(
        run,
        ImportStatus.IMPORTING,
        create_people=list(create_people),
        create_directorates=list(create_directorates),
        valid_only=valid_only,
    )


# --- Importing the valid rows, and a file of the rest ------------------------------


def rows_with_problems(errors) -> set[tuple[str, int]]:
    return {(error.sheet, error.row) for error in errors}


def checked_errors(run: ImportRun) -> list[imports.RowError]:
    return [imports.RowError(**e) for e in run.checked["outcome"]["errors"]]


def valid_row_count(errors, rows_in_file: int) -> int:
    """How many rows could be imported on their own; 0 when that is not
    offered: a file with no problem needs no choice, a missing column is the
    whole sheet's problem, and a file with no good row has nothing to give."""
    if not errors or any(error.row == 1 for error in errors):
        return 0
    return max(0, rows_in_file - len(rows_with_problems(errors)))


def without_problem_rows(upload: imports.Upload, errors) -> imports.Upload:
    failed = rows_with_problems(errors)
    for sheet in upload.sheets:
        sheet.rows = [(n, values) for n, values in sheet.rows if (sheet.name, n) not in failed]
    return upload


def problems_workbook(run: ImportRun, buffer) -> bool:
    """The rows the check found problems in, each sheet's columns as the file
    had them and each row's problems beside it, to correct and upload again.
    False if the staged file has gone."""
    raw = staged_columns(run)
    if raw is None:
        return False
    errors = checked_errors(run)
    by_row: dict[tuple[str, int], list[str]] = {}
    for error in errors:
        by_row.setdefault((error.sheet, error.row), []).append(f"{error.column}: {error.message}")
    workbook = new_workbook(buffer)
    for sheet in raw.sheets:
        rows = [
            [*cells, *[""] * (len(sheet.headers) - len(cells)), "; ".join(by_row[key])]
            for number, cells in sheet.rows
            if (key := (sheet.name, number)) in by_row
        ]
        if rows:
            columns = [
                Column(header or f"Column {n + 1}") for n, header in enumerate(sheet.headers)
            ]
            add_sheet(workbook, sheet.name[:31], [*columns, Column("Problems")], rows)
    workbook.close()
    return True


def check_again(run: ImportRun) -> bool:
    """After a Confirm was refused (someone edited a project meanwhile), check
    the same file against the register as it is now."""
    return _start_step(run, ImportStatus.CHECKING, checked=None)


def _start_step(run: ImportRun, status: str, **fields) -> bool:
    """Move a waiting run on to `status`, once: the conditional update is the
    lock, so of two clicks only one starts the step."""
    moved = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.READY).update(
        status=status, refused=[], started_at=timezone.now(), finished_at=None, **fields
    )
    if moved:
        _restart_progress(run)
    return bool(moved)


def import_checked(run_id: int) -> None:
    """Import for real. The run is locked and marked imported in the same
    transaction as the rows, so it reads Imported exactly when they are
    there, and a second delivery of the task finds it done."""
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update()
            .filter(pk=run_id, status=ImportStatus.IMPORTING)
            .first()
        )
        if run is None:
            return
        upload = _staged_rows(run)
        if upload is None:
            return
        left_out = 0
        if run.valid_only:
            errors = checked_errors(run)
            left_out = len(rows_with_problems(errors))
            upload = without_problem_rows(upload, errors)
        attempt = imports.run_import(
            upload,
            user=run.requested_by,
            create_people=run.create_people,
            create_directorates=run.create_directorates,
            commit=True,
            versions_seen=run.checked["outcome"]["versions"],
            report_progress=partial(write_progress, run.token),
        )
        run.finished_at = timezone.now()
        if attempt.committed:
            run.status = ImportStatus.IMPORTED
            summary = attempt.summary()
            if left_out:
                # The rows left out stay downloadable, for the day the file is kept.
                summary += f"; {left_out} row{'s' if left_out != 1 else ''} with problems left out"
            else:
                transaction.on_commit(partial(imports.discard_staged, run.token))
            run.summary = f"{run.filename} imported: {summary}."[:300]
        else:
            run.status = ImportStatus.READY
            run.refused = [asdict(error) for error in attempt.errors]
        run.save(update_fields=["status", "summary", "refused", "finished_at"])
    logger.info("event=import_finished run=%s status=%s", run.pk, run.status)


def fail(run_id: int, message: str) -> None:
    """Record why a check or import stopped, or why its columns cannot be
    matched (the staged file has gone); nothing of it was kept."""
    waiting = [*WORKING_IMPORT_STATUSES, ImportStatus.MAPPING]
    ImportRun.objects.filter(pk=run_id, status__in=waiting).update(
        status=ImportStatus.FAILED, error=message, finished_at=timezone.now()
    )
    logger.error("event=import_failed run=%s error=%r", run_id, message)


def _staged_rows(run: ImportRun) -> imports.Upload | None:
    """The staged columns, as the PMO mapped them."""
    raw = staged_columns(run)
    if raw is None:
        fail(run.pk, GONE)
        return None
    return import_mapping.apply_mapping(raw, import_mapping.Mapping.from_dict(run.mapping))


GONE = (
    "The uploaded file is no longer kept on the server (files are kept for a day): upload it again."
)


def has_stopped(run: ImportRun) -> bool:
    """Still working after Celery's hard time limit: its worker was lost."""
    return run.is_working and run.started_at < abandoned_cutoff()


def visible_to(user):
    """A PMO officer's own imports (pmo.permissions' list rule)."""
    return restrict(ImportRun.objects.select_related("requested_by"), user, "view_import")


# --- Progress ------------------------------------------------------------------


def _progress_path(token: str):
    return imports.staging_dir() / f"{token}.progress"


def write_progress(token: str, done: int, total: int) -> None:
    """Replace the file whole, so a reader never sees half of it."""
    path = _progress_path(token)
    partial_path = path.with_suffix(".progress-new")
    partial_path.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
    os.replace(partial_path, path)


def _restart_progress(run: ImportRun) -> None:
    write_progress(run.token, 0, read_progress(run)[1])


def read_progress(run: ImportRun) -> tuple[int, int]:
    """(rows done, rows to do) of the step working now."""
    if not imports.TOKEN_RE.match(run.token):
        return 0, run.rows_in_file
    try:
        raw = json.loads(_progress_path(run.token).read_text(encoding="utf-8"))
        return int(raw["done"]), int(raw["total"])
    except (FileNotFoundError, ValueError, KeyError):
        return 0, run.rows_in_file
