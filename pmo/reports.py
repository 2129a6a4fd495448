"""The monthly packs: how each app contributes a section, how a pack is
assembled and written, how runs are requested and published, and the
period lock.

THE CONTRACT FOR AN APP'S SECTION
---------------------------------
An app contributes to the packs with a module `<app>/reporting.py` that
defines::

    def pack_sections(kind: str, period: datetime.date) -> list[pmo.reports.Section]

- `kind` is a `ReportType` value: "portfolio", "benefits" or "clt".
- `period` is the month reported on, as its first day.
- Return [] when the app has nothing for that kind of pack.
- Each `Section` carries a template and its context (rendered once, at
  generation time, into the frozen HTML snapshot; no `request` is
  available, so templates must not use `{% can %}`), `tables` that become
  XLSX sheets (and, when `csv=True`, the CSV file), and `figures`: plain
  JSON headline numbers kept on the run (tests and the archive read them).
- Chart ids inside a section template must start with the section's key, so
  two sections never clash on one page. Every chart needs its table beside it.
- Read through the app's selectors, in a handful of queries: the pack is
  benchmarked at 2,000 projects.

Apps are asked in `REPORTING_APPS` order. `REQUIRED_APPS` says which apps a
kind of pack cannot be produced without: a missing one fails the run with a
message PMO can read, never a pack with invented figures.

PERIOD LOCKING
--------------
Once any report for a month is published, that month is closed:
`period_is_locked(period)` is True and `assert_period_open(period)` raises a
ValidationError. Services that write a month's status updates or signed-off
actuals must call `assert_period_open(period)` first; `open_periods_only(qs)`
filters a queryset of rows with a `period` field to the months still open.
"""

from __future__ import annotations

import contextvars
import datetime
import importlib
import io
import json
import logging
import re
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from pmo import notifications
from pmo.charts import PALETTE
from pmo.models import (
    IN_A_SENTENCE,
    PRESENTED_REPORTS,
    NoticeKind,
    ReportRun,
    ReportType,
    RunStatus,
    Trigger,
    abandoned_cutoff,
    abandoned_message,
    report_file_path,
)
from pmo.permissions import Role, can, holders_of
from pmo.spreadsheets import Column, add_sheet, csv_bytes, formula_safe, new_workbook

logger = logging.getLogger(__name__)

REPORTING_APPS = ("portfolio", "prioritisation", "benefits")
REQUIRED_APPS = {
    ReportType.PORTFOLIO: ("portfolio",),
    ReportType.BENEFITS: ("benefits",),
    ReportType.CLT: ("prioritisation",),
}
APP_LABELS = {
    "portfolio": "portfolio register",
    "prioritisation": "prioritisation",
    "benefits": "benefits",
}


class ReportError(Exception):
    """A failure PMO can act on; its message is shown as it is."""


@dataclass
class Table:
    """One table of a section: an XLSX sheet and, if `csv`, part of the CSV.

    The sheet is named `sheet`, or the title if that is short enough: Excel
    allows 31 characters, none of [ ] : * ? / \\, and one name per workbook.
    A name is chosen, never cut: a title over the limit needs a `sheet`, and
    the title itself is listed on the workbook's "About this pack" sheet."""

    title: str
    columns: Sequence[Column]
    rows: list[Sequence]
    csv: bool = False
    sheet: str = ""

    @property
    def sheet_name(self) -> str:
        return self.sheet or self.title


@dataclass
class Chart:
    """A section's chart as the slides draw it (a native, editable
    PowerPoint chart) and the PDF shows it (a picture with `alt` as its
    text). Its figures are a table's: build it with `Chart.of(table)` or,
    for a scatter, from the same rows the section's tables count.

    `kind` is "column" (clustered columns, one series per value column) or
    "scatter" (one series per group, each value an (x, y) pair)."""

    title: str
    kind: str
    categories: list[str]
    series: list[tuple[str, list]]
    alt: str
    money: bool = False
    x_title: str = ""
    y_title: str = ""
    # One per series; the pack's palette when empty.
    colours: list[str] = field(default_factory=list)

    def colour(self, index: int) -> str:
        palette = self.colours or PALETTE
        return palette[index % len(palette)]

    @classmethod
    def of(
        cls,
        table: Table,
        *,
        values: Sequence[int],
        title: str = "",
        leave_out: Sequence[str] = (),
        y_title: str = "",
    ) -> Chart:
        """Clustered columns of `table`: its first column gives the
        categories, the `values` columns (by index) the series. Rows whose
        first cell is in `leave_out` (a "Total") are not drawn."""
        rows = [row for row in table.rows if str(row[0]) not in leave_out]
        money = all(table.columns[i].kind == "money" for i in values)
        series = [(table.columns[i].header, [row[i] for row in rows]) for i in values]
        categories = [str(row[0]) for row in rows]
        described = "; ".join(
            f"{name}: "
            + ", ".join(
                f"{category} {_chart_value(value, money)}"
                for category, value in zip(categories, points, strict=True)
            )
            for name, points in series
        )
        return cls(
            title=title or table.title,
            kind="column",
            categories=categories,
            series=series,
            alt=f"Column chart of {(title or table.title).lower()}. {described}.",
            money=money,
            y_title=y_title,
        )


def _chart_value(value, money: bool) -> str:
    return f"£{value:,.2f}" if money else f"{value:,}"


@dataclass
class Section:
    key: str
    title: str
    template: str
    context: dict = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    # The slides and the PDF draw these; the slides also show the tables
    # when `slide_tables` (the exceptions, the month ahead, the ranking):
    # the rest are the workbook's.
    charts: list[Chart] = field(default_factory=list)
    slide_tables: bool = False


# --- Months ---------------------------------------------------------------


def parse_period(text: str) -> datetime.date:
    """'2026-11' -> 1 Nov 2026."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", str(text).strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"'{text}' is not a month: use YYYY-MM, for example 2026-11")
    return datetime.date(int(match[1]), int(match[2]), 1)


def previous_month(period: datetime.date) -> datetime.date:
    return period.replace(day=1) - relativedelta(months=1)


def next_month(period: datetime.date) -> datetime.date:
    return period.replace(day=1) + relativedelta(months=1)


def month_end(period: datetime.date) -> datetime.date:
    return next_month(period) - datetime.timedelta(days=1)


def first_working_day(period: datetime.date) -> datetime.date:
    """The first Monday-to-Friday day of the month (bank holidays are not
    excluded: the schedule's brief defines a working day as Mon-Fri)."""
    day = period.replace(day=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


# --- Period locking -------------------------------------------------------


def locked_periods() -> QuerySet:
    """The months closed by a published report, as a values list of dates."""
    return ReportRun.objects.published().values_list("period", flat=True).distinct()


def period_is_locked(period: datetime.date) -> bool:
    return ReportRun.objects.published().filter(period=period.replace(day=1)).exists()


def assert_period_open(period: datetime.date) -> None:
    """The guard every service writing a month's updates or actuals calls."""
    published = (
        ReportRun.objects.published()
        .filter(period=period.replace(day=1))
        .order_by("published_at")
        .first()
    )
    if published is not None:
        raise ValidationError(
            f"{period:%B %Y} is closed: its {published.name_in_sentence} was "
            f"published on {timezone.localtime(published.published_at):%-d %b %Y}. Record a "
            "correction as an adjustment in a later month, with a reason."
        )


def open_periods_only(queryset: QuerySet) -> QuerySet:
    """Rows of `queryset` (with a `period` field) whose month is still open."""
    return queryset.exclude(period__in=locked_periods())


# --- Sections ---------------------------------------------------------------


def section_module(app: str) -> ModuleType | None:
    """`<app>.reporting`, or None if the app does not provide one (yet)."""
    name = f"{app}.reporting"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name not in (name, app):
            raise
        return None


def collect_sections(
    kind: str, period: datetime.date, progress: Callable[[int, str], None]
) -> list[Section]:
    kind = ReportType(kind)
    modules = {app: section_module(app) for app in REPORTING_APPS}
    missing = [app for app in REQUIRED_APPS[kind] if modules[app] is None]
    if missing:
        names = ", ".join(APP_LABELS[app] for app in missing)
        raise ReportError(
            f"The {IN_A_SENTENCE[kind]} cannot be produced yet: it needs the {names} section, "
            "which this version of the service does not include. No figures were produced."
        )
    sections: list[Section] = []
    available = {app: module for app, module in modules.items() if module is not None}
    for index, (app, module) in enumerate(available.items()):
        progress(10 + 60 * index // len(available), f"Collecting the {APP_LABELS[app]} section")
        app_sections = module.pack_sections(kind, period)
        if app in REQUIRED_APPS[kind] and not app_sections:
            raise ReportError(
                f"The {APP_LABELS[app]} section returned nothing for the {IN_A_SENTENCE[kind]}, "
                "so the pack would be empty. No figures were produced."
            )
        sections.extend(app_sections)
    keys = [section.key for section in sections]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        # A programming error, but say it plainly: the pack's anchors, chart
        # ids and figures are keyed by section.
        raise ReportError(f"Two pack sections share the key {', '.join(duplicates)}.")
    return sections


# --- Writing a pack -------------------------------------------------------

ABOUT_SHEET = "About this pack"


SHEET_NAME_LIMIT = 31
_NOT_IN_A_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def sheet_names(tables: Sequence[Table]) -> list[str]:
    """Each table's sheet name, checked rather than mended: a name cut at 31
    characters or given a "(2)" tells the reader nothing, so a pack whose
    tables break Excel's rules fails, naming the table (a programming error
    the pack tests catch)."""
    names, seen = [], {ABOUT_SHEET.lower()}
    for table in tables:
        name = table.sheet_name
        if not name or len(name) > SHEET_NAME_LIMIT or _NOT_IN_A_SHEET_NAME.search(name):
            raise ReportError(
                f"The pack table '{table.title}' needs a sheet name of 1 to {SHEET_NAME_LIMIT} "
                "characters with none of [ ] : * ? / \\ (give the Table a sheet=...)."
            )
        if name.lower() in seen:
            raise ReportError(f"Two pack tables would share the sheet name '{name}'.")
        seen.add(name.lower())
        names.append(name)
    return names


def xlsx_bytes(run: ReportRun, sections: Sequence[Section]) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    tables = [table for section in sections for table in section.tables]
    names = sheet_names(tables)
    about = [
        ("Report", run.get_report_type_display()),
        ("Period", run.period_label),
        ("Version", str(run.version)),
        ("Generated", f"{timezone.localtime():%-d %b %Y %H:%M}"),
        ("Organisation", settings.PMO_ORGANISATION_NAME),
        *((f"Sheet: {name}", table.title) for name, table in zip(names, tables, strict=True)),
    ]
    add_sheet(workbook, ABOUT_SHEET, [Column("Item"), Column("Value")], about)
    for name, table in zip(names, tables, strict=True):
        add_sheet(workbook, name, table.columns, table.rows)
    workbook.close()
    return buffer.getvalue()


def pack_csv_bytes(sections: Sequence[Section]) -> bytes:
    """The tables marked `csv`: one table is a plain CSV; several are
    stacked, each under a title row, with a blank line between."""
    tables = [t for s in sections for t in s.tables if t.csv]
    if not tables:
        tables = [t for s in sections for t in s.tables][:1]
    if len(tables) == 1:
        return csv_bytes(tables[0].columns, tables[0].rows)
    parts = []
    for table in tables:
        body = csv_bytes(table.columns, table.rows).decode("utf-8").lstrip("\ufeff")
        parts.append(f"{formula_safe(table.title)}\r\n{body}")
    return ("\ufeff" + "\r\n".join(parts)).encode("utf-8")


def render_pack(
    run: ReportRun, sections: Sequence[Section], *, images: dict[str, list] | None = None
) -> str:
    """The pack's article: the snapshot, or with `images` (the PDF's
    pictures of each section's charts, by section key) the PDF's body."""
    rendered = [
        {
            "key": s.key,
            "title": s.title,
            "html": render_to_string(s.template, {**s.context, "period": run.period}),
            "images": (images or {}).get(s.key, []),
        }
        for s in sections
    ]
    return render_to_string(
        "reports/pack.html",
        {
            "run": run,
            "sections": rendered,
            "generated_at": timezone.now(),
            "organisation_name": settings.PMO_ORGANISATION_NAME,
        },
    )


def _save_file(field_file, name: str, content: bytes) -> None:
    # A retried run writes its files again: replace, never add a suffixed copy.
    if field_file.storage.exists(name):
        field_file.storage.delete(name)
    field_file.save(name, ContentFile(content), save=False)


# The downloaded HTML pack is e-mailed and opened from disk, where no server
# can give it a script: the vendored plotly.js (the one the pages load) and
# the few lines that draw each chart go inside the file, as does the script
# that makes a wide table's box a focusable, scrolling region.
OFFLINE_CHART_SCRIPTS = ("vendor/plotly/plotly.min.js", "js/pack-document.js")
OFFLINE_PAGE_SCRIPTS = ("js/table-scroll.js",)
_ENDS_A_SCRIPT = re.compile(r"</script|<!--", re.IGNORECASE)


def inline_scripts(paths: tuple[str, ...]) -> list[str]:
    """The scripts' text, to inline in <script> elements. A file that could
    end its <script> element early is refused, not escaped: escaping would
    change the code."""
    scripts = []
    for path in paths:
        found = finders.find(path)
        if found is None:
            raise ReportError(f"The pack script static/{path} is missing from this installation.")
        text = Path(found).read_text(encoding="utf-8")
        if _ENDS_A_SCRIPT.search(text):
            raise ReportError(f"static/{path} cannot be inlined: it contains </script or <!--.")
        scripts.append(text)
    return scripts


def render_document(run: ReportRun, snapshot: str) -> str:
    """The standalone HTML file: the snapshot with its styles and scripts
    (the charts' only if it has charts), so it works offline."""
    scripts = inline_scripts(OFFLINE_PAGE_SCRIPTS)
    if "data-plotly-figure=" in snapshot:
        scripts += inline_scripts(OFFLINE_CHART_SCRIPTS)
    return render_to_string(
        "reports/pack_document.html",
        {
            "run": run,
            "snapshot": snapshot,
            "organisation_name": settings.PMO_ORGANISATION_NAME,
            # Our own vendored files, checked by inline_scripts.
            "scripts": [mark_safe(text) for text in scripts],  # noqa: S308  # nosec B308 B703
        },
    )


def generate(run: ReportRun, progress: Callable[[int, str], None]) -> ReportRun:
    """Collect the sections and write the HTML, XLSX and CSV files for `run`.
    Raises ReportError for failures PMO can act on."""
    sections = collect_sections(run.report_type, run.period, progress)
    progress(72, "Writing the HTML pack")
    snapshot = render_pack(run, sections)
    document = render_document(run, snapshot)
    _save_file(run.html_file, report_file_path(run, "html"), document.encode("utf-8"))
    progress(80, "Writing the Excel workbook")
    _save_file(run.xlsx_file, report_file_path(run, "xlsx"), xlsx_bytes(run, sections))
    progress(84, "Writing the CSV file")
    _save_file(run.csv_file, report_file_path(run, "csv"), pack_csv_bytes(sections))
    if run.report_type in PRESENTED_REPORTS:
        from pmo import pdf, slides  # they import this module

        progress(88, "Writing the PowerPoint slides")
        _save_file(run.pptx_file, report_file_path(run, "pptx"), slides.pptx_bytes(run, sections))
        progress(93, "Writing the PDF")
        _save_file(run.pdf_file, report_file_path(run, "pdf"), pdf.pdf_bytes(run, sections))
    run.snapshot = snapshot
    run.figures = json.loads(
        json.dumps({s.key: s.figures for s in sections}, cls=DjangoJSONEncoder)
    )
    return run


# --- Progress echo (the management command prints it) ---------------------

_progress_echo: contextvars.ContextVar[Callable[[int, str], None] | None] = contextvars.ContextVar(
    "report_progress_echo", default=None
)


@contextmanager
def echo_progress(write: Callable[[int, str], None]):
    token = _progress_echo.set(write)
    try:
        yield
    finally:
        _progress_echo.reset(token)


def progress_recorder(run_id: int) -> Callable[[int, str], None]:
    """Save progress on the run straight away (outside any transaction), so
    the page polling it sees each step as it happens."""

    def record(percent: int, step: str) -> None:
        ReportRun.objects.filter(pk=run_id).update(progress=percent, step=step[:200])
        logger.info("event=report_progress run=%s progress=%s step=%r", run_id, percent, step)
        echo = _progress_echo.get()
        if echo is not None:
            echo(percent, step)

    return record


# --- Services -------------------------------------------------------------


def _next_version(report_type: str, period: datetime.date) -> int:
    latest = ReportRun.objects.for_period(report_type, period).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def report_run_request(
    *,
    report_type: str,
    period: datetime.date,
    requested_by=None,
    trigger: str = Trigger.USER,
    publish: bool = False,
    schedule_name: str = "",
    scheduled_for: datetime.date | None = None,
    enqueue: bool = True,
) -> ReportRun:
    """Queue a new version of a report for a month; the task runs once the
    row is committed. A published version is never touched."""
    period = period.replace(day=1)
    for attempt in range(3):
        try:
            with transaction.atomic():
                run = ReportRun(
                    report_type=ReportType(report_type),
                    period=period,
                    version=_next_version(report_type, period),
                    requested_by=requested_by,
                    trigger=trigger,
                    publish_on_success=publish,
                    schedule_name=schedule_name,
                    scheduled_for=scheduled_for,
                )
                run.full_clean(validate_constraints=False)
                run.save()
            break
        except IntegrityError:
            # Two requests took the same version number: the loser takes the
            # next one. A scheduled run's clash means it already exists.
            if attempt == 2 or scheduled_for is not None:
                raise
    if enqueue:
        _enqueue(run)
    logger.info(
        "event=report_requested run=%s type=%s period=%s version=%s trigger=%s",
        run.pk,
        run.report_type,
        f"{period:%Y-%m}",
        run.version,
        trigger,
    )
    return run


def _enqueue(run: ReportRun) -> None:
    from pmo.tasks import generate_report_task

    # After commit, so the worker never looks for a row it cannot see yet.
    transaction.on_commit(lambda: generate_report_task.delay(run.id))


def report_run_publish(*, run: ReportRun, user=None) -> ReportRun:
    """Publish a succeeded run: it becomes the month's pack of record and the
    month closes. Refused if another version is already published."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        if run.published:
            return run
        if run.status != RunStatus.SUCCEEDED:
            raise ValidationError("Only a report that finished successfully can be published.")
        current = ReportRun.objects.for_period(run.report_type, run.period).published().first()
        if current is not None:
            raise ValidationError(
                f"Version {current.version} of the {run.period_label} "
                f"{run.name_in_sentence} is already published. A published "
                "pack is never replaced."
            )
        run.published = True
        run.published_at = timezone.now()
        run.published_by = user
        try:
            with transaction.atomic():
                run.save(update_fields=["published", "published_at", "published_by"])
        except IntegrityError:
            raise ValidationError(
                f"Another version of the {run.period_label} report was published at the same "
                "moment. Reload the page to see it."
            ) from None
        _announce(run)
    logger.info("event=report_published run=%s version=%s", run.pk, run.version)
    return run


def _announce(run: ReportRun) -> None:
    """CLT, and anyone who subscribed, hear of a published pack they may read."""
    audience = [*holders_of(Role.CLT), *notifications.subscribers(NoticeKind.PACK)]
    notifications.notify(
        kind=NoticeKind.PACK,
        event_key=f"pack:{run.pk}",
        recipients=[user for user in audience if can(user, "view_report", run)],
        subject=f"Published: the {run.period_label} {run.name_in_sentence}",
        body=(
            f"The {run.name_in_sentence} for {run.period_label} is published "
            f"(version {run.version}). It is the month's report of record.\n\n"
            "Read it in the browser, or download it as a workbook."
        ),
        path=reverse("reports:detail", args=[run.pk]),
    )


def fail_abandoned_runs(now: datetime.datetime | None = None) -> int:
    """Record as failed each run whose worker was killed mid-run, instead of
    a bar that never moves. Run by the periodic sweep, never by a page: a
    read must not write (the pages say "not finished" from the data)."""
    now = now or timezone.now()
    waited = int((now - abandoned_cutoff(now)).total_seconds() // 60)
    failed = ReportRun.objects.abandoned(now).update(
        status=RunStatus.FAILED, step="Failed", finished_at=now, error=abandoned_message(waited)
    )
    if failed:
        logger.warning("event=report_abandoned_runs_failed count=%s", failed)
    return failed
