"""The mapping step of the project import: which file column fills which
field, what the file's own words for ratings and stages mean, the unit of
its money columns, the order of its dates and the month its ratings are as at.

    read_tables(filename, content) -> RawUpload   the file's columns as written
    guess_mapping(raw, saved=None) -> Mapping     from the headers (and a saved mapping)
    apply_mapping(raw, mapping)    -> Upload      the sheets the import reads
    read_upload(filename, content) -> Upload      the two together, as guessed

The page stages the RawUpload and keeps the PMO's Mapping on the ImportRun;
the check and the import both apply it to the same staged columns. A
mapping can be saved by name (SavedMapping) and is offered again next month,
as Jira's CSV importer keeps its configuration.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import asdict, dataclass, field

from django.conf import settings

from pmo.spreadsheets import POUNDS, header_money_unit, normalise_header, parse_month
from portfolio.import_columns import (
    IGNORED_SHEET_NAMES,
    RATING_KEYS,
    SHEET_SPECS,
    SPECS_BY_KIND,
    SheetSpec,
    clean_header,
)
from portfolio.imports import (
    HEADER_SEARCH_ROWS,
    MONTH_KEY_PREFIX,
    RESOURCES,
    TRACK_RATINGS,
    ImportRefused,
    Sheet,
    Upload,
    check_upload_is_safe,
    clean_text,
    is_blank,
    is_blank_rating,
    name_key,
    parse_rag,
)
from portfolio.rag import RAG, SCALES

# A column with more different values than this is read as written: a list
# that long is a free-text column, not a council's words for a few choices.
MAX_VALUES_TO_MAP = 40
SKIP = ""
# A rating column for one month, such as "DCA March 2023": several of them
# in a row build the project's RAG history.
RAG_FOR_MONTH = "rag_for_month"
DATE_KEYS = {
    "planned_start",
    "planned_end",
    "forecast_end",
    "baseline_date",
    "forecast_date",
    "actual_date",
    "as_at",
}
# The choice columns whose values can be mapped, besides the ratings.
CHOICE_KEYS = {
    "projects": ("stage", "project_type", "mtfp_category", "delivery_approach"),
    "milestones": (),
    "risks": ("status",),
}


# --- The file's columns as written -------------------------------------------


@dataclass
class RawSheet:
    name: str
    kind: str
    headers: list[str]  # the header row, its spaces tidied
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells), blank rows left out

    @property
    def spec(self) -> SheetSpec:
        return SPECS_BY_KIND[self.kind]

    def cells(self, *positions: int) -> list[str]:
        return [
            cells[position] if position < len(cells) else ""
            for _, cells in self.rows
            for position in positions
        ]

    def examples(self, position: int, count: int = 3) -> list[str]:
        """The column's first different values, as the page shows them: a
        spreadsheet's date cell (read as 2027-03-31) in the UK style."""
        seen: list[str] = []
        for value in self.cells(position):
            if value and value not in seen:
                seen.append(value)
                if len(seen) == count:
                    break
        return [_shown(value) for value in seen]

    def distinct_values(self, *positions: int) -> dict[str, tuple[str, int]]:
        """name_key(value) -> (the value as first written, how many cells)."""
        found: dict[str, tuple[str, int]] = {}
        for value in self.cells(*positions):
            if value:
                written, count = found.get(name_key(value), (value, 0))
                found[name_key(value)] = (written, count + 1)
        return found


ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _shown(value: str) -> str:
    if ISO_DATE_RE.match(value):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.day} {day:%b %Y}"
    return value


@dataclass
class RawUpload:
    filename: str
    sheets: list[RawSheet]
    ignored_sheets: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(sheet.rows) for sheet in self.sheets)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> RawUpload:
        raw = json.loads(text)
        sheets = [
            RawSheet(s["name"], s["kind"], s["headers"], [(n, cells) for n, cells in s["rows"]])
            for s in raw["sheets"]
        ]
        return cls(raw["filename"], sheets, raw["ignored_sheets"])


def read_tables(filename: str, content: bytes) -> RawUpload:
    """The sheets of an uploaded file with their header rows found, or
    ImportRefused saying why not."""
    raw = RawUpload(filename, [])
    for name, rows in check_upload_is_safe(filename, content):
        sheet = _sheet_from_rows(name, rows)
        if sheet is None:
            raw.ignored_sheets.append(name or "CSV")
        else:
            raw.sheets.append(sheet)
    if not raw.sheets:
        raise ImportRefused(
            "No projects, milestones or risks were found: the first rows must be column "
            "headers such as Title and Lead directorate (download the template to see them)"
        )
    return raw


def _sheet_from_rows(name: str, rows: list[list[str]]) -> RawSheet | None:
    if normalise_header(name) in IGNORED_SHEET_NAMES:
        return None
    by_name = next((s for s in SHEET_SPECS if normalise_header(name) in s.names), None)
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        candidates = [by_name] if by_name else SHEET_SPECS
        # A tie goes to the sheet listed first in SHEET_SPECS.
        best = max(candidates, key=lambda spec: spec.recognised(row))
        if best.recognised(row) >= 2 or (by_name and best.recognised(row) >= 1):
            headers = [" ".join(str(cell).split()) for cell in row]
            while headers and not headers[-1]:
                headers.pop()  # a sheet's used range often runs past its last column
            data = []
            for number, cells in enumerate(rows[index + 1 :], start=index + 2):
                cleaned = [clean_text(cell) for cell in cells[: len(headers)]]
                if any(cleaned):
                    data.append((number, cleaned))
            return RawSheet(name or best.label, best.kind, headers, data)
    return None


# --- The mapping -----------------------------------------------------------------


@dataclass
class ColumnChoice:
    key: str = SKIP  # a column key of the sheet, RAG_FOR_MONTH, or SKIP
    unit: str = POUNDS.label  # for a money column: '£', '£k', '£m' or '£bn'
    month: str = ""  # for RAG_FOR_MONTH: 'YYYY-MM'


@dataclass
class SheetMapping:
    columns: list[ColumnChoice]  # one per file column, left to right
    # key -> {name_key(value as written): what it means}, '' meaning blank
    values: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Mapping:
    sheets: list[SheetMapping]  # one per RawUpload sheet, in order
    day_first: bool = True
    as_at: str = ""  # 'YYYY-MM' for ratings the file gives no month of; '' is this month

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> Mapping:
        return cls(
            [
                SheetMapping([ColumnChoice(**c) for c in s["columns"]], s["values"])
                for s in raw["sheets"]
            ],
            raw["day_first"],
            raw["as_at"],
        )

    def remembered(self, upload: RawUpload) -> dict:
        """What a saved mapping keeps: choices by header, not by position, so
        next month's file can move its columns about."""
        columns: dict[str, dict] = {}
        values: dict[str, dict] = {}
        for sheet, chosen in zip(upload.sheets, self.sheets, strict=True):
            for header, choice in zip(sheet.headers, chosen.columns, strict=False):
                if header:
                    columns.setdefault(sheet.kind, {})[clean_header(header)] = asdict(choice)
            for key, meanings in chosen.values.items():
                values.setdefault(sheet.kind, {}).setdefault(key, {}).update(meanings)
        return {
            "columns": columns,
            "values": values,
            "day_first": self.day_first,
            "as_at": self.as_at,
        }


def month_of_rating_header(header: str) -> str:
    """'DCA March 2023', 'RAG (Mar-23)', 'Delivery confidence as at 03/2023' ->
    '2023-03'; '' for any other header."""
    text = clean_header(header)
    match = MONTH_HEADER_RE.match(text) or MONTH_FIRST_HEADER_RE.match(text)
    if not match:
        return ""
    rating = re.sub(r"\s*(as at|at|for|in)$", "", match["rating"].strip(" -–:("))
    if SPECS_BY_KIND["projects"].key_for(rating) != "rag":
        return ""
    try:
        return f"{parse_month(match['month'].strip(' ()')):%Y-%m}"
    except ValueError:
        return ""


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[\s-]*\d{2,4}|\d{1,2}/\d{4}"
MONTH_HEADER_RE = re.compile(rf"^(?P<rating>.+?)[\s(:-]*(?P<month>{_MONTH})\)?$")
MONTH_FIRST_HEADER_RE = re.compile(rf"^(?P<month>{_MONTH})[\s:-]+(?P<rating>.+)$")


def guess_mapping(upload: RawUpload, saved: dict | None = None) -> Mapping:
    """Each column's field from its header (a saved mapping's choice for the
    same header first), and each value mapped to what the import makes of it."""
    sheets = []
    saved = saved or {}
    for sheet in upload.sheets:
        remembered = saved.get("columns", {}).get(sheet.kind, {})
        columns = []
        taken: set[str] = set()
        guessed = []
        for position, header in enumerate(sheet.headers):
            choice = _column_from_saved(sheet, remembered.get(clean_header(header)))
            if choice is None:
                choice = _guess_column(sheet.spec, header)
                guessed.append(position)
            if choice.key != RAG_FOR_MONTH and choice.key in taken:
                choice = ColumnChoice()  # a second 'Title' column is skipped, as before
            taken.add(choice.key)
            columns.append(choice)
        status = _status_column_of_ratings(sheet, guessed, columns)
        if status is not None and "rag" not in taken:
            columns[status] = ColumnChoice("rag")
        mapping = SheetMapping(columns)
        saved_values = saved.get("values", {}).get(sheet.kind, {})
        for group, positions in value_groups(sheet, [c.key for c in columns]).items():
            mapping.values[group] = {}
            for value_key, (written, _count) in sheet.distinct_values(*positions).items():
                meaning = saved_values.get(group, {}).get(value_key)
                if meaning is None or meaning not in dict(value_options(sheet.kind, group)):
                    meaning = recognise(sheet.kind, group, written)
                if meaning is not None:
                    mapping.values[group][value_key] = meaning
        sheets.append(mapping)
    return Mapping(sheets, saved.get("day_first", True), saved.get("as_at", ""))


def _guess_column(spec: SheetSpec, header: str) -> ColumnChoice:
    """The column the header names, else none; the unit its header gives
    either way, in case the PMO makes it a money column."""
    key, _ = spec.match(header)
    unit = (header_money_unit(clean_header(header))[1] or POUNDS).label
    if key:
        return ColumnChoice(key, unit)
    month = month_of_rating_header(header) if spec.kind == "projects" else ""
    if month:
        return ColumnChoice(RAG_FOR_MONTH, month=month)
    return ColumnChoice(SKIP, unit)


# Headers that are the RAG only when their words say so: OpenProject's
# project list calls its traffic light "Status", a word that in a council's
# own register is as often Open or Closed.
STATUS_HEADERS = {"status", "project status"}


def _status_column_of_ratings(
    sheet: RawSheet, guessed: list[int], columns: list[ColumnChoice]
) -> int | None:
    """The position of a projects sheet's unclaimed Status column whose every
    word is a rating and at least one is OpenProject's (On track, At risk,
    Off track), or None. Only OpenProject's words make the guess, so a Status
    column in a file that imported before is read as it was."""
    if sheet.kind != "projects":
        return None
    for position in guessed:
        if columns[position].key != SKIP:
            continue
        if clean_header(sheet.headers[position]) not in STATUS_HEADERS:
            continue
        words = sheet.distinct_values(position)
        if any(key in TRACK_RATINGS for key in words) and all(
            recognise("projects", "rag", written) is not None for written, _ in words.values()
        ):
            return position
    return None


def _column_from_saved(sheet: RawSheet, remembered: dict | None) -> ColumnChoice | None:
    if not remembered:
        return None
    choice = ColumnChoice(**remembered)
    if choice.key not in {SKIP, RAG_FOR_MONTH, *(c.key for c in sheet.spec.columns)}:
        return None
    return choice


def value_group(key: str) -> str:
    """Month ratings share one list of words with the RAG column."""
    return "rag" if key == RAG_FOR_MONTH else key


def value_groups(sheet: RawSheet, keys: list[str]) -> dict[str, list[int]]:
    """The columns whose values are mapped one by one, by what they fill
    (month ratings with the RAG: one list of words): group -> positions.
    A group with more different values than MAX_VALUES_TO_MAP is read as
    written."""
    mappable = set(CHOICE_KEYS[sheet.kind])
    if sheet.kind == "projects":
        mappable |= {*RATING_KEYS, RAG_FOR_MONTH}
    groups: dict[str, list[int]] = {}
    for position, key in enumerate(keys):
        if key in mappable:
            groups.setdefault(value_group(key), []).append(position)
    return {
        group: positions
        for group, positions in groups.items()
        if len(sheet.distinct_values(*positions)) <= MAX_VALUES_TO_MAP
    }


def value_options(kind: str, key: str) -> list[tuple[str, str]]:
    """What a value in the column can be mapped to: (stored text, label)."""
    if key in RATING_KEYS:
        scale = SCALES[settings.PMO_RAG_SCALE]
        return [(RAG(code).label, RAG(code).label) for code in scale] + [("", "No rating")]
    widget = RESOURCES[kind].fields[key].widget
    blank = dict(widget.choices).get(widget.blank)
    return [(label, label) for _, label in widget.choices] + [
        ("", f"Blank ({blank})" if blank else "Blank")
    ]


def recognise(kind: str, key: str, value: str) -> str | None:
    """What the import reads a value as, in the options' terms; None if it
    is not one it knows."""
    if key in RATING_KEYS:
        if is_blank_rating(value):
            return ""
        try:
            return RAG(parse_rag(value)).label
        except ValueError:
            return None
    if is_blank(value):
        return ""
    widget = RESOURCES[kind].fields[key].widget
    try:
        return dict(widget.choices)[widget.clean(value)]
    except (ValueError, KeyError):
        return None


# --- Applying it ----------------------------------------------------------------


def apply_mapping(upload: RawUpload, mapping: Mapping) -> Upload:
    """The sheets as the import reads them: our keys, the file's values with
    the mapped words replaced, dates day first, and each rating's month."""
    result = Upload(upload.filename, [], list(upload.ignored_sheets))
    for raw, chosen in zip(upload.sheets, mapping.sheets, strict=True):
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        units: dict[str, str] = {}
        ignored = []
        for position, (header, choice) in enumerate(zip(raw.headers, chosen.columns, strict=False)):
            key = choice.key
            if key == RAG_FOR_MONTH:
                key = MONTH_KEY_PREFIX + choice.month
            if key == SKIP or key in positions:
                if header:
                    ignored.append(header)
                continue
            positions[key] = position
            headers[key] = header or f"Column {position + 1}"
            if choice.key in _money_keys(raw.spec) and choice.unit != POUNDS.label:
                units[key] = choice.unit
        rows = []
        rated = raw.kind == "projects" and any(k in positions for k in RATING_KEYS)
        for number, cells in raw.rows:
            values = {}
            for key, position in positions.items():
                value = cells[position] if position < len(cells) else ""
                meanings = chosen.values.get(value_group(_base_key(key)), {})
                value = meanings.get(name_key(value), value) if value else value
                if not mapping.day_first and key in DATE_KEYS:
                    value = _day_first(value)
                values[key] = value
            if rated and mapping.as_at and not values.get("as_at"):
                values["as_at"] = mapping.as_at
            rows.append((number, values))
        if rated and mapping.as_at and "as_at" not in headers:
            headers["as_at"] = "Ratings as at (chosen when the columns were matched)"
        result.sheets.append(Sheet(raw.kind, raw.name, headers, rows, ignored, units))
    return result


def _base_key(key: str) -> str:
    return RAG_FOR_MONTH if key.startswith(MONTH_KEY_PREFIX) else key


def _money_keys(spec: SheetSpec) -> set[str]:
    return {c.key for c in spec.columns if c.money}


US_DATE_RE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2,4})(\s+\d{1,2}:.*)?$")


def _day_first(value: str) -> str:
    """'03/31/2026' written month first -> '31/03/2026', any time of day after
    it kept ('3/26/2012 8:00:00 AM' -> '26/3/2012 8:00:00 AM')."""
    match = US_DATE_RE.match(value.strip())
    if not match:
        return value
    month, sep, day, year, time = match.groups()
    return f"{day}{sep}{month}{sep}{year}{time or ''}"


def read_upload(filename: str, content: bytes) -> Upload:
    """The file as its headers say, with no one to ask: the management
    command's import, and the mapping page's first guess."""
    raw = read_tables(filename, content)
    return apply_mapping(raw, guess_mapping(raw))
