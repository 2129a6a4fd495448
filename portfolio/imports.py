"""Taking the council's project spreadsheet in without retyping it.

Three steps, each a plain function so the page and `import_projects` share
them:

1. `check_upload_is_safe(filename, content)` refuses what is not a CSV, XLSX
   or XLS (by its bytes, not only its name), files over the size limit, zip
   bombs, wrong encodings and malformed CSV, and returns the file's tables
   as text. portfolio/import_mapping.py finds each sheet's header row and
   maps the file's columns and words onto ours (guessed from headers such as
   "Project Name", "SRO" and "Department", which
   portfolio/import_columns.py lists, and corrected by the PMO on the mapping
   page). The result is an `Upload` of plain strings.
2. `run_import(upload, ...)` feeds each sheet through a django-import-export
   resource inside ONE transaction. Every row's errors are collected as
   (sheet, row, column, message). If there is any error, or this is a check,
   the transaction is rolled back: nothing partial is ever written.
3. The page (portfolio/import_views.py) shows the outcome and asks which
   unknown people and directorates to create.

Projects are created and updated through `portfolio.services.project_create`
and `project_update` (in `ProjectResource.save_instance`), so the import
applies the form's rules: reference numbering, the version bump, history,
and gates before Delivery and Closed. A project already in Delivery or Closed
in the council's own register is taken in with a recorded gate override;
moving an existing project into those stages needs its gate decision first.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import secrets
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path

import tablib
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from import_export import fields, resources, widgets

from pmo.permissions import Role
from pmo.reports import period_is_locked
from pmo.spreadsheets import (
    FORMULA_TRIGGERS,
    MONEY_UNITS,
    POUNDS,
    MoneyUnit,
    parse_money,
    parse_month,
    parse_uk_date,
)
from portfolio import services
from portfolio.import_columns import (
    RAG_HELP,
    RATING_KEYS,
    SCORE_WORDS,
    SHEET_SPECS,
    SPECS_BY_KIND,
    SheetSpec,
    choice_labels,
)
from portfolio.models import (
    CorporatePriority,
    DeliveryApproach,
    Directorate,
    Issue,
    Milestone,
    MTFPCategory,
    Project,
    ProjectType,
    RaidStatus,
    Risk,
    Service,
    Stage,
    StatusUpdate,
    Tag,
    Workstream,
)
from portfolio.rag import RAG, SCALES, SEVERE_RAID_SCORE, honesty_problems
from portfolio.selectors import current_period
from portfolio.services import locked_period_message

User = get_user_model()

# --- Limits ------------------------------------------------------------------

# An XLSX is a zip of XML. A real register of a few thousand rows unpacks to a
# few MB and compresses about 5-15 times; a zip bomb claims gigabytes at ratios
# in the thousands. Both are checked from the zip directory before openpyxl
# reads a byte of XML.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_ENTRIES = 1000
# Header rows sit at the top; councils often put a title or a date above them.
HEADER_SEARCH_ROWS = 20
# Tens of thousands of projects is a sector-wide register (DOMAIN.md); more
# rows than this, or columns past this, are not a register.
MAX_ROWS = 50_000
MAX_COLUMNS = 200

XLSX_CONTENT_TYPES = "[Content_Types].xml"
XLSX_WORKBOOK = "xl/workbook.xml"


# A rating column for one month, its key 'rag_for:2023-03' (import_mapping).
MONTH_KEY_PREFIX = "rag_for:"


def month_period(month: str) -> datetime.date:
    """'2023-03', as a mapping keeps a month, -> 2023-03-01."""
    return datetime.date.fromisoformat(f"{month}-01")


class ImportRefused(Exception):
    """The file as a whole cannot be read; the message says what to do."""


# --- Reading the file ---------------------------------------------------------


@dataclass
class Sheet:
    """One sheet as read from the file: our column keys mapped to the header
    the user wrote, and each data row's number in the file with its values."""

    kind: str
    name: str
    headers: dict[str, str]
    rows: list[tuple[int, dict[str, str]]]
    ignored_columns: list[str] = field(default_factory=list)
    # Money columns whose header gave a unit other than pounds: key -> '£m'.
    units: dict[str, str] = field(default_factory=dict)

    @property
    def spec(self) -> SheetSpec:
        return SPECS_BY_KIND[self.kind]

    def header_for(self, key: str) -> str:
        return self.headers.get(key) or self.spec.column(key).header

    def money_units(self) -> list[tuple[str, MoneyUnit]]:
        """Each money column read in a unit other than pounds, by its header."""
        return [(header, MONEY_UNITS[label]) for header, label in self.units_by_header()]

    def units_by_header(self) -> Iterable[tuple[str, str]]:
        return ((self.header_for(key), label) for key, label in self.units.items())

    def has_column(self, key: str) -> bool:
        return any(c.key == key for c in self.spec.columns)

    @property
    def month_keys(self) -> list[str]:
        """The columns rating one month each ('rag_for:2023-03'), oldest first."""
        return sorted(k for k in self.headers if k.startswith(MONTH_KEY_PREFIX))

    def ratings_in(self, values: dict) -> int:
        """How many monthly ratings a row gives: its RAG and each month's."""
        months = [k for k in self.month_keys if not is_blank_rating(values.get(k))]
        return len(months) + (0 if is_blank_rating(values.get("rag")) else 1)


@dataclass
class Upload:
    filename: str
    sheets: list[Sheet]
    ignored_sheets: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(sheet.rows) for sheet in self.sheets)

    def summary(self) -> FileSummary:
        return FileSummary(
            self.filename,
            [
                SheetSummary(s.name, len(s.rows), s.ignored_columns, list(s.units_by_header()))
                for s in self.sheets
            ],
            self.ignored_sheets,
        )


@dataclass
class SheetSummary:
    """What the check page says about a sheet, kept without its rows."""

    name: str
    row_count: int
    ignored_columns: list[str]
    units: list[tuple[str, str]]  # (header, unit label such as '£m')

    def money_units(self) -> list[tuple[str, MoneyUnit]]:
        return [(header, MONEY_UNITS[label]) for header, label in self.units]


@dataclass
class FileSummary:
    filename: str
    sheets: list[SheetSummary]
    ignored_sheets: list[str]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> FileSummary:
        sheets = [
            SheetSummary(
                s["name"], s["row_count"], s["ignored_columns"], [tuple(u) for u in s["units"]]
            )
            for s in raw["sheets"]
        ]
        return cls(raw["filename"], sheets, raw["ignored_sheets"])


def check_upload_is_safe(filename: str, content: bytes) -> list[tuple[str, list[list[str]]]]:
    """The file's tables as text, or ImportRefused for a file too large, empty,
    mislabelled, malformed or a zip bomb. The benefits import uses it too."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise ImportRefused(
            f"The file is {file_size(len(content))}: it must be {file_size(limit)} or smaller"
        )
    if not content.strip():
        raise ImportRefused("The file is empty")
    extension = Path(filename).suffix.lower()
    if extension not in (".csv", ".xlsx", ".xls"):
        raise ImportRefused("The file must be a CSV or an Excel workbook (.xlsx or .xls)")
    looks_zipped = content.startswith(b"PK\x03\x04")
    looks_old_excel = content.startswith(OLE2_SIGNATURE)
    if extension == ".xlsx":
        if looks_old_excel:
            raise ImportRefused(
                "The file is called .xlsx but is an Excel 97-2003 workbook or a "
                "password-protected one: rename it .xls, or remove the password"
            )
        if not looks_zipped:
            raise ImportRefused("The file is called .xlsx but is not an Excel workbook")
        return _xlsx_tables(content)
    if extension == ".xls":
        if looks_zipped:
            raise ImportRefused("The file is called .xls but is an .xlsx workbook: rename it")
        if not looks_old_excel:
            raise ImportRefused("The file is called .xls but is not an Excel workbook")
        return _xls_tables(content)
    if looks_zipped or looks_old_excel:
        raise ImportRefused(
            "The file is called .csv but is a workbook: save it as CSV or upload the .xlsx"
        )
    return [(CSV_SHEET, _csv_rows(content))]


CSV_SHEET = ""  # a CSV has one unnamed sheet; it is named after what it holds
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 files are OLE2 containers


def file_size(size: int) -> str:
    """'10 MB', '1.5 MB', '12 KB', '900 bytes', as people read sizes."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def _csv_rows(content: bytes) -> list[list[str]]:
    if b"\x00" in content[:8192]:
        raise ImportRefused("The file is not a CSV file: it contains binary data")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            f"The CSV file is not UTF-8 (byte {error.start + 1} cannot be read): "
            "in Excel choose Save As, then 'CSV UTF-8 (Comma delimited)'"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        return [row for row in reader]
    except csv.Error as error:
        raise ImportRefused(
            f"The CSV file is malformed near line {reader.line_num}: {error}. "
            "Check that quotes are closed, or save it again from Excel"
        ) from None


def _delimiter(text: str) -> str:
    """Excel in much of Europe saves CSV with semicolons. The separator is the
    one that makes the first rows read as headers we know; counting characters
    would be fooled by a Services cell like 'Libraries; Customer Services'."""
    lines = text[:16384].splitlines()[:HEADER_SEARCH_ROWS]

    def headers_found(delimiter: str) -> int:
        rows = list(csv.reader(lines, delimiter=delimiter))
        return max((spec.recognised(row) for row in rows for spec in SHEET_SPECS), default=0)

    return max((",", ";", "\t", "|"), key=headers_found)  # a tie keeps the comma


def check_zip_is_safe(content: bytes) -> zipfile.ZipFile:
    """Refuse a workbook whose declared unpacked size or compression ratio is
    that of a zip bomb. zipfile never inflates a member past its declared
    size, so checking the directory bounds what openpyxl can unpack."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ImportRefused("The file is called .xlsx but is damaged or not a workbook") from None
    names = {member.filename for member in members}
    if XLSX_CONTENT_TYPES not in names or XLSX_WORKBOOK not in names:
        raise ImportRefused("The file is a zip archive but not an Excel workbook (.xlsx)")
    if len(members) > MAX_ZIP_ENTRIES:
        raise ImportRefused("The workbook has too many parts to be a project register")
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused(
            f"The workbook would unpack to {file_size(unpacked)}, more than "
            f"{file_size(MAX_UNPACKED_BYTES)}: it is refused as unsafe"
        )
    if unpacked > 1024 * 1024 and unpacked > MAX_COMPRESSION_RATIO * max(packed, 1):
        raise ImportRefused(
            "The workbook is compressed far more than a real spreadsheet: it is refused as unsafe"
        )
    return archive


def _xlsx_tables(content: bytes) -> list[tuple[str, list[list[str]]]]:
    check_zip_is_safe(content)
    import openpyxl

    try:
        # data_only: a formula cell gives Excel's last calculated value, never
        # the formula itself. The second copy keeps the formulas, to tell a
        # blank cell from a formula whose result was never saved.
        values = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    except Exception:
        raise ImportRefused("The workbook could not be opened: save it again from Excel") from None
    try:
        return [
            (sheet.title, _sheet_rows(sheet, formulas[sheet.title])) for sheet in values.worksheets
        ]
    finally:
        values.close()
        formulas.close()


MAX_FORMULA_CELLS_NAMED = 5


def _sheet_rows(sheet, formulas) -> list[list[str]]:
    """The sheet's cells as text. Blank rows stay (as []) so row numbers match
    Excel's; formatted but empty rows at the bottom are dropped. A formula
    with no saved result (a workbook written by a program, never opened in
    Excel) is refused with its cells named, never read as blank or £0."""
    unsaved: list[str] = []

    def cells():
        for values, cells_with_formulas in zip(
            sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True),
            formulas.iter_rows(max_col=MAX_COLUMNS),
            strict=False,
        ):
            unsaved.extend(
                f"{cell.column_letter}{cell.row}"
                for value, cell in zip(values, cells_with_formulas, strict=False)
                if value is None and getattr(cell, "data_type", None) == "f"
            )
            yield [_cell_text(v) for v in values]

    rows = _kept_rows(sheet.title, cells())
    if unsaved:
        raise ImportRefused(f"On the {sheet.title} sheet, {_formula_cells(unsaved)}")
    return rows


def _kept_rows(title: str, cell_rows) -> list[list[str]]:
    """Blank rows kept (as []) so row numbers match Excel's, up to MAX_ROWS
    filled ones; the blank rows at the bottom dropped."""
    rows: list[list[str]] = []
    filled = 0
    for cells in cell_rows:
        if any(cells):
            filled += 1
            if filled > MAX_ROWS:
                raise ImportRefused(
                    f"The {title} sheet has more than {MAX_ROWS:,} rows: split the file"
                )
            rows.append(cells)
        else:
            rows.append([])
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _xls_tables(content: bytes) -> list[tuple[str, list[list[str]]]]:
    """An Excel 97-2003 workbook's sheets as text. Such files keep each
    formula's last result, which xlrd reads; they are not compressed, so the
    upload's size limit bounds them."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True)
    except Exception:
        raise ImportRefused("The workbook could not be opened: save it again from Excel") from None
    try:
        return [
            (
                sheet.name,
                _kept_rows(
                    sheet.name,
                    (
                        [_xls_cell_text(cell, book.datemode) for cell in sheet.row(r)[:MAX_COLUMNS]]
                        for r in range(sheet.nrows)
                    ),
                ),
            )
            for sheet in book.sheets()
        ]
    finally:
        book.release_resources()


def _xls_cell_text(cell, datemode: int) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        return _cell_text(xlrd.xldate.xldate_as_datetime(cell.value, datemode))
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return _cell_text(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    return _cell_text(cell.value if cell.ctype != xlrd.XL_CELL_EMPTY else None)


def _formula_cells(cells: list[str]) -> str:
    fix = "open the workbook in Excel, let it calculate, save it and upload it again"
    if len(cells) == 1:
        return f"cell {cells[0]} holds a formula with no saved result: {fix}"
    named = ", ".join(cells[:MAX_FORMULA_CELLS_NAMED])
    if len(cells) > MAX_FORMULA_CELLS_NAMED:
        named += f" and {len(cells) - MAX_FORMULA_CELLS_NAMED} more"
    return f"cells {named} hold formulas with no saved result: {fix}"


def _cell_text(value) -> str:
    """Every cell as text, so a staged import is plain JSON and each parser
    sees one type. Dates keep ISO form, which parse_uk_date reads back."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()  # every date column is a day
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return str(value)


def clean_text(value: str) -> str:
    """Stray spaces go; text stays text. Our own exports prefix formula-looking
    text with an apostrophe (pmo.spreadsheets.formula_safe), so one is dropped
    on the way back in, and '=SUM(A1)' is then stored as those characters."""
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        text = text[1:]
    return text


# --- Staging between preview and confirm -------------------------------------

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
STAGED_FOR_SECONDS = 24 * 3600
# The rows, and the progress of the check or import working on them
# (portfolio/import_runs.py).
STAGED_SUFFIXES = (".json", ".progress", ".progress-new")


def staging_dir() -> Path:
    """settings.IMPORT_STAGING_DIR: storage the web and worker processes share."""
    path = Path(settings.IMPORT_STAGING_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stage(text: str) -> str:
    """Keep an upload's rows on the server, as text, under a random token.
    The token is kept on the ImportRun, so nothing the browser sends back is
    trusted as data."""
    _remove_stale_staged_files()
    token = secrets.token_urlsafe(32)
    path = staging_dir() / f"{token}.json"
    # Readable by this service's user only: the file holds people's names.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as staged:
        staged.write(text)
    return token


def load_staged(token: str | None) -> str | None:
    if not token or not TOKEN_RE.match(token):
        return None
    try:
        return (staging_dir() / f"{token}.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def discard_staged(token: str | None) -> None:
    if token and TOKEN_RE.match(token):
        for suffix in STAGED_SUFFIXES:
            (staging_dir() / f"{token}{suffix}").unlink(missing_ok=True)


def _remove_stale_staged_files() -> None:
    cutoff = time.time() - STAGED_FOR_SECONDS
    for path in [p for suffix in STAGED_SUFFIXES for p in staging_dir().glob(f"*{suffix}")]:
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


# --- Values: the real-world forms each column accepts ------------------------


# OpenProject's project status is on track, at risk or off track, shown "in a
# traffic light" (its 10.1 release notes); its project list exports the words.
TRACK_RATINGS = {"on track": RAG.GREEN, "at risk": RAG.AMBER, "off track": RAG.RED}


def parse_rag(text: str, scale: str | None = None) -> str:
    """'AMBER', 'amber/red', 'Amber-Red', 'A/R', 'AR', 'On track' -> RAG
    code, on the configured scale."""
    words = re.split(r"\s*[/\-–&+ ]\s*", text.strip().lower())
    words = [w for w in words if w]
    colour = {"g": "green", "a": "amber", "r": "red"}
    if len(words) == 1 and words[0] in ("ag", "ar", "ga", "ra"):
        words = list(words[0])
    names = [colour.get(w, w) for w in words]
    code = TRACK_RATINGS.get(name_key(text)) or {
        ("green",): RAG.GREEN,
        ("amber", "green"): RAG.AMBER_GREEN,
        ("green", "amber"): RAG.AMBER_GREEN,
        ("amber",): RAG.AMBER,
        ("amber", "red"): RAG.AMBER_RED,
        ("red", "amber"): RAG.AMBER_RED,
        ("red",): RAG.RED,
    }.get(tuple(names))
    if code is None:
        raise ValueError(f"'{text}' is not a RAG rating: use {RAG_HELP}")
    scale = scale or settings.PMO_RAG_SCALE
    if code not in SCALES[scale]:
        allowed = ", ".join(r.label for r in SCALES[scale])
        raise ValueError(
            f"{code.label} is not on this council's {scale}-point scale: use {allowed}"
        )
    return code


def name_key(text: str) -> str:
    return " ".join(str(text).split()).lower()


def tidy_name(text: str) -> str:
    """A name as written, its spaces tidied: '  HMRC ' -> 'HMRC' (never
    'Hmrc'); case only matters for matching (name_key). An e-mail address
    is lower case."""
    text = " ".join(str(text).split())
    return text.lower() if "@" in text else text


class PeopleDirectory:
    """Matches what people write for a person: full name, username or email,
    in any case. A name shared by two users is ambiguous, never guessed."""

    def __init__(self):
        self._by_key: dict[str, list] = {}
        for user in User.objects.all():
            self.add(user)

    def add(self, user) -> None:
        keys = {user.username.lower(), user.email.lower(), name_key(user.get_full_name())}
        for key in keys - {""}:
            self._by_key.setdefault(key, []).append(user)

    def find(self, text: str):
        matches = self._by_key.get(name_key(text), [])
        if len(matches) > 1:
            raise ValueError(
                f"More than one person matches '{text}': use their username or email instead"
            )
        return matches[0] if matches else None


class Directorates:
    """Directorates by name or short name ('CS'), in any case; read once per
    import rather than once per row."""

    def __init__(self):
        self._by_key: dict[str, Directorate] = {}
        for directorate in Directorate.objects.all():
            if directorate.short_name:
                self._by_key.setdefault(name_key(directorate.short_name), directorate)
        for directorate in Directorate.objects.all():
            self._by_key[name_key(directorate.name)] = directorate

    def find(self, text: str) -> Directorate | None:
        return self._by_key.get(name_key(text))


# --- django-import-export widgets -------------------------------------------

# What people type instead of leaving a cell empty. Read as blank everywhere
# except in free-text columns, where "TBC" may be exactly what was meant.
PLACEHOLDERS = {"-", "–", "—", "n/a", "na", "tbc", "tbd", "none", "nil", "?", "unknown"}


def is_blank(value) -> bool:
    return not value or name_key(value) in PLACEHOLDERS


# Published portfolios withhold some ratings (GMPP's "Exempt"): no rating.
WITHHELD_RATINGS = {"exempt", "withheld", "not rated", "not assessed", "n/r"}
# OpenProject's project status also says where a project is in its life
# (app/models/project.rb: on_track, at_risk, off_track, not_started,
# finished, discontinued; "Not set" before any is chosen). These say
# nothing of delivery confidence, so they record no rating, as Exempt does;
# guessing a colour for them would put a rating in the register no one gave.
# The stage is its own column, and the mapping page can still map them.
NOT_RATINGS = {"not started", "finished", "discontinued", "not set"}


def is_blank_rating(value) -> bool:
    return is_blank(value) or name_key(value) in WITHHELD_RATINGS | NOT_RATINGS


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value)


class MoneyWidget(widgets.Widget):
    """Blank is £0: the investment fields are 'none' rather than 'unknown'.
    Bare figures are in the unit the column's header gives (Sheet.units)."""

    def __init__(self, unit: MoneyUnit = POUNDS):
        self.unit = unit
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return Decimal("0")
        amount = parse_money(value, self.unit)
        if amount < 0:
            raise ValueError(f"'{value}' is negative: enter the amount invested")
        return amount


class UKDateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return None if is_blank(value) else parse_uk_date(value)


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's label or value in any case, plus common synonyms."""

    def __init__(self, choices, noun: str, synonyms: dict[str, str] | None = None, blank=None):
        self.choices = choices
        self.noun = noun
        self.blank = blank
        self.lookup = {name_key(label): value for value, label in choices}
        self.lookup.update({name_key(value.replace("_", " ")): value for value, _ in choices})
        self.lookup.update({name_key(k): v for k, v in (synonyms or {}).items()})
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return self.blank
        key = name_key(value.replace("_", " "))
        if key not in self.lookup:
            raise ValueError(f"'{value}' is not a {self.noun}: use {choice_labels(self.choices)}")
        return self.lookup[key]


class ScoreWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            raise ValueError("Enter a score from 1 to 5")
        if name_key(value) in SCORE_WORDS:
            return SCORE_WORDS[name_key(value)]
        try:
            number = float(value)
        except ValueError:
            raise ValueError(
                f"'{value}' is not a score: use 1 to 5, or Very low to Very high"
            ) from None
        if not number.is_integer() or not 1 <= number <= 5:
            raise ValueError(f"{value} is out of range: use a whole number from 1 to 5")
        return int(number)


class YesNoWidget(widgets.Widget):
    YES = {"yes", "y", "true", "1", "escalated"}
    NO = {"", "no", "n", "false", "0"}

    def clean(self, value, row=None, **kwargs):
        key = "" if is_blank(value) else name_key(value)
        if key in self.YES:
            return True
        if key in self.NO:
            return False
        raise ValueError(f"'{value}' is not Yes or No")


class PersonWidget(widgets.Widget):
    """`unknown` says what to do about a name no one has ('{}' is the name):
    the project import offers to add them."""

    def __init__(
        self,
        directory: PeopleDirectory | None,
        unknown: str = "'{}' is not a known person: choose to add them, or correct the name",
    ):
        self.directory = directory
        self.unknown = unknown
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        person = self.directory.find(value)
        if person is None:
            raise ValueError(self.unknown.format(value))
        return person


class DirectorateWidget(widgets.Widget):
    def __init__(
        self,
        directorates: Directorates | None,
        unknown: str = "'{}' is not a known directorate: choose to add it, or correct the name",
    ):
        self.directorates = directorates
        self.unknown = unknown
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        directorate = self.directorates.find(value)
        if directorate is None:
            raise ValueError(self.unknown.format(value))
        return directorate


class NamedWidget(widgets.Widget):
    """One existing record by name, in any case."""

    def __init__(self, model, noun: str):
        self.model = model
        self.noun = noun
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        found = self.model.objects.filter(name__iexact=" ".join(value.split())).first()
        if found is None:
            known = ", ".join(self.model.objects.values_list("name", flat=True)[:12])
            raise ValueError(f"'{value}' is not a known {self.noun}: use one of {known}")
        return found


class NamesWidget(widgets.ManyToManyWidget):
    """Several names separated by semicolons (or new lines); each must exist,
    unless `create` (tags are free-form)."""

    def __init__(self, model, noun: str, create: bool = False):
        self.noun = noun
        self.create = create
        super().__init__(model, field="name")

    def clean(self, value, row=None, **kwargs):
        names = [" ".join(n.split()) for n in re.split(r"[;\n]", value or "") if not is_blank(n)]
        found = []
        longest = self.model._meta.get_field("name").max_length
        for name in names:
            if len(name) > longest:
                raise ValueError(f"'{name[:30]}…' is longer than {longest} characters")
            match = self.model.objects.filter(name__iexact=name).first()
            if match is None and self.create:
                match = self.model.objects.create(name=name)
            if match is None:
                raise ValueError(
                    f"'{name}' is not a known {self.noun} (separate several with semicolons)"
                )
            found.append(match)
        return found


REFERENCE_RE = re.compile(r"^\s*TP\s*-?\s*(\d{1,6})\s*$", re.IGNORECASE)


def parse_reference(text: str) -> str | None:
    """'tp-12', 'TP0012', ' TP-0012 ' -> 'TP-0012'."""
    match = REFERENCE_RE.match(text or "")
    return Project.reference_for(int(match[1])) if match else None


class ReferenceWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        reference = parse_reference(value)
        if reference is None:
            raise ValueError(f"'{value}' is not a project reference like TP-0001")
        return reference


class ProjectLookupWidget(widgets.Widget):
    """Milestones and risks name their project by reference, or by title for a
    project that is new in the same file (it has no reference yet)."""

    def __init__(self, failed_in_file: dict[str, str] | None = None):
        # Titles of this file's project rows that failed, with where: a
        # milestone of such a project points at that row, not at nothing.
        self.failed_in_file = failed_in_file or {}
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            raise ValueError("Enter the project's reference (TP-0001) or title")
        reference = parse_reference(value)
        if reference:
            project = Project.objects.filter(reference=reference).first()
            if project is None:
                raise ValueError(f"No project has the reference {reference}")
            return project
        projects = list(Project.objects.filter(title__iexact=" ".join(value.split()))[:2])
        if not projects and name_key(value) in self.failed_in_file:
            raise ValueError(
                f"The project '{value}' has problems of its own "
                f"({self.failed_in_file[name_key(value)]}); correct those first"
            )
        if not projects:
            raise ValueError(f"No project is called '{value}' in this file or the register")
        if len(projects) > 1:
            raise ValueError(f"More than one project is called '{value}': use its reference")
        return projects[0]


# --- django-import-export resources -------------------------------------------


ROW = "__row"


class Progress:
    """Rows checked so far, told to `report(done, total)` about every one per
    cent, so a background import can show a progress bar."""

    def __init__(self, total: int, report: Callable[[int, int], None] | None = None):
        self.total = total
        self.done = 0
        self.report = report
        self.step = max(1, total // 100)

    def tick(self) -> None:
        self.done += 1
        if self.report and (self.done % self.step == 0 or self.done == self.total):
            self.report(self.done, self.total)


@dataclass
class RowOutcome:
    sheet: str
    row: int
    action: str  # "created" | "updated" | "unchanged"
    label: str
    changes: list[str] = field(default_factory=list)


class RegisterResource(resources.ModelResource):
    """Shared by the three sheets: who is importing, what each row did, and
    history attributed to the importer."""

    def __init__(self, *, user, directory: PeopleDirectory, sheet: Sheet):
        super().__init__()
        self.user = user
        self.sheet = sheet
        self.progress = Progress(len(sheet.rows))
        self.outcomes: list[RowOutcome] = []
        self._before: dict = {}
        directorates = Directorates()
        for field_ in self.fields.values():
            if isinstance(field_.widget, PersonWidget):
                field_.widget = PersonWidget(directory)
            elif isinstance(field_.widget, DirectorateWidget):
                field_.widget = DirectorateWidget(directorates)
            elif isinstance(field_.widget, MoneyWidget) and field_.column_name in sheet.units:
                field_.widget = MoneyWidget(MONEY_UNITS[sheet.units[field_.column_name]])

    def after_init_instance(self, instance, new, row, **kwargs):
        self._before = {} if new else self._snapshot(instance)

    def import_row(self, row, instance_loader, **kwargs):
        try:
            return super().import_row(row, instance_loader, **kwargs)
        finally:
            self.progress.tick()

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # On an update a blank cell leaves the value as it is: sparse sheets
        # and exports with hidden columns must not wipe the register.
        value = row.get(field.column_name)
        text = isinstance(field.widget, TextWidget)
        if instance.pk and (not value if text else is_blank(value)):
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        """import-export only reads many-to-many columns when saving; they are
        checked here too, so a bad service name is reported against its column."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field_ in self.get_import_fields():
            if isinstance(field_.widget, widgets.ManyToManyWidget) and row.get(field_.column_name):
                try:
                    field_.clean(row)
                except ValueError as exc:
                    errors[field_.attribute] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An existing record whose row changes nothing is not saved again: no
        new version, no history, so importing the same file twice changes
        nothing (import-export's skip_unchanged, judged on our snapshot)."""
        if instance.pk is None or import_validation_errors or not self._before:
            return False
        if self._snapshot(instance) != self._before or self._many_to_many_changed(instance, row):
            return False
        self.outcomes.append(
            RowOutcome(self.sheet.name, int(row[ROW]), "unchanged", self.label(instance))
        )
        return True

    def _many_to_many_changed(self, instance, row) -> bool:
        for field_ in self.get_import_fields():
            if isinstance(field_.widget, widgets.ManyToManyWidget) and not is_blank(
                row.get(field_.column_name)
            ):
                wanted = {item.pk for item in field_.clean(row)}
                if wanted != set(getattr(instance, field_.attribute).values_list("pk", flat=True)):
                    return True
        return False

    def _snapshot(self, instance) -> dict:
        return {
            f.attribute: getattr(instance, f.attribute, None)
            for f in self.get_import_fields()
            if f.attribute and not isinstance(f.widget, widgets.ManyToManyWidget)
        }

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user

    def after_save_instance(self, instance, row, **kwargs):
        number = int(row[ROW])
        if self._before:
            after = self._snapshot(instance)
            changes = [
                self.sheet.header_for(key)
                for key, value in after.items()
                if value != self._before.get(key) and key in self.sheet.headers
            ]
            self.outcomes.append(
                RowOutcome(self.sheet.name, number, "updated", self.label(instance), changes)
            )
        else:
            self.outcomes.append(
                RowOutcome(self.sheet.name, number, "created", self.label(instance))
            )

    def label(self, instance) -> str:
        project = getattr(instance, "project", None)
        return f"{project.reference}: {instance}" if project else str(instance)


def person_field(attribute: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=attribute, widget=PersonWidget(None))


def text_field(attribute: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=attribute, widget=TextWidget())


class ProjectResource(RegisterResource):
    reference = fields.Field(
        attribute="reference", column_name="reference", widget=ReferenceWidget()
    )
    title = text_field("title")
    external_id = text_field("external_id")
    summary = text_field("summary")
    workstream = fields.Field(
        attribute="workstream",
        column_name="workstream",
        widget=NamedWidget(Workstream, "workstream"),
    )
    lead_directorate = fields.Field(
        attribute="lead_directorate", column_name="lead_directorate", widget=DirectorateWidget(None)
    )
    services = fields.Field(
        attribute="services", column_name="services", widget=NamesWidget(Service, "service")
    )
    priorities = fields.Field(
        attribute="priorities",
        column_name="priorities",
        widget=NamesWidget(CorporatePriority, "corporate priority"),
    )
    tags = fields.Field(
        attribute="tags", column_name="tags", widget=NamesWidget(Tag, "tag", create=True)
    )
    sponsor = person_field("sponsor")
    project_manager = person_field("project_manager")
    stage = fields.Field(
        attribute="stage",
        column_name="stage",
        widget=ChoiceWidget(
            Stage.choices,
            "stage",
            {
                "bau": Stage.TRANSITION,
                "transition": Stage.TRANSITION,
                "in delivery": Stage.DELIVERY,
            },
            blank=Stage.IDEA,
        ),
    )
    stage_reason = text_field("stage_reason")
    project_type = fields.Field(
        attribute="project_type",
        column_name="project_type",
        widget=ChoiceWidget(ProjectType.choices, "project type", blank=ProjectType.TRANSFORMATION),
    )
    mtfp_category = fields.Field(
        attribute="mtfp_category",
        column_name="mtfp_category",
        widget=ChoiceWidget(MTFPCategory.choices, "MTFP category", blank=""),
    )
    delivery_approach = fields.Field(
        attribute="delivery_approach",
        column_name="delivery_approach",
        widget=ChoiceWidget(
            DeliveryApproach.choices,
            "delivery approach",
            {"waterfall": "traditional", "test and scale": "agile", "agile": "agile"},
            blank=DeliveryApproach.TRADITIONAL,
        ),
    )
    planned_start = fields.Field(
        attribute="planned_start", column_name="planned_start", widget=UKDateWidget()
    )
    planned_end = fields.Field(
        attribute="planned_end", column_name="planned_end", widget=UKDateWidget()
    )
    forecast_end = fields.Field(
        attribute="forecast_end", column_name="forecast_end", widget=UKDateWidget()
    )
    capital_investment = fields.Field(
        attribute="capital_investment", column_name="capital_investment", widget=MoneyWidget()
    )
    revenue_investment = fields.Field(
        attribute="revenue_investment", column_name="revenue_investment", widget=MoneyWidget()
    )
    funding_source = text_field("funding_source")

    class Meta:
        model = Project
        import_id_fields = ("reference",)
        fields = (
            "reference", "title", "external_id", "summary", "workstream", "lead_directorate",
            "services", "priorities", "tags", "sponsor", "project_manager", "stage", "stage_reason",
            "project_type", "mtfp_category", "delivery_approach", "planned_start",
            "planned_end", "forecast_end", "capital_investment", "revenue_investment",
            "funding_source",
        )  # fmt: skip
        clean_model_instances = True
        skip_diff = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.saved: dict[int, Project] = {}
        self.versions: dict[str, int] = {}
        self.versions_seen: dict[str, int] = {}
        self.rows_by_project: dict[int, int] = {}  # project pk -> the file row that names it
        self.filename = ""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """As import-export's, without Django's per-row SELECT for each check
        constraint: Project.clean() and MoneyWidget check the same rules in
        Python, and the database still enforces them."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=errors.keys(), validate_unique=validate_unique, validate_constraints=False
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def get_instance(self, instance_loader, row):
        reference = parse_reference(row.get("reference") or "")
        if reference:
            return Project.objects.filter(reference=reference).first()
        external_id = " ".join(str(row.get("external_id") or "").split())
        if external_id:
            # Unique when given; a new id falls through to the title.
            match = Project.objects.filter(external_id__iexact=external_id).first()
            if match:
                return match
        return self._same_title_in_directorate(row)

    def _same_title_in_directorate(self, row) -> Project | None:
        """A row without a reference is the register's project of the same
        title in the same lead directorate (spaces and case aside), so a
        council's own file imports again without doubling the register."""
        title = " ".join(str(row.get("title") or "").split())
        if not title or is_blank(row.get("lead_directorate")):
            return None
        try:
            directorate = self.fields["lead_directorate"].clean(row)
        except ValueError:
            return None  # reported against the Directorate column when the row is read
        candidates = Project.objects.filter(title__iexact=title, lead_directorate=directorate)
        if not is_blank(row.get("external_id")):
            # A row with an id no project has is not a project with another id.
            candidates = candidates.filter(external_id="")
        matches = list(candidates[:2])
        if len(matches) > 1:
            raise ValidationError(
                {
                    "title": f"{matches[0].reference} and {matches[1].reference} are both "
                    f"called '{title}' in {directorate}: give the row a Reference"
                }
            )
        return matches[0] if matches else None

    def after_init_instance(self, instance, new, row, **kwargs):
        reference = parse_reference(row.get("reference") or "")
        if new and reference:
            raise ValidationError(
                {
                    "reference": f"No project has the reference {reference}: "
                    "leave Reference blank to add a new project"
                }
            )
        if not new:
            earlier = self.rows_by_project.setdefault(instance.pk, int(row[ROW]))
            if earlier != int(row[ROW]):
                raise ValidationError(
                    {
                        "title": f"Row {earlier} is the same project ({instance.reference}): "
                        "keep one row for each project"
                    }
                )
            seen = self.versions_seen.get(instance.reference, instance.version)
            if seen != instance.version:
                raise ValidationError(
                    {
                        "reference": f"{instance.reference} was changed by someone else after "
                        "you checked this file: check the rows below, then confirm again"
                    }
                )
            self.versions[instance.reference] = instance.version
        super().after_init_instance(instance, new, row, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self.saved[int(row[ROW])] = instance
        self.rows_by_project.setdefault(instance.pk, int(row[ROW]))

    def skip_row(self, instance, original, row, import_validation_errors=None):
        skipped = super().skip_row(instance, original, row, import_validation_errors)
        if skipped:
            self.saved[int(row[ROW])] = instance  # its RAG is still recorded
        return skipped

    def save_instance(self, instance, is_create, row, **kwargs):
        """Save the row through the register's services, so an imported
        project follows the same rules as one made on the form: the next
        reference, a version bump, history, and gates before Delivery and
        Closed. A rule the row breaks is raised as that row's error."""
        fields = {
            f.attribute: getattr(instance, f.attribute)
            for f in self.get_import_fields()
            if f.attribute != "reference" and not isinstance(f.widget, widgets.ManyToManyWidget)
        }
        fields.update(self._many_to_many(instance, row))
        try:
            if is_create:
                project = services.project_create(
                    user=self.user,
                    gate_override_reason=self._taken_in_reason(instance.stage),
                    # Only PMO reach the import page; the command runs on the server.
                    gate_override_authorised=True,
                    **fields,
                )
            else:
                project = services.project_update(
                    project=instance, user=self.user, version=instance.version, **fields
                )
        except ValidationError as exc:
            raise self._row_error(exc, fields.get("stage")) from exc
        except services.EditConflict as exc:
            raise ValidationError(
                {
                    "reference": f"{instance.reference} was changed by someone else while this "
                    "file was being imported: upload it again"
                }
            ) from exc
        # import-export and the outcome report read the saved row from `instance`.
        for field_ in Project._meta.concrete_fields:
            setattr(instance, field_.attname, getattr(project, field_.attname))
        instance._state.adding = False
        self.after_save_instance(instance, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        """Services, priorities and tags were saved by the service."""

    def _many_to_many(self, instance, row) -> dict:
        # As for other columns, a blank cell on an update leaves the value as it is.
        values = {}
        for field_ in self.get_import_fields():
            if isinstance(field_.widget, widgets.ManyToManyWidget):
                if not is_blank(row.get(field_.column_name)):
                    values[field_.attribute] = field_.clean(row)
                elif instance.pk is None:
                    values[field_.attribute] = []
        return values

    def _taken_in_reason(self, stage: str) -> str:
        """A project that was already in Delivery (or Closed) in the council's
        own register passed its gate before this system knew of it: the
        import records that as a PMO gate override, with this reason. Moving
        an existing project into those stages needs its gate decision first."""
        if stage not in services.GATED_STAGES:
            return ""
        source = f" from {self.filename}" if self.filename else ""
        return f"Already at {Stage(stage).label} when imported{source}"

    @staticmethod
    def _row_error(exc: ValidationError, stage: str | None) -> ValidationError:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        if "gate_override_reason" in errors and stage in services.GATED_STAGES:
            # A reason cannot be typed into a sheet: point at the Stage cell.
            errors = {k: v for k, v in errors.items() if k != "gate_override_reason"}
            errors.setdefault("stage", []).append(
                f"{services.gate_refusal(stage)}: record the gate decision on the project "
                "page first"
            )
        return ValidationError(errors)


class ChildResource(RegisterResource):
    """Milestones and risks belong to a project; the same title on the same
    project is the same record, so importing twice updates rather than
    duplicates."""

    project = fields.Field(attribute="project", column_name="project", widget=ProjectLookupWidget())

    class Meta:
        abstract = True

    def __init__(self, *, failed_in_file: dict[str, str] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.fields["project"].widget = ProjectLookupWidget(failed_in_file)

    def get_instance(self, instance_loader, row):
        try:
            project = self.fields["project"].clean(row)
        except ValueError:
            return None  # reported against the Project column by import_instance
        title = " ".join(str(row.get("title") or "").split())
        if not title:
            return None
        return self._meta.model.objects.filter(project=project, title__iexact=title).first()


class MilestoneResource(ChildResource):
    title = text_field("title")
    baseline_date = fields.Field(
        attribute="baseline_date", column_name="baseline_date", widget=UKDateWidget()
    )
    forecast_date = fields.Field(
        attribute="forecast_date", column_name="forecast_date", widget=UKDateWidget()
    )
    actual_date = fields.Field(
        attribute="actual_date", column_name="actual_date", widget=UKDateWidget()
    )

    class Meta:
        model = Milestone
        import_id_fields = ("project", "title")
        fields = ("project", "title", "baseline_date", "forecast_date", "actual_date")
        clean_model_instances = True
        skip_diff = True

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            if instance.forecast_date is None:
                instance.forecast_date = instance.baseline_date

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            errors = exc.message_dict
            # A blank forecast takes the baseline; its only problem is the baseline's.
            if "baseline_date" in errors and instance.forecast_date is None:
                errors.pop("forecast_date", None)
            raise ValidationError(errors) from None


class RiskResource(ChildResource):
    title = text_field("title")
    cause = text_field("cause")
    effect = text_field("effect")
    likelihood = fields.Field(
        attribute="likelihood", column_name="likelihood", widget=ScoreWidget()
    )
    impact = fields.Field(attribute="impact", column_name="impact", widget=ScoreWidget())
    owner = person_field("owner")
    mitigation = text_field("mitigation")
    status = fields.Field(
        attribute="status",
        column_name="status",
        widget=ChoiceWidget(
            RaidStatus.choices, "risk status", {"live": "open"}, blank=RaidStatus.OPEN
        ),
    )
    escalated = fields.Field(attribute="escalated", column_name="escalated", widget=YesNoWidget())

    class Meta:
        model = Risk
        import_id_fields = ("project", "title")
        fields = (
            "project", "title", "cause", "effect", "likelihood", "impact", "owner",
            "mitigation", "status", "escalated",
        )  # fmt: skip
        clean_model_instances = True
        skip_diff = True


RESOURCES = {"projects": ProjectResource, "milestones": MilestoneResource, "risks": RiskResource}


# --- Running an import ----------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Unknown:
    kind: str  # "person" | "directorate"
    name: str
    sheet: str
    row: int
    column: str

    @property
    def where(self) -> str:
        return f"{self.sheet} row {self.row}, {self.column}"


@dataclass
class ImportOutcome:
    errors: list[RowError] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    unknown_people: list[Unknown] = field(default_factory=list)
    unknown_directorates: list[Unknown] = field(default_factory=list)
    created_people: list[str] = field(default_factory=list)
    created_directorates: list[str] = field(default_factory=list)
    status_updates: list[str] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    committed: bool = False

    @property
    def created(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.action == "created"]

    @property
    def updated(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.action == "updated"]

    @property
    def unchanged(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.action == "unchanged"]

    def to_dict(self) -> dict:
        """Plain JSON, kept on the ImportRun so the check is shown, not re-run."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> ImportOutcome:
        return cls(
            errors=[RowError(**e) for e in raw["errors"]],
            rows=[RowOutcome(**r) for r in raw["rows"]],
            unknown_people=[Unknown(**u) for u in raw["unknown_people"]],
            unknown_directorates=[Unknown(**u) for u in raw["unknown_directorates"]],
            created_people=raw["created_people"],
            created_directorates=raw["created_directorates"],
            status_updates=raw["status_updates"],
            versions=raw["versions"],
            committed=raw["committed"],
        )

    def summary(self) -> str:
        parts = [
            _count(len(self.created), "row", "rows") + " created",
            f"{len(self.updated)} updated",
        ]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} unchanged")
        if self.status_updates:
            parts.append(
                _count(len(self.status_updates), "monthly RAG", "monthly RAGs") + " recorded"
            )
        if self.created_people:
            parts.append(_count(len(self.created_people), "person", "people") + " added")
        if self.created_directorates:
            parts.append(
                _count(len(self.created_directorates), "directorate", "directorates") + " added"
            )
        return ", ".join(parts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


PERSON_COLUMNS = {
    "projects": {"sponsor": Role.SPONSOR, "project_manager": Role.PROJECT_MANAGER},
    "risks": {"owner": None},
}


def find_unknowns(upload: Upload) -> tuple[list[Unknown], list[Unknown]]:
    """People and directorates the file names that the register does not
    know, each with where it was first seen."""
    directory = PeopleDirectory()
    known_directorates = Directorates()
    people: dict[str, Unknown] = {}
    directorates: dict[str, Unknown] = {}
    for sheet in upload.sheets:
        for number, values in sheet.rows:
            for key in PERSON_COLUMNS.get(sheet.kind, {}):
                name = values.get(key)
                if not is_blank(name) and name_key(name) not in people:
                    try:
                        if directory.find(name) is None:
                            people[name_key(name)] = Unknown(
                                "person", tidy_name(name), sheet.name, number, sheet.header_for(key)
                            )
                    except ValueError:
                        pass  # ambiguous: reported as a row error
            name = values.get("lead_directorate") if sheet.kind == "projects" else None
            if (
                not is_blank(name)
                and name_key(name) not in directorates
                and not known_directorates.find(name)
            ):
                directorates[name_key(name)] = Unknown(
                    "directorate",
                    tidy_name(name),
                    sheet.name,
                    number,
                    sheet.header_for("lead_directorate"),
                )
    return list(people.values()), list(directorates.values())


def progress_total(upload: Upload) -> int:
    """What an import works through: every row, then each project's RAG."""
    rated = sum(
        sheet.ratings_in(values)
        for sheet in upload.sheets
        if sheet.kind == "projects"
        for _number, values in sheet.rows
    )
    return upload.row_count + rated


def run_import(
    upload: Upload,
    *,
    user,
    create_people: Iterable[str] = (),
    create_directorates: Iterable[str] = (),
    commit: bool,
    versions_seen: dict[str, int] | None = None,
    report_progress: Callable[[int, int], None] | None = None,
) -> ImportOutcome:
    """Import every sheet in one transaction, all or nothing.

    With commit=False (the preview) everything is written and then rolled
    back, so the preview runs exactly the code and checks the confirm will.
    `versions_seen` (reference -> version, from the preview's outcome) makes
    the confirm refuse a project someone edited after the preview, the same
    optimistic locking the edit form uses. `report_progress(done, total)`
    hears about the rows as they go (see Progress).
    """
    progress = Progress(progress_total(upload), report_progress)
    outcome = ImportOutcome()
    outcome.unknown_people, outcome.unknown_directorates = find_unknowns(upload)
    wanted_people = {name_key(n) for n in create_people}
    wanted_directorates = {name_key(n) for n in create_directorates}
    with transaction.atomic():
        for unknown in outcome.unknown_directorates:
            if name_key(unknown.name) in wanted_directorates:
                _add_unknown(outcome, unknown, lambda u=unknown: _create_directorate(u.name))
        for unknown in outcome.unknown_people:
            if name_key(unknown.name) in wanted_people:
                _add_unknown(outcome, unknown, lambda u=unknown: _create_person(upload, u.name))
        directory = PeopleDirectory()
        rag_rows = []
        for kind in ("projects", "milestones", "risks"):
            for sheet in (s for s in upload.sheets if s.kind == kind):
                if kind == "projects":
                    resource = ProjectResource(user=user, directory=directory, sheet=sheet)
                    resource.versions_seen = versions_seen or {}
                    resource.filename = upload.filename
                else:
                    resource = RESOURCES[kind](
                        user=user,
                        directory=directory,
                        sheet=sheet,
                        failed_in_file=_failed_project_titles(upload, outcome),
                    )
                resource.progress = progress
                projects = _import_sheet(resource, sheet, outcome)
                outcome.versions.update(getattr(resource, "versions", {}))
                if kind == "projects":
                    rag_rows.extend(
                        (sheet, number, values, projects.get(number))
                        for number, values in sheet.rows
                        if sheet.ratings_in(values)
                    )
        for sheet, number, values, project in rag_rows:
            for key in sheet.month_keys:
                if not is_blank_rating(values.get(key)):
                    _record_month_rag(sheet, number, key, values, project, user, outcome, upload)
                    progress.tick()
            if not is_blank_rating(values.get("rag")):
                _record_rag(sheet, number, values, project, user, outcome, upload.filename)
                progress.tick()
        outcome.errors.sort(key=_error_order(upload))
        if outcome.errors or not commit:
            transaction.set_rollback(True)
        else:
            outcome.committed = True
    return outcome


def _failed_project_titles(upload: Upload, outcome: ImportOutcome) -> dict[str, str]:
    failed = {(e.sheet, e.row) for e in outcome.errors}
    return {
        name_key(values["title"]): f"{sheet.name} row {number}"
        for sheet in upload.sheets
        if sheet.kind == "projects"
        for number, values in sheet.rows
        if values.get("title") and (sheet.name, number) in failed
    }


def _error_order(upload: Upload):
    """Errors in the file's own order: sheet, row, then column left to right."""
    sheets = {sheet.name: index for index, sheet in enumerate(upload.sheets)}
    columns = {sheet.name: list(sheet.headers.values()) for sheet in upload.sheets}

    def key(error: RowError):
        headers = columns.get(error.sheet, [])
        position = headers.index(error.column) if error.column in headers else len(headers)
        return (sheets.get(error.sheet, 0), error.row, position)

    return key


def _add_unknown(outcome: ImportOutcome, unknown: Unknown, create) -> None:
    try:
        with transaction.atomic():
            create()
    except ValidationError as exc:
        for messages in exc.message_dict.values():
            for message in messages:
                outcome.errors.append(
                    RowError(
                        unknown.sheet,
                        unknown.row,
                        unknown.column,
                        f"'{unknown.name}' cannot be added: {message}",
                    )
                )
    else:
        added = outcome.created_people if unknown.kind == "person" else outcome.created_directorates
        added.append(unknown.name)


def _create_directorate(name: str) -> Directorate:
    directorate = Directorate(name=name)
    directorate.full_clean()
    directorate.save()
    return directorate


def _create_person(upload: Upload, name: str):
    """A person named in the file, created without a password (IT sets one)
    and given the role of the column that names them."""
    roles = {
        role
        for sheet in upload.sheets
        for _, values in sheet.rows
        for key, role in PERSON_COLUMNS.get(sheet.kind, {}).items()
        if role and name_key(values.get(key, "")) == name_key(name)
    }
    if "@" in name:
        email, first, last = name.lower(), "", ""
        base = name.split("@")[0].lower()
    else:
        email = ""
        first, _, last = name.partition(" ")
        base = ".".join(name.lower().split())
    base = re.sub(r"[^a-z0-9.@_+-]", "", base)[:140] or "person"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}{n}"
    person = User(username=username, email=email, first_name=first[:150], last_name=last[:150])
    person.set_unusable_password()
    person.full_clean()
    person.save()
    if roles:
        person.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    return person


def _import_sheet(resource, sheet: Sheet, outcome: ImportOutcome) -> dict[int, Project]:
    """Run one sheet through its resource; returns project by row number for
    the projects sheet so their RAG can be recorded afterwards."""
    keys = [c.key for c in sheet.spec.columns if c.key in sheet.headers]
    if sheet.kind == "projects" and "reference" not in keys:
        keys.append("reference")
    present = set(keys)
    for column in sheet.spec.columns:
        if (
            column.required
            and column.key not in present
            and not (
                sheet.kind == "projects" and column.key == "title" and "reference" in sheet.headers
            )
        ):
            outcome.errors.append(
                RowError(sheet.name, 1, column.header, f"The {column.header} column is missing")
            )
    if any(e.sheet == sheet.name and e.row == 1 for e in outcome.errors):
        return {}
    resource_keys = {f.column_name for f in resource.get_import_fields()}
    dataset = tablib.Dataset(headers=[ROW, *[k for k in keys if k in resource_keys]])
    numbers = []
    for number, values in sheet.rows:
        dataset.append([number, *[values.get(k, "") for k in dataset.headers[1:]]])
        numbers.append(number)
    # use_transactions gives each row a savepoint, so a database error on one
    # row is reported and the rest still checked; run_import's own atomic
    # block decides whether anything is kept.
    result = resource.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=False)
    for invalid in result.invalid_rows:
        number = numbers[invalid.number - 1]
        for attribute, messages in invalid.error_dict.items():
            column = sheet.header_for(attribute) if sheet.has_column(attribute) else "(whole row)"
            for message in messages:
                outcome.errors.append(
                    RowError(sheet.name, number, column, plain_message(message, column))
                )
    for index, errors in result.row_errors():
        for error in errors:
            message = str(error.error)
            if isinstance(error.error, IntegrityError):
                # Most likely another import or edit took the same project
                # number at the same moment.
                message = "Another change was saved at the same moment: upload the file again"
            outcome.errors.append(RowError(sheet.name, numbers[index - 1], "(whole row)", message))
    for error in result.base_errors:
        outcome.errors.append(RowError(sheet.name, 1, "(whole sheet)", str(error.error)))
    outcome.rows.extend(resource.outcomes)
    return getattr(resource, "saved", {})


DJANGO_MISSING = {
    "This field cannot be blank.",
    "This field cannot be null.",
    "This field is required.",
}


def plain_message(message: str, column: str) -> str:
    if message in DJANGO_MISSING:
        return f"Enter the {column.lower()}"
    return message


RECORDED_FIELDS = (*StatusUpdate.CARRIED_FIELDS, "honesty_override", "override_justification")


def _recorded_rag(update: StatusUpdate) -> tuple:
    return tuple(getattr(update, name) for name in RECORDED_FIELDS)


def _record_rag(
    sheet: Sheet, number: int, values: dict, project: Project | None, user, outcome, filename
):
    """The RAG column is the delivery confidence of the month its row's RAG
    as at gives, this month if none: it goes into that month's update. For
    this month the honesty rule applies as it does on the update form, after
    this file's milestones and risks are in; an earlier month's rating is a
    record of what was reported then, when today's overdue milestones may
    not have been due."""

    def error(key: str, message: str) -> None:
        outcome.errors.append(RowError(sheet.name, number, sheet.header_for(key), message))

    codes = {}
    for key in RATING_KEYS:
        try:
            # A sheet with one RAG column gives it to every dimension.
            codes[key] = (
                parse_rag(values[key]) if not is_blank_rating(values.get(key)) else codes.get("rag")
            )
        except ValueError as exc:
            error(key, str(exc))
    if codes.get("rag") is None or project is None:
        return  # a row that failed to import is already reported
    today = timezone.localdate()
    period = _rag_period(values, today, error)
    if period is None:
        return
    if period_is_locked(period):
        error("rag", locked_period_message(period))
        return
    confidence = codes["rag"]
    justification = values.get("override_justification", "")
    if confidence != RAG.GREEN and not values.get("path_to_green"):
        error("path_to_green", f"Enter the path to green: the RAG is {confidence.label}")
    problems = (
        _honesty_problems(project, confidence, today) if period == current_period(today) else []
    )
    if problems and not justification:
        error(
            "rag",
            f"{confidence.label} is refused because {' and '.join(problems)}: "
            "add an Override justification column or lower the RAG",
        )
    if any(e.sheet == sheet.name and e.row == number for e in outcome.errors):
        return
    _save_update(
        project,
        period,
        codes,
        {k: values.get(k, "") for k in UPDATE_TEXTS},
        justification if problems else "",
        user=user,
        outcome=outcome,
        filename=filename,
        error=partial(error, "rag"),
    )


def _record_month_rag(
    sheet: Sheet, number: int, key: str, values: dict, project, user, outcome, upload: Upload
):
    """A column rating one month ('DCA March 2023'): that month's update, in
    the project's history, with the one rating for every dimension. It is a
    record of what was reported then, so today's honesty rule does not apply."""

    def error(message: str) -> None:
        outcome.errors.append(RowError(sheet.name, number, sheet.header_for(key), message))

    try:
        confidence = parse_rag(values[key])
    except ValueError as exc:
        error(str(exc))
        return
    if project is None:
        return
    period = month_period(key.removeprefix(MONTH_KEY_PREFIX))
    today = timezone.localdate()
    if period > current_period(today):
        error(f"{period:%B %Y} is after this month: a RAG is reported on a month gone by")
        return
    if period_is_locked(period):
        error(locked_period_message(period))
        return
    if any(e.sheet == sheet.name and e.row == number for e in outcome.errors):
        return
    texts = dict.fromkeys(UPDATE_TEXTS, "")
    if confidence != RAG.GREEN:
        texts["path_to_green"] = f"Not given in {upload.filename}, which gave this rating."
    _save_update(
        project,
        period,
        dict.fromkeys(RATING_KEYS, confidence),
        texts,
        "",
        user=user,
        outcome=outcome,
        filename=upload.filename,
        error=error,
    )


UPDATE_TEXTS = ("progress", "next_steps", "issues_and_decisions", "path_to_green")


def _save_update(
    project, period, codes, texts, justification, *, user, outcome, filename, error
) -> None:
    """That month's update with these ratings; the same file again changes nothing."""
    today = timezone.localdate()
    update = StatusUpdate.objects.filter(project=project, period=period).first() or StatusUpdate(
        project=project, period=period
    )
    imported = f"Imported from {filename} on {today:%d/%m/%Y}."
    recorded = _recorded_rag(update)
    update.delivery_confidence = codes["rag"]
    update.schedule_rag = codes["schedule_rag"]
    update.cost_rag = codes["cost_rag"]
    update.benefits_rag = codes["benefits_rag"]
    update.resources_rag = codes["resources_rag"]
    update.risk_rag = codes["risk_rag"]
    update.progress = texts["progress"] or update.progress or imported
    update.next_steps = texts["next_steps"] or update.next_steps or imported
    update.issues_and_decisions = texts["issues_and_decisions"] or update.issues_and_decisions
    update.path_to_green = texts["path_to_green"] or update.path_to_green
    update.honesty_override = bool(justification)
    update.override_justification = justification
    if update.pk and _recorded_rag(update) == recorded:
        return  # the same file again: that month's update already says this
    update.submitted_by = user
    update._history_user = user
    try:
        # Its two constraints are unique ones met by construction: one per
        # month by fetching that month's update above, one latest by
        # mark_latest below. Checking them would cost two queries a row.
        update.full_clean(
            exclude=["submitted_by"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            error(f"{key}: {'; '.join(messages)}")
        return
    update.save()
    StatusUpdate.objects.mark_latest([project.pk])
    label = RAG(codes["rag"]).label
    outcome.status_updates.append(f"{project.reference} {label}, {period:%B %Y}")


def _rag_period(values: dict, today: datetime.date, error) -> datetime.date | None:
    """The month a row's RAG is for: its RAG as at, or this month."""
    if is_blank(values.get("as_at")):
        return current_period(today)
    try:
        period = parse_month(values["as_at"])
    except ValueError as exc:
        error("as_at", str(exc))
        return None
    if period > current_period(today):
        error("as_at", f"{period:%B %Y} is after this month: a RAG is reported on a month gone by")
        return None
    return period


def _honesty_problems(project: Project, confidence, today: datetime.date) -> list[str]:
    severe = (
        Risk.objects.filter(
            project=project, status=RaidStatus.OPEN, score__gte=SEVERE_RAID_SCORE
        ).count()
        + Issue.objects.filter(
            project=project, status=RaidStatus.OPEN, score__gte=SEVERE_RAID_SCORE
        ).count()
    )
    return honesty_problems(
        confidence,
        overdue_milestones=Milestone.objects.filter(project=project).overdue(today).count(),
        severe_open_raid=severe,
    )
