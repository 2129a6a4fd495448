"""The finance export: one workbook (and a CSV per sheet) that the MTFP is
built from. Every money column says its view in its header: "(incremental)"
for the new saving first achieved in the year, "(budget effect)" for the
full-year saving in that year's budget.

Sheets that add up (year profile, budget effect, MTFP category x year) list
each saving once: a benefit marked as a duplicate appears in the register
and the ledger, with the benefit it is counted under, but not in the sums.
`benefits_workbook()` is shared with the monthly finance report.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from benefits import money
from benefits.models import ZERO, BenefitActual, BenefitYear, FinancialBenefit
from pmo.spreadsheets import Column, add_sheet, csv_bytes, new_workbook
from portfolio.models import MTFPCategory

MEASURES = ("plan", "forecast", "actual")


def _years(today: datetime.date, data_years) -> list[int]:
    span = set(money.mtfp_years(today)) | set(data_years)
    return list(range(min(span), max(span) + 1))


class Book:
    """The figures every sheet draws on, read once (four queries)."""

    def __init__(self, today: datetime.date, queryset=None):
        qs = FinancialBenefit.objects.all() if queryset is None else queryset
        self.benefits = list(
            qs.select_related(
                "project",
                "project__lead_directorate",
                "directorate",
                "service",
                "owner",
                "duplicate_of",
            ).order_by("project__number", "pk")
        )
        ids = [b.pk for b in self.benefits]
        self.amounts: dict[int, dict[str, dict[int, Decimal]]] = defaultdict(
            lambda: {m: {} for m in MEASURES}
        )
        self.signed_off: dict[int, dict[int, BenefitYear]] = defaultdict(dict)
        data_years = set()
        for row in BenefitYear.objects.filter(benefit_id__in=ids).select_related("signed_off_by"):
            self.amounts[row.benefit_id]["plan"][row.year] = row.plan
            self.amounts[row.benefit_id]["forecast"][row.year] = row.forecast
            if row.is_signed_off:
                self.signed_off[row.benefit_id][row.year] = row
            data_years.add(row.year)
        for benefit_id, year, amount in (
            BenefitActual.objects.filter(benefit_id__in=ids)
            .order_by()
            .values("benefit_id", "year")
            .annotate(total=Sum("amount"))
            .values_list("benefit_id", "year", "total")
        ):
            self.amounts[benefit_id]["actual"][year] = amount
            data_years.add(year)
        self.years = _years(today, data_years)
        self.ledger = list(
            BenefitActual.objects.filter(benefit_id__in=ids)
            .select_related("benefit", "benefit__project", "entered_by")
            .order_by("benefit__project__number", "benefit_id", "month", "pk")
        )

    @property
    def counted(self):
        return [b for b in self.benefits if b.duplicate_of_id is None]

    def incremental(self, benefit, measure) -> dict[int, Decimal]:
        values = self.amounts[benefit.pk][measure]
        return {y: values.get(y, ZERO) for y in self.years}

    def budget_effect(self, benefit, measure) -> dict[int, Decimal]:
        return money.full_year_effect(
            self.incremental(benefit, measure), recurring=benefit.is_recurring, years=self.years
        )


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def register_sheet(book: Book):
    columns = [
        Column("Benefit reference"),
        Column("Project reference"),
        Column("Project"),
        Column("Benefit"),
        Column("Type"),
        Column("Recurring or one-off"),
        Column("MTFP category"),
        Column("Transformation or efficiency"),
        Column("Dis-benefit"),
        Column("Delivering directorate"),
        Column("Benefiting directorate"),
        Column("Benefiting service"),
        Column("Budget code"),
        Column("Benefit owner"),
        Column("Baseline value", "money"),
        Column("Baseline date", "date"),
        Column("Baseline source"),
        Column("Confidence"),
        Column("Status"),
        Column("FTE proposed", "number"),
        Column("FTE confirmed", "number"),
        Column("Plan approved", "date"),
        Column("Counted in totals"),
        Column("Plan total (incremental)", "money"),
        Column("Forecast total (incremental)", "money"),
        Column("Actual total (incremental)", "money"),
        Column("Write-off reason"),
    ]
    rows = []
    for b in book.benefits:
        totals = [money.total(book.incremental(b, m)) for m in MEASURES]
        rows.append(
            [
                b.reference,
                b.project.reference,
                b.project.title,
                b.title,
                b.get_benefit_type_display(),
                b.get_recurrence_display(),
                b.get_mtfp_category_display(),
                b.get_saving_kind_display(),
                "Yes" if b.is_disbenefit else "No",
                b.project.lead_directorate.name,
                b.directorate.name,
                b.service.name if b.service else "",
                b.budget_code,
                _name(b.owner),
                b.baseline_value,
                b.baseline_date,
                b.baseline_source,
                b.get_confidence_display(),
                b.get_status_display(),
                b.fte_proposed,
                b.fte_confirmed,
                timezone.localdate(b.plan_approved_at) if b.plan_approved_at else None,
                "Yes"
                if b.duplicate_of_id is None
                else f"No: counted under {b.duplicate_of.reference}",
                *totals,
                b.written_off_reason,
            ]
        )
    return columns, rows


def _profile_sheet(book: Book, view: str):
    label = "incremental" if view == "incremental" else "budget effect"
    columns = [
        Column("Benefit reference"),
        Column("Project reference"),
        Column("Benefit"),
        Column("Recurring or one-off"),
        Column("MTFP category"),
        Column("Benefiting directorate"),
    ]
    for measure in MEASURES:
        for year in book.years:
            columns.append(
                Column(f"{measure.capitalize()} {money.fy_label(year)} ({label})", "money")
            )
    rows = []
    for b in book.counted:
        row = [
            b.reference,
            b.project.reference,
            b.title,
            b.get_recurrence_display(),
            b.get_mtfp_category_display(),
            b.directorate.name,
        ]
        for measure in MEASURES:
            values = (
                book.incremental(b, measure)
                if view == "incremental"
                else book.budget_effect(b, measure)
            )
            row += [values[y] for y in book.years]
        rows.append(row)
    return columns, rows


def year_profile_sheet(book: Book):
    return _profile_sheet(book, "incremental")


def budget_effect_sheet(book: Book):
    return _profile_sheet(book, "budget_effect")


def ledger_sheet(book: Book):
    columns = [
        Column("Benefit reference"),
        Column("Project reference"),
        Column("Benefit"),
        Column("Month", "date"),
        Column("Financial year"),
        Column("Amount (incremental)", "money"),
        Column("Evidence"),
        Column("Adjustment after sign-off"),
        Column("Reason for adjustment"),
        Column("Entered by"),
        Column("Entered on", "date"),
        Column("Year signed off by"),
        Column("Counted in totals"),
    ]
    rows = []
    for a in book.ledger:
        signed = book.signed_off.get(a.benefit_id, {}).get(a.year)
        rows.append(
            [
                a.benefit.reference,
                a.benefit.project.reference,
                a.benefit.title,
                a.month,
                money.fy_label(a.year),
                a.amount,
                a.evidence,
                "Yes" if a.is_adjustment else "No",
                a.reason,
                _name(a.entered_by),
                timezone.localtime(a.entered_at).date(),
                _name(signed.signed_off_by) if signed else "",
                "Yes" if a.benefit.duplicate_of_id is None else "No",
            ]
        )
    return columns, rows


def mtfp_sheet(book: Book):
    """MTFP category x year, incremental, each saving once, with a total row."""
    columns = [Column("MTFP category")]
    for measure in MEASURES:
        for year in book.years:
            columns.append(
                Column(f"{measure.capitalize()} {money.fy_label(year)} (incremental)", "money")
            )
    sums: dict[str, list[Decimal]] = {}
    width = len(MEASURES) * len(book.years)
    for b in book.counted:
        values = [v for m in MEASURES for v in book.incremental(b, m).values()]
        current = sums.setdefault(b.mtfp_category, [ZERO] * width)
        sums[b.mtfp_category] = [c + v for c, v in zip(current, values, strict=True)]
    rows = []
    total = [ZERO] * width
    for value, label in MTFPCategory.choices:
        if value in sums:
            rows.append([label, *sums[value]])
            total = [t + v for t, v in zip(total, sums[value], strict=True)]
    rows.append(["Total", *total])
    return columns, rows


SHEETS = {
    "register": ("Register", register_sheet),
    "year-profile": ("Year profile (incremental)", year_profile_sheet),
    "budget-effect": ("Budget effect", budget_effect_sheet),
    "actuals": ("Actuals ledger", ledger_sheet),
    "mtfp-category": ("MTFP category x year", mtfp_sheet),
}


def benefits_workbook(*, today: datetime.date | None = None, queryset=None) -> bytes:
    """The XLSX bytes: register, year profile (incremental), budget effect,
    actuals ledger, MTFP category x year. Reused by the monthly finance report."""
    book = Book(today or timezone.localdate(), queryset)
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    for title, builder in SHEETS.values():
        columns, rows = builder(book)
        add_sheet(workbook, title, columns, rows)
    workbook.close()
    return buffer.getvalue()


def sheet_csv(slug: str, *, today: datetime.date | None = None) -> bytes:
    _title, builder = SHEETS[slug]
    columns, rows = builder(Book(today or timezone.localdate()))
    return csv_bytes(columns, rows)
