"""Spreadsheets built in the tests, the way councils write them."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
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


class _PostForm(HTMLParser):
    """What a browser would send from a page's POST form, untouched."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._first_option: str | None = None
        self._chosen = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = (attrs.get("method") or "").lower() == "post"
        elif not self._in_form or not attrs.get("name") and tag != "option":
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            if kind not in ("submit", "button"):
                self.values.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self._select, self._first_option, self._chosen = attrs["name"], None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs and not self._chosen:
                self.values.append((self._select, value))
                self._chosen = True

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._chosen and self._first_option is not None:
                self.values.append((self._select, self._first_option))
            self._select = None
        elif tag == "form":
            self._in_form = False


def post_form_values(page: str) -> dict[str, str]:
    parser = _PostForm()
    parser.feed(page)
    return dict(parser.values)
