"""CSV and XLSX writing and reading shared by every export and import.

The formula-safe cell rule lives here and nowhere else: a text cell that
starts with = + - @, a tab or a carriage return is prefixed with a single
quote, so a spreadsheet never runs it as a formula (OWASP CSV injection).
Numbers stay numbers and dates stay dates; only text is touched.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from xlsxwriter.utility import (
    _datetime_to_excel_datetime,
    _preserve_whitespace,
    _utf16_len,
    _utf16_truncate,
    xl_col_to_name,
)
from xlsxwriter.xmlwriter import XMLwriter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value):
    """The value as it may go into a cell: text that could be read as a
    formula gets a leading apostrophe; every other type is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, and how to format it in XLSX."""

    header: str
    kind: str = "text"  # text | money | date | integer | number | percent

    @property
    def width(self) -> int:
        return {"money": 16, "date": 13, "integer": 10, "number": 12, "percent": 10}.get(
            self.kind, max(14, min(50, len(self.header) + 4))
        )


def csv_bytes(columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a BOM, so Excel opens pound signs correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([formula_safe(c.header) for c in columns])
    for row in rows:
        writer.writerow(["" if v is None else _csv_value(formula_safe(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


class SheetWriter:
    """One sheet written row by row: header first, then each row as it
    comes, then the frozen header and autofilter. With a workbook made by
    new_workbook(..., constant_memory=True) each row goes to disk as XML as
    soon as it is written (see _RowsXML), so a long export stays flat in
    memory; sheets of one workbook may be written in turns."""

    def __init__(self, workbook, title: str, columns: Sequence[Column]):
        self.sheet = workbook.add_worksheet(title[:31])
        self.columns = columns
        self.kinds = [column.kind for column in columns]
        self.formats = _formats(workbook)
        self.count = 0
        for col, column in enumerate(columns):
            self.sheet.write_string(0, col, column.header, self.formats["header"])
            self.sheet.set_column(col, col, column.width)
        self.rows_xml = (
            _RowsXML(workbook, self.sheet, self.kinds) if workbook.constant_memory else None
        )

    def write(self, row: Sequence) -> None:
        if len(row) != len(self.kinds):
            raise ValueError(f"{len(row)} values for {len(self.kinds)} columns")
        self.count += 1
        if self.rows_xml is not None:
            self.rows_xml.write(self.count, row)
            return
        r, sheet, formats = self.count, self.sheet, self.formats
        for col, (kind, value) in enumerate(zip(self.kinds, row, strict=True)):
            _write(sheet, r, col, kind, value, formats)

    def finish(self):
        if self.rows_xml is not None:
            self.rows_xml.finish()
        self.sheet.freeze_panes(1, 0)
        self.sheet.autofilter(0, 0, max(self.count, 1), len(self.columns) - 1)
        return self.sheet


def add_sheet(workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence]):
    """Write one sheet with xlsxwriter: £ formats, real dates, frozen header,
    autofilter. Text never becomes a formula (strings are written as strings,
    and formula_safe prefixes anything that looks like one)."""
    writer = SheetWriter(workbook, title, columns)
    for row in rows:
        writer.write(row)
    return writer.finish()


def _formats(workbook):
    cached = getattr(workbook, "_pmo_formats", None)
    if cached is None:
        cached = {
            "header": workbook.add_format({"bold": True, "bg_color": "#f3f2f1", "bottom": 1}),
            "money": workbook.add_format({"num_format": "£#,##0.00;-£#,##0.00"}),
            "date": workbook.add_format({"num_format": "dd mmm yyyy"}),
            "integer": workbook.add_format({"num_format": "0"}),
            "number": workbook.add_format({"num_format": "0.0"}),
            "percent": workbook.add_format({"num_format": "0%"}),
        }
        workbook._pmo_formats = cached
    return cached


def _write(sheet, row, col, kind, value, formats):
    if value is None or value == "":
        return  # an empty cell (xlsxwriter writes no blank without a format)
    if kind == "money" and isinstance(value, (Decimal, int, float)):
        sheet.write_number(row, col, float(value), formats["money"])
    elif kind == "date" and isinstance(value, datetime.date):
        if isinstance(value, datetime.datetime):
            value = value.replace(tzinfo=None)
        sheet.write_datetime(row, col, value, formats["date"])
    elif kind in ("integer", "number", "percent") and isinstance(value, (Decimal, int, float)):
        sheet.write_number(row, col, float(value), formats[kind])
    else:
        sheet.write_string(row, col, str(formula_safe(str(value))))


# Plain text needs no escaping: anything else takes xlsxwriter's own steps
# (control characters, "_xHHHH_" look-alikes, & < >, edge whitespace).
_NEEDS_ESCAPING = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_STRING_MAX = 32767  # Excel's limit, in UTF-16 units


class _RowsXML:
    """The rows of a constant_memory sheet written as XML in one go each.

    xlsxwriter spends ~5 us a cell (argument checks, a cell tuple, a
    dimension check, then XML built attribute by attribute); the benefits
    workbook has 1.5 million cells, so that alone was ~8 s of its ~9 s.
    This writes the same bytes xlsxwriter would (tests/pmo/test_spreadsheets.py
    compares them for every kind of value) straight into the sheet's row
    file, and tells the sheet where its rows end. It relies on how
    xlsxwriter 3.x streams rows (the `fh` row file, `previous_row`,
    `dim_rowmax`); that test fails if an upgrade changes any of it."""

    def __init__(self, workbook, sheet, kinds: Sequence[str]):
        self.sheet = sheet
        self.formats = _formats(workbook)
        self.date_1904 = workbook.date_1904
        self.columns = [(xl_col_to_name(col), kind) for col, kind in enumerate(kinds)]
        self.style: dict[str, str] = {}  # kind -> ' s="n"', read at first use as xlsxwriter does
        self.serials: dict[datetime.date, str] = {}
        self.last_row = 0
        sheet._write_single_row(1)  # the header row goes out first, as it would by itself

    def write(self, r: int, row: Sequence) -> None:
        number = r + 1
        cells = []
        for (letter, kind), value in zip(self.columns, row, strict=True):
            if value is None or value == "":
                continue
            if kind != "text":
                if kind == "date":
                    if isinstance(value, datetime.date):
                        cells.append(
                            f'<c r="{letter}{number}"{self._style(kind)}>'
                            f"<v>{self._serial(value)}</v></c>"
                        )
                        continue
                elif isinstance(value, (Decimal, int, float)):
                    cells.append(
                        f'<c r="{letter}{number}"{self._style(kind)}><v>{float(value):.16G}</v></c>'
                    )
                    continue
            preserve, text = _inline_text(str(formula_safe(str(value))))
            cells.append(
                f'<c r="{letter}{number}" t="inlineStr"><is><t{preserve}>{text}</t></is></c>'
            )
        if cells:
            self.sheet.fh.write(f'<row r="{number}">{"".join(cells)}</row>')
            self.last_row = r

    def _style(self, kind: str) -> str:
        style = self.style.get(kind)
        if style is None:
            style = self.style[kind] = f' s="{self.formats[kind]._get_xf_index()}"'
        return style

    def _serial(self, value: datetime.date) -> str:
        serial = self.serials.get(value)
        if serial is None:
            plain = value.replace(tzinfo=None) if isinstance(value, datetime.datetime) else value
            excel = _datetime_to_excel_datetime(plain, self.date_1904, False)
            serial = self.serials[value] = f"{excel:.16G}"
        return serial

    def finish(self) -> None:
        sheet = self.sheet
        sheet.previous_row = max(sheet.previous_row, self.last_row)
        if self.last_row:
            sheet.dim_rowmax = max(sheet.dim_rowmax or 0, self.last_row)


def _inline_text(text: str) -> tuple[str, str]:
    """(the xml:space attribute, the escaped text) of an inline string, as
    xlsxwriter writes it, except that text shaped like "<r>...</r>" is
    escaped too (xlsxwriter would write it as raw rich-text XML)."""
    if len(text) > _STRING_MAX // 2:
        if _utf16_len(text) > _STRING_MAX:
            text = _utf16_truncate(text, _STRING_MAX)
    if not _NEEDS_ESCAPING.search(text):
        return "", text
    text = XMLwriter._escape_control_characters(text)
    preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
    return preserve, text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def new_workbook(buffer, *, constant_memory: bool = False):
    """An xlsxwriter workbook writing to `buffer`.

    constant_memory=True writes each row to a temporary file as soon as the
    next row starts (rows must then be written in order within a sheet, as
    SheetWriter does), so memory stays flat however long the export; strings
    are written inline rather than shared. The default keeps every cell in
    memory until close()."""
    import xlsxwriter

    # strings_to_formulas off: a string is never turned into a formula, even
    # if formula_safe were bypassed.
    options = {
        "in_memory": not constant_memory,
        "constant_memory": constant_memory,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    return xlsxwriter.Workbook(buffer, options)


# --- Reading real-world values -------------------------------------------

MONEY_RE = re.compile(r"^(?P<sign>-)?£?(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)(?P<unit>[kKmM])?$")
UNITS = {"k": Decimal(1000), "m": Decimal(1_000_000)}


@dataclass(frozen=True)
class MoneyUnit:
    """The unit a money column's header gives its figures: 305 under
    'Whole life cost (£m)' is £305,000,000.00."""

    label: str
    words: str
    factor: Decimal

    @property
    def example(self) -> Decimal:
        """What a bare 305 in this unit is in pounds, to show the user."""
        return Decimal(305) * self.factor


POUNDS = MoneyUnit("£", "pounds", Decimal(1))
THOUSANDS = MoneyUnit("£k", "thousands of pounds", Decimal(1000))
MILLIONS = MoneyUnit("£m", "millions of pounds", Decimal(1_000_000))
BILLIONS = MoneyUnit("£bn", "billions of pounds", Decimal(1_000_000_000))
MONEY_UNITS = {unit.label: unit for unit in (POUNDS, THOUSANDS, MILLIONS, BILLIONS)}
HEADER_UNIT_WORDS = {
    "": POUNDS,
    **dict.fromkeys(("k", "000", "000s", "'000", "'000s", "thousand", "thousands"), THOUSANDS),
    **dict.fromkeys(("m", "mn", "million", "millions"), MILLIONS),
    **dict.fromkeys(("bn", "billion", "billions"), BILLIONS),
}
HEADER_UNIT_RE = re.compile(
    r"^(?P<base>.*?)\s*[(\[]?\s*(?:in\s+)?£\s*(?P<unit>[a-z0-9']*)\s*[)\]]?$"
)


def header_money_unit(header: str) -> tuple[str, MoneyUnit | None]:
    """A normalised header without its money unit, and the unit:
    'capital (£m)' -> ('capital', MILLIONS); 'capital £k' -> ('capital', THOUSANDS);
    'capital (£)' -> ('capital', POUNDS); 'title' -> ('title', None)."""
    match = HEADER_UNIT_RE.match(header)
    if not match or match["unit"] not in HEADER_UNIT_WORDS:
        return header, None
    return match["base"], HEADER_UNIT_WORDS[match["unit"]]


def parse_money(text, unit: MoneyUnit = POUNDS) -> Decimal:
    """'£1,200.50' -> 1200.50; '1.2m' -> 1200000; '(500)' -> -500; '250k' -> 250000.

    A bare figure is in `unit` (the column header's: 305 in £m is
    305000000.00); a figure with its own k or m keeps it.
    Raises ValueError with a message a finance officer can act on.
    """
    if isinstance(text, (int, Decimal)):
        return (Decimal(text) * unit.factor).quantize(Decimal("0.01"))
    if isinstance(text, float):
        return (Decimal(str(text)) * unit.factor).quantize(Decimal("0.01"))
    raw = str(text).strip().replace(" ", "")
    negative = raw.startswith("(") and raw.endswith(")")
    if negative:
        raw = raw[1:-1]
    raw = raw.replace("-£", "-").replace("£-", "-")
    match = MONEY_RE.match(raw)
    if not match:
        raise ValueError(f"'{text}' is not an amount of money (for example £1,200.50 or 1.2m)")
    try:
        amount = Decimal(match["num"].replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount of money") from None
    amount *= UNITS[match["unit"].lower()] if match["unit"] else unit.factor
    if match["sign"] or negative:
        amount = -amount
    return amount.quantize(Decimal("0.01"))


# A time of day after a date: '2026-04-01T08:00:00' from an OData feed such as
# Project Online's, '01/04/2026 17:00' or '3/26/2012 8:00:00 AM' from a CSV.
TIME_OF_DAY_RE = re.compile(
    r"^(?P<date>\S+)(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]m)?$", re.IGNORECASE
)
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d %b %Y", "%d %B %Y", "%d.%m.%Y")


def parse_uk_date(text) -> datetime.date:
    """dd/mm/yyyy, d/m/yy, yyyy-mm-dd, '23 Nov 2026', or a real date; a time
    of day after the date is dropped, as every date column is a day."""
    if isinstance(text, datetime.datetime):
        return text.date()
    if isinstance(text, datetime.date):
        return text
    raw = str(text).strip()
    timed = TIME_OF_DAY_RE.match(raw)
    for candidate in (raw, timed["date"]) if timed else (raw,):
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    raise ValueError(f"'{text}' is not a date (use dd/mm/yyyy, for example 23/11/2026)")


MONTH_FORMATS = ("%B %Y", "%b %Y", "%b-%y", "%B-%y", "%m/%Y", "%Y-%m")


def parse_month(text) -> datetime.date:
    """'March 2023', 'Mar 2023', 'Mar-23', '03/2023' or any date -> 2023-03-01."""
    raw = " ".join(str(text).split()) if not isinstance(text, datetime.date) else text
    if isinstance(raw, str):
        for fmt in MONTH_FORMATS:
            try:
                return datetime.datetime.strptime(raw, fmt).date().replace(day=1)
            except ValueError:
                continue
    try:
        return parse_uk_date(raw).replace(day=1)
    except ValueError:
        raise ValueError(
            f"'{text}' is not a month (use, for example, March 2023 or 31/03/2023)"
        ) from None


FY_RE = re.compile(r"^(?:FY\s*)?(?P<start>\d{4})\s*[-/]\s*(?P<end>\d{2}|\d{4})$", re.IGNORECASE)


def parse_financial_year(text) -> int:
    """'2024-25', '2024/25', 'FY2024/2025' -> 2024 (the year it starts)."""
    match = FY_RE.match(str(text).strip())
    if not match:
        raise ValueError(f"'{text}' is not a financial year (use 2025/26)")
    start, end = int(match["start"]), int(match["end"])
    if end % 100 != (start + 1) % 100:
        raise ValueError(f"'{text}' is not a financial year: the years must be consecutive")
    return start


def normalise_header(text) -> str:
    """'  Project  Name ' -> 'project name': headers match whatever the case and spacing."""
    return " ".join(str(text or "").replace("_", " ").split()).lower()
