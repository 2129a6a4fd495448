"""Import benefits with their profiles from CSV, XLSX or XLS.

The same framework as the project import (portfolio/imports.py): the file is
read by its safety checks (size, zip bombs, encodings, formulas with no
stored result, .xls), its header row found and real-world headers accepted
(portfolio.import_columns.SheetSpec), and each row fed through a
django-import-export resource whose widgets are the project import's own.
Each benefit is created through `services.benefit_create`, the form's own
service, so an imported benefit obeys every rule a typed one does.

The preview runs exactly that, in a transaction it rolls back, so its
all-clear is what the import does; the import runs it again for real, all or
nothing. A recurring profile that looks cumulative (£1m, £2m, £3m) is not
guessed at: the preview shows the incremental reading and the user chooses.
"""

from __future__ import annotations

import base64
import datetime
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from import_export import fields, resources, widgets

from benefits import money, services
from benefits.models import BenefitStatus, BenefitType, Confidence, FinancialBenefit, Recurrence
from pmo.spreadsheets import normalise_header, parse_financial_year, parse_money
from portfolio import imports as framework
from portfolio.import_columns import ColumnSpec, SheetSpec
from portfolio.models import MTFPCategory, Project, ProjectType, Service

BENEFIT_COLUMNS = (
    ColumnSpec(
        "project",
        "Project reference",
        "TP-0001",
        ("project", "project ref", "reference", "tp reference"),
        required=True,
    ),
    ColumnSpec(
        "title",
        "Title",
        "Reduce agency spend",
        ("benefit", "benefit title", "benefit name", "saving"),
        required=True,
    ),
    ColumnSpec("benefit_type", "Type", "Cashable saving", ("benefit type",), required=True),
    ColumnSpec("recurrence", "Recurring or one-off", "Recurring", ("recurrence",), required=True),
    ColumnSpec(
        "mtfp_category",
        "MTFP category",
        "Service transformation",
        ("mtfp savings category", "savings category"),
        required=True,
    ),
    ColumnSpec(
        "directorate",
        "Benefiting directorate",
        "Resources",
        ("directorate", "department"),
        required=True,
    ),
    ColumnSpec("saving_kind", "Transformation or efficiency", "Efficiency"),
    ColumnSpec("is_disbenefit", "Dis-benefit", "No", ("disbenefit",)),
    ColumnSpec("service", "Benefiting service", "Customer Services", ("service",)),
    ColumnSpec("budget_code", "Budget code", "RES-1042", ("cost centre", "cost center")),
    ColumnSpec("owner", "Benefit owner", "Name, username or email", ("owner",)),
    ColumnSpec("baseline_value", "Baseline value", "£1,200,000", (), money=True),
    ColumnSpec("baseline_date", "Baseline date", "01/04/2025"),
    ColumnSpec("baseline_source", "Baseline source", "2025/26 budget book"),
    ColumnSpec("confidence", "Confidence", "On track"),
    ColumnSpec("status", "Status", "Identified", ("benefit status",)),
    ColumnSpec("fte_proposed", "FTE proposed", "2.5", ("fte", "fte reduction proposed")),
)
BENEFITS = SheetSpec("benefits", "Benefits", ("benefits", "benefit"), BENEFIT_COLUMNS, "title")
TEMPLATE_HEADERS = [(c.header, c.guidance, c.required) for c in BENEFIT_COLUMNS] + [
    ("Plan 2026/27", "£250,000 (one column per year, incremental)", False),
    ("Forecast 2026/27", "£250,000 (optional; defaults to the plan)", False),
]
YEAR_HEADER = re.compile(r"^(plan|forecast)\s+(.+?)(?:\s*\((?:incremental)\))?$")
READINGS = ("entered", "incremental")


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
    # What the import runs again for real: the file's rows and year columns.
    sheet: framework.Sheet | None = None
    years: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def new_token() -> str:
    return secrets.token_urlsafe(16)


def b64encode(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def b64decode(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


# --- Widgets the project import does not have ------------------------------------


class ProjectReferenceWidget(widgets.Widget):
    """A project by its reference, from the sheet's projects read in one
    query (BenefitResource.__init__)."""

    projects: dict[str, Project] = {}

    def clean(self, value, row=None, **kwargs):
        project = self.projects.get(framework.parse_reference(value or "") or "")
        if project is None:
            raise ValueError(f"No project has the reference '{value}'")
        return project


class PostsWidget(widgets.Widget):
    """A number of full-time posts, to two places."""

    def clean(self, value, row=None, **kwargs):
        if framework.is_blank(value):
            return Decimal("0")
        try:
            return Decimal(str(value).strip()).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValueError(f"'{value}' is not a number of posts") from None


def _field(attribute: str, widget) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=attribute, widget=widget)


def _choice(attribute: str, choices, noun: str) -> fields.Field:
    default = FinancialBenefit._meta.get_field(attribute).default
    return _field(attribute, framework.ChoiceWidget(choices, noun, blank=default))


class BenefitResource(resources.ModelResource):
    """One benefit a row, created through services.benefit_create with the
    plan and forecast of the row's year columns."""

    project = _field("project", ProjectReferenceWidget())
    title = framework.text_field("title")
    benefit_type = _choice("benefit_type", BenefitType.choices, "benefit type")
    recurrence = _choice("recurrence", Recurrence.choices, "recurring or one-off")
    mtfp_category = _choice("mtfp_category", MTFPCategory.choices, "MTFP category")
    saving_kind = _choice("saving_kind", ProjectType.choices, "transformation or efficiency")
    directorate = _field(
        "directorate", framework.DirectorateWidget(None, unknown="No directorate is called '{}'")
    )
    is_disbenefit = _field("is_disbenefit", framework.YesNoWidget())
    service = _field("service", framework.NamedWidget(Service, "service"))
    budget_code = framework.text_field("budget_code")
    owner = _field("owner", framework.PersonWidget(None, unknown="No user is called '{}'"))
    baseline_value = _field("baseline_value", framework.MoneyWidget())
    baseline_date = _field("baseline_date", framework.UKDateWidget())
    baseline_source = framework.text_field("baseline_source")
    confidence = _choice("confidence", Confidence.choices, "confidence")
    status = _choice("status", BenefitStatus.choices, "benefit status")
    fte_proposed = _field("fte_proposed", PostsWidget())

    class Meta:
        model = FinancialBenefit
        fields = [c.key for c in BENEFIT_COLUMNS]
        skip_diff = True

    def __init__(self, *, by, sheet, years, today, readings=None, warnings=None):
        super().__init__()
        self.by = by
        self.sheet = sheet
        self.years = years  # column key -> ('plan' or 'forecast', year)
        self.valid_years = money.mtfp_years(today)
        self.readings = readings
        self.warned = {w.row: w for w in warnings or ()}
        self.parsed: list[ParsedRow] = []
        references = {framework.parse_reference(v.get("project", "")) for _, v in sheet.rows}
        self.fields["project"].widget.projects = {
            p.reference: p for p in Project.objects.filter(reference__in=references - {None})
        }
        directorates = framework.Directorates()
        directory = framework.PeopleDirectory()
        self.fields["directorate"].widget.directorates = directorates
        self.fields["owner"].widget.directory = directory

    def get_instance(self, instance_loader, row):
        return None  # every row is a new benefit

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if not framework.is_blank(row.get(field.column_name)):
            super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for column in BENEFIT_COLUMNS:
            if column.required and framework.is_blank(row.get(column.key)):
                errors.setdefault(column.key, [f"Enter the {column.header.lower()}"])
        instance._plan, instance._forecast = {}, {}
        for key, (measure, year) in self.years.items():
            try:
                amount = self._amount(row.get(key), year, instance.is_disbenefit)
            except ValueError as exc:
                errors[key] = [str(exc)]
                continue
            if amount is not None:
                (instance._plan if measure == "plan" else instance._forecast)[year] = amount
        if not instance._plan and not any(
            self.years[k][0] == "plan" for k in errors if k in self.years
        ):
            errors["plan"] = ["Enter a plan for at least one year (columns such as 'Plan 2026/27')"]
        if errors:
            raise ValidationError(errors)

    def _amount(self, value, year: int, disbenefit: bool) -> Decimal | None:
        if framework.is_blank(value):
            return None
        amount = parse_money(value)
        if year not in self.valid_years:
            first, last = self.valid_years[0], self.valid_years[-1]
            raise ValueError(
                f"{money.fy_label(year)} is outside the MTFP range "
                f"({money.fy_label(first)} to {money.fy_label(last)})"
            )
        if amount < 0 and not disbenefit:
            raise ValueError("Enter an amount of £0 or more, or mark the benefit as a dis-benefit")
        return amount

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        number = int(row[framework.ROW])
        plan, forecast = instance._plan, instance._forecast or None
        warning = self.warned.get(number)
        if warning and self.readings.get(str(number)) == "incremental":
            plan = warning.reading
            if forecast is not None and money.looks_cumulative(forecast):
                forecast = money.looks_cumulative(forecast).incremental
        chosen = {
            f.attribute: getattr(instance, f.attribute)
            for f in self.get_import_fields()
            if f.column_name in self.sheet.headers
        }
        for required in ("project", "directorate"):
            chosen.setdefault(required, getattr(instance, required, None))
        services.benefit_create(by=self.by, plan=plan, forecast=forecast, **chosen)
        self.parsed.append(ParsedRow(number, chosen, dict(sorted(plan.items())), forecast))


# --- Reading, previewing and importing ---------------------------------------------


def read_benefits(name: str, content: bytes, *, today: datetime.date, by) -> Preview:
    """Check every row as the import will, and roll it back."""
    preview = Preview()
    try:
        tables = framework.check_upload_is_safe(name, content)
    except framework.ImportRefused as refusal:
        preview.errors.append(RowError(1, "", str(refusal)))
        return preview
    sheet = _sheet(tables, preview)
    if sheet is None:
        return preview
    preview.sheet = sheet
    with transaction.atomic():
        resource = _run(preview, today=today, by=by, readings={})
        transaction.set_rollback(True)
    preview.rows = resource.parsed
    for parsed in preview.rows:
        recurring = parsed.fields.get("recurrence", Recurrence.RECURRING) == Recurrence.RECURRING
        reading = money.looks_cumulative(parsed.plan) if recurring else None
        if reading:
            preview.warnings.append(
                Warning(
                    parsed.row,
                    parsed.fields["title"],
                    reading.kind,
                    parsed.plan,
                    reading.incremental,
                )
            )
    return preview


def commit(preview: Preview, *, readings: dict[str, str], by, today: datetime.date) -> list:
    """Create every row or none. `readings` maps a warned row number to
    'entered' (keep the figures as incremental) or 'incremental' (use the
    incremental reading)."""
    errors = list(preview.errors)
    for warning in preview.warnings:
        if readings.get(str(warning.row)) not in READINGS:
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
    with transaction.atomic():
        attempt = Preview(sheet=preview.sheet, years=preview.years, warnings=preview.warnings)
        resource = _run(attempt, today=today, by=by, readings=readings)
        if attempt.errors:
            transaction.set_rollback(True)
            raise ImportRefused(attempt.errors)
    return [parsed.row for parsed in resource.parsed]


def _sheet(tables, preview: Preview) -> framework.Sheet | None:
    """The first table with our headers: its rows by our keys, and its
    'Plan 2026/27' and 'Forecast 2026/27' columns."""
    for table_name, rows in tables:
        for index, row in enumerate(rows[: framework.HEADER_SEARCH_ROWS]):
            if BENEFITS.recognised(row) >= 2:
                return _build(table_name, index, rows, preview)
    preview.errors.append(
        RowError(
            1,
            "",
            "No benefits were found: the first rows must be column headers such as "
            "Project reference and Title (the table below lists them)",
        )
    )
    return None


def _build(table_name: str, index: int, rows, preview: Preview) -> framework.Sheet | None:
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for position, cell in enumerate(rows[index]):
        header = " ".join(str(cell).split())
        key, _unit = BENEFITS.match(header)
        match = YEAR_HEADER.match(normalise_header(header))
        if match:
            try:
                year = parse_financial_year(match[2])
            except ValueError as exc:
                preview.errors.append(RowError(index + 1, header, str(exc)))
                continue
            key = f"{match[1]}:{year}"
            preview.years[key] = (match[1], year)
        if key and key not in positions:
            positions[key] = position
            headers[key] = header
    for column in BENEFIT_COLUMNS:
        if column.required and column.key not in positions:
            preview.errors.append(
                RowError(index + 1, column.header, f"The column '{column.header}' is missing")
            )
    if preview.errors:
        return None
    data = []
    for number, cells in enumerate(rows[index + 1 :], start=index + 2):
        values = {
            key: framework.clean_text(cells[p]) if p < len(cells) else ""
            for key, p in positions.items()
        }
        if any(values.values()):
            data.append((number, values))
    return framework.Sheet("benefits", table_name or "Benefits", headers, data)


def _run(preview: Preview, *, today, by, readings) -> BenefitResource:
    sheet = preview.sheet
    keys = list(sheet.headers)
    dataset = tablib.Dataset(headers=[framework.ROW, *keys])
    for number, values in sheet.rows:
        dataset.append([number, *[values.get(k, "") for k in keys]])
    resource = BenefitResource(
        by=by,
        sheet=sheet,
        years=preview.years,
        today=today,
        readings=readings,
        warnings=preview.warnings,
    )
    result = resource.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=False)
    numbers = [number for number, _ in sheet.rows]
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            column = _column(sheet, key)
            for message in messages:
                message = framework.plain_message(message, column or "value")
                preview.errors.append(RowError(numbers[invalid.number - 1], column, message))
    for index, row_errors in result.row_errors():
        for error in row_errors:
            preview.errors.append(RowError(numbers[index - 1], "", str(error.error)))
    preview.errors.sort(key=lambda e: e.row)
    return resource


def _column(sheet: framework.Sheet, key: str) -> str:
    """The file's header for an error's field; a service rule's field may
    have no column of its own."""
    if key == NON_FIELD_ERRORS:
        return ""
    if key in sheet.headers:
        return sheet.headers[key]
    if key == "plan":
        return "Plan"
    known = {c.key: c.header for c in BENEFIT_COLUMNS}
    return known.get(key, key.replace("_", " "))
