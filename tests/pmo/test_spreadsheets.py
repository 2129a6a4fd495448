"""The streaming sheet writer writes the same workbook xlsxwriter would.

SheetWriter writes constant_memory rows as XML itself (xlsxwriter's own
per-cell path was most of the benefits export's time). These tests hold it
to xlsxwriter's bytes for every kind of value an export passes, so an
xlsxwriter upgrade that changes how rows are streamed fails here first.
"""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
from django.utils import timezone

from pmo.spreadsheets import Column, SheetWriter, _formats, _write, new_workbook

COLUMNS = [
    Column("Text"),
    Column("Money", "money"),
    Column("Date", "date"),
    Column("Integer", "integer"),
    Column("Number", "number"),
    Column("Percent", "percent"),
]

ROWS = [
    ["Plain", Decimal("1234.50"), datetime.date(2026, 11, 23), 7, Decimal("1.5"), 0.25],
    ['Fish & chips <b> "quoted"', Decimal("-0.01"), datetime.date(1900, 1, 1), 0, 0, 1],
    ["  padded  ", Decimal("999999999999.99"), datetime.date(1900, 3, 1), -3, 2.0, None],
    ["line\nbreak\n", Decimal("0"), datetime.datetime(2026, 4, 1, 9, 30), True, None, ""],
    ["=SUM(A1:A2)", 12, timezone.now(), None, None, None],
    ["\tTabbed", 1.1, None, "", 1 / 3, ""],
    ["-1", "not money", "not a date", "n/a", "n/a", "n/a"],
    ["bell\x07 and _x0041_ look-alike", None, None, None, None, None],
    [Decimal("12.30"), None, None, None, None, None],
    [None, None, None, None, None, None],  # an empty row writes nothing
    ["£ é 🙂 " + "x" * 40000, None, None, None, None, None],  # cut to Excel's limit
    ["Last", Decimal("3.33"), datetime.date(2027, 3, 31), 1, 1, 1],
    [None, "", None, None, None, None],  # a trailing empty row does not extend the sheet
]


def _streamed(rows) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, constant_memory=True)
    writers = [SheetWriter(workbook, title, COLUMNS) for title in ("First", "Second")]
    for row in rows:  # in turns, as the benefits export writes its sheets
        for writer in writers:
            writer.write(row)
    for writer in writers:
        writer.finish()
    workbook.close()
    return buffer.getvalue()


def _xlsxwriter_cells(rows) -> bytes:
    """The same sheets written cell by cell through xlsxwriter's own API."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, constant_memory=True)
    formats = _formats(workbook)
    sheets = [workbook.add_worksheet(title) for title in ("First", "Second")]
    for sheet in sheets:
        for col, column in enumerate(COLUMNS):
            sheet.write_string(0, col, column.header, formats["header"])
            sheet.set_column(col, col, column.width)
    for r, row in enumerate(rows, start=1):
        for sheet in sheets:
            for col, (column, value) in enumerate(zip(COLUMNS, row, strict=True)):
                _write(sheet, r, col, column.kind, value, formats)
    for sheet in sheets:
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(rows), len(COLUMNS) - 1)
    workbook.close()
    return buffer.getvalue()


def _parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        # core.xml holds the time the workbook was made.
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def test_streamed_rows_are_the_bytes_xlsxwriter_writes():
    streamed, reference = _parts(_streamed(ROWS)), _parts(_xlsxwriter_cells(ROWS))

    assert streamed.keys() == reference.keys()
    for name in reference:
        assert streamed[name] == reference[name], name


def test_streamed_sheet_keeps_values_formats_and_no_formulas():
    workbook = openpyxl.load_workbook(io.BytesIO(_streamed(ROWS)))
    sheet = workbook["First"]

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:F{len(ROWS) + 1}"
    assert sheet.max_row == len(ROWS)  # the trailing empty row is not written
    assert sheet["A2"].value == "Plain"
    assert sheet["B2"].value == 1234.5
    assert sheet["B2"].number_format == "£#,##0.00;-£#,##0.00"
    assert sheet["C2"].value == datetime.datetime(2026, 11, 23)
    assert sheet["C2"].number_format == "dd mmm yyyy"
    assert sheet["A3"].value == 'Fish & chips <b> "quoted"'
    assert sheet["A6"].value == "'=SUM(A1:A2)"
    assert sheet["A7"].value == "'\tTabbed"
    assert sheet["A8"].value == "'-1"
    assert sheet["A10"].value == "12.30"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_text_shaped_like_rich_text_stays_text():
    # xlsxwriter writes an inline string that starts "<r>" and ends "</r>"
    # as raw XML; the streamed sheet escapes it like any other text.
    row = ["<r><t>injected</t></r>", None, None, None, None, None]

    sheet = openpyxl.load_workbook(io.BytesIO(_streamed([row])))["First"]

    assert sheet["A2"].value == "<r><t>injected</t></r>"
