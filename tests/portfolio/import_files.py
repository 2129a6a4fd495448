"""Spreadsheets built in the tests, the way councils write them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

# An Excel 97-2003 workbook as a department publishes it (made once with xlwt).
XLS_FILE = Path(__file__).parent / "files" / "published-portfolio.xls"


def csv_file(rows: list[list], *, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(sheets: dict[str, list[list]], *, text_cells: bool = True) -> bytes:
    """Each sheet's rows; with text_cells, strings that start with '=' are
    kept as text (as Excel does for a cell typed with a leading apostrophe)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c, value=value)
                if text_cells and isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
