"""Import benefits with their profiles from CSV or XLSX.

Preview first, with every row error named by row and column; then an
all-or-nothing commit through the same service the form uses
(services.benefit_create), so an imported benefit obeys every rule a typed
one does. A recurring profile that looks cumulative (£1m, £2m, £3m) is not
guessed at: the preview shows the incremental reading and the user chooses.
"""

from __future__ import annotations

import base64
import csv
import datetime
import io
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from benefits import money, services
from benefits.models import (
    BenefitStatus,
    BenefitType,
    Confidence,
    Recurrence,
)
from pmo.spreadsheets import normalise_header, parse_financial_year, parse_money, parse_uk_date
from portfolio.models import Directorate, MTFPCategory, Project, ProjectType, Service

User = get_user_model()

TEMPLATE_HEADERS = [
    ("Project reference", "TP-0001", True),
    ("Title", "Reduce agency spend", True),
    ("Type", "Cashable saving", True),
    ("Recurring or one-off", "Recurring", True),
    ("MTFP category", "Service transformation", True),
    ("Benefiting directorate", "Resources", True),
    ("Transformation or efficiency", "Efficiency", False),
    ("Dis-benefit", "No", False),
    ("Benefiting service", "Customer Services", False),
    ("Budget code", "RES-1042", False),
    ("Benefit owner", "username", False),
    ("Baseline value", "£1,200,000", False),
    ("Baseline date", "01/04/2025", False),
    ("Baseline source", "2025/26 budget book", False),
    ("Confidence", "On track", False),
    ("Status", "Identified", False),
    ("FTE proposed", "2.5", False),
    ("Plan 2026/27", "£250,000 (one column per year, incremental)", False),
    ("Forecast 2026/27", "£250,000 (optional; defaults to the plan)", False),
]
REQUIRED = [h for h, _example, required in TEMPLATE_HEADERS if required]
YEAR_HEADER = re.compile(r"^(plan|forecast)\s+(.+?)(?:\s*\((?:incremental)\))?$")


class ImportRefused(Exception):
    def __init__(self, errors):
        super().__init__("The import was refused")
        self.errors = errors


@dataclass
class RowError:
    row: int
    column: str
    message: str
    reading: bool = False  # the user has still to choose how to read the profile


@dataclass
class Warning:
    row: int
    title: str
    kind: str
    entered: dict[int, Decimal]
    reading: dict[int, Decimal]

    @property
    def entered_text(self) -> str:
        return ", ".join(f"{money.fy_label(y)} £{v:,.0f}" for y, v in self.entered.items() if v)

    @property
    def reading_text(self) -> str:
        return ", ".join(f"{money.fy_label(y)} £{v:,.0f}" for y, v in self.reading.items())

    @property
    def explanation(self) -> str:
        if self.kind == "cumulative":
            return "The same step is added each year, as if the figures were money saved to date."
        return "The same amount repeats each year, as if the figures were the budget effect."


@dataclass
class ParsedRow:
    row: int
    fields: dict
    plan: dict[int, Decimal]
    forecast: dict[int, Decimal] | None


@dataclass
class Preview:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    commit_errors: list[RowError] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    token: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def new_token() -> str:
    return secrets.token_urlsafe(16)


def b64encode(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def b64decode(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _table(name: str, content: bytes) -> list[list]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if name.lower().endswith(".csv"):
        text = content.decode("utf-8-sig", errors="replace")
        return [row for row in csv.reader(io.StringIO(text))]
    raise ValueError("Upload a .csv or .xlsx file")


def _choice(value, choices, column):
    raw = normalise_header(value)
    for key, label in choices:
        if raw in (normalise_header(key), normalise_header(label)):
            return key
    allowed = ", ".join(label for _k, label in choices)
    raise ValueError(f"'{value}' is not one of: {allowed}")


def read_benefits(name: str, content: bytes, *, today: datetime.date) -> Preview:
    preview = Preview()
    try:
        table = _table(name, content)
    except Exception as exc:  # a corrupt workbook raises many kinds of error
        preview.errors.append(RowError(1, "", f"The file could not be read: {exc}"))
        return preview
    table = [r for r in table if any(c not in (None, "") for c in r)]
    if not table:
        preview.errors.append(RowError(1, "", "The file is empty"))
        return preview
    headers = [normalise_header(h) for h in table[0]]
    original = {normalise_header(h): str(h) for h in table[0] if h}
    missing = [h for h in REQUIRED if normalise_header(h) not in headers]
    for header in missing:
        preview.errors.append(RowError(1, header, f"The column '{header}' is missing"))
    year_columns: dict[int, tuple[str, int]] = {}
    for index, header in enumerate(headers):
        match = YEAR_HEADER.match(header)
        if match:
            try:
                year = parse_financial_year(match[2])
            except ValueError as exc:
                preview.errors.append(RowError(1, original.get(header, header), str(exc)))
                continue
            year_columns[index] = (match[1], year)
    if missing:
        return preview
    projects = {p.reference.upper(): p for p in Project.objects.all()}
    directorates = {normalise_header(d.name): d for d in Directorate.objects.all()}
    services_by_name = {normalise_header(s.name): s for s in Service.objects.all()}
    users = {u.username.lower(): u for u in User.objects.all()}
    valid_years = money.mtfp_years(today)
    for number, values in enumerate(table[1:], start=2):
        cells = dict(zip(headers, values, strict=False))
        errors: list[RowError] = []

        def cell(header, _cells=cells):
            value = _cells.get(normalise_header(header))
            return "" if value is None else (value.strip() if isinstance(value, str) else value)

        def fail(header, message, _number=number, _errors=errors):
            _errors.append(RowError(_number, header, message))

        fields: dict = {}
        project = projects.get(str(cell("Project reference")).upper())
        if project is None:
            fail("Project reference", f"No project has the reference '{cell('Project reference')}'")
        fields["project"] = project
        fields["title"] = str(cell("Title"))
        if not fields["title"]:
            fail("Title", "Enter the benefit's title")
        for header, name, choices in (
            ("Type", "benefit_type", BenefitType.choices),
            ("Recurring or one-off", "recurrence", Recurrence.choices),
            ("MTFP category", "mtfp_category", MTFPCategory.choices),
            ("Transformation or efficiency", "saving_kind", ProjectType.choices),
            ("Confidence", "confidence", Confidence.choices),
            ("Status", "status", BenefitStatus.choices),
        ):
            value = cell(header)
            if value in ("", None):
                continue
            try:
                fields[name] = _choice(value, choices, header)
            except ValueError as exc:
                fail(header, str(exc))
        directorate = directorates.get(normalise_header(cell("Benefiting directorate")))
        if directorate is None:
            fail(
                "Benefiting directorate",
                f"No directorate is called '{cell('Benefiting directorate')}'",
            )
        fields["directorate"] = directorate
        if cell("Benefiting service"):
            service = services_by_name.get(normalise_header(cell("Benefiting service")))
            if service is None:
                fail("Benefiting service", f"No service is called '{cell('Benefiting service')}'")
            fields["service"] = service
        fields["is_disbenefit"] = normalise_header(cell("Dis-benefit")) in ("yes", "y", "true", "1")
        fields["budget_code"] = str(cell("Budget code") or "")
        if cell("Benefit owner"):
            owner = users.get(str(cell("Benefit owner")).lower())
            if owner is None:
                fail("Benefit owner", f"No user has the username '{cell('Benefit owner')}'")
            fields["owner"] = owner
        if cell("Baseline value") not in ("", None):
            try:
                fields["baseline_value"] = parse_money(cell("Baseline value"))
            except ValueError as exc:
                fail("Baseline value", str(exc))
        if cell("Baseline date") not in ("", None):
            try:
                fields["baseline_date"] = parse_uk_date(cell("Baseline date"))
            except ValueError as exc:
                fail("Baseline date", str(exc))
        fields["baseline_source"] = str(cell("Baseline source") or "")
        if cell("FTE proposed") not in ("", None):
            try:
                fields["fte_proposed"] = Decimal(str(cell("FTE proposed"))).quantize(
                    Decimal("0.01")
                )
            except ArithmeticError:
                fail("FTE proposed", f"'{cell('FTE proposed')}' is not a number of posts")
        plan: dict[int, Decimal] = {}
        forecast: dict[int, Decimal] = {}
        for index, (measure, year) in year_columns.items():
            raw = values[index] if index < len(values) else None
            if raw in (None, ""):
                continue
            header = original.get(headers[index], headers[index])
            try:
                amount = parse_money(raw)
            except ValueError as exc:
                fail(header, str(exc))
                continue
            if year not in valid_years:
                fail(
                    header,
                    f"{money.fy_label(year)} is outside the MTFP range "
                    f"({money.fy_label(valid_years[0])} to {money.fy_label(valid_years[-1])})",
                )
                continue
            if amount < 0 and not fields["is_disbenefit"]:
                fail(header, "Enter an amount of £0 or more, or mark the benefit as a dis-benefit")
                continue
            (plan if measure == "plan" else forecast)[year] = amount
        if not plan:
            fail("Plan", "Enter a plan for at least one year (columns such as 'Plan 2026/27')")
        preview.errors.extend(errors)
        if errors:
            continue
        parsed = ParsedRow(number, fields, plan, forecast or None)
        preview.rows.append(parsed)
        if fields.get("recurrence", Recurrence.RECURRING) == Recurrence.RECURRING:
            reading = money.looks_cumulative(plan)
            if reading:
                preview.warnings.append(
                    Warning(
                        number,
                        fields["title"],
                        reading.kind,
                        dict(sorted(plan.items())),
                        reading.incremental,
                    )
                )
    return preview


def commit(preview: Preview, *, readings: dict[str, str], by) -> list:
    """Create every row or none. `readings` maps a warned row number to
    'entered' (keep the figures as incremental) or 'incremental' (use the
    incremental reading)."""
    errors = list(preview.errors)
    for warning in preview.warnings:
        if readings.get(str(warning.row)) not in ("entered", "incremental"):
            errors.append(
                RowError(
                    warning.row,
                    "Plan",
                    "Choose how to read this profile: as entered, or as the incremental reading",
                    reading=True,
                )
            )
    if errors:
        raise ImportRefused(errors)
    warned = {w.row: w for w in preview.warnings}
    created = []
    try:
        with transaction.atomic():
            for parsed in preview.rows:
                plan = parsed.plan
                forecast = parsed.forecast
                warning = warned.get(parsed.row)
                if warning and readings.get(str(parsed.row)) == "incremental":
                    plan = warning.reading
                    if forecast is not None and money.looks_cumulative(forecast):
                        forecast = money.looks_cumulative(forecast).incremental
                try:
                    created.append(
                        services.benefit_create(
                            by=by, plan=plan, forecast=forecast, **parsed.fields
                        )
                    )
                except ValidationError as exc:
                    for key, messages in exc.message_dict.items():
                        for message in messages:
                            errors.append(RowError(parsed.row, key.replace("_", " "), message))
            if errors:
                raise ImportRefused(errors)
    except ImportRefused:
        raise
    return created
