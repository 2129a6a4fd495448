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
from typing import NamedTuple

from django.db.models import Max, Min, Sum
from django.utils import timezone

from benefits import money
from benefits.models import (
    ZERO,
    BenefitActual,
    BenefitStatus,
    BenefitType,
    BenefitYear,
    Confidence,
    FinancialBenefit,
    Recurrence,
)
from pmo.spreadsheets import Column, SheetWriter, add_sheet, csv_bytes, new_workbook
from portfolio.models import MTFPCategory, ProjectType

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


REGISTER_COLUMNS = [
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


class Facts(NamedTuple):
    """What the register and profile sheets show of one benefit: read as
    narrow values (FACT_FIELDS) by the streaming export, or taken from a
    model instance by the Book, so both write the same rows."""

    pk: int
    project_reference: str
    project_title: str
    title: str
    benefit_type: str
    recurrence: str
    mtfp_category: str
    saving_kind: str
    is_disbenefit: bool
    lead_directorate: str
    directorate: str
    service: str | None
    budget_code: str
    owner_first_name: str | None
    owner_last_name: str | None
    owner_username: str | None
    baseline_value: Decimal | None
    baseline_date: datetime.date | None
    baseline_source: str
    confidence: str
    status: str
    fte_proposed: Decimal
    fte_confirmed: Decimal
    plan_approved_at: datetime.datetime | None
    duplicate_of_id: int | None
    written_off_reason: str

    @property
    def reference(self) -> str:
        return f"B-{self.pk:05d}"

    @property
    def is_recurring(self) -> bool:
        return self.recurrence == Recurrence.RECURRING


FACT_FIELDS = (
    "pk",
    "project__reference",
    "project__title",
    "title",
    "benefit_type",
    "recurrence",
    "mtfp_category",
    "saving_kind",
    "is_disbenefit",
    "project__lead_directorate__name",
    "directorate__name",
    "service__name",
    "budget_code",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "baseline_value",
    "baseline_date",
    "baseline_source",
    "confidence",
    "status",
    "fte_proposed",
    "fte_confirmed",
    "plan_approved_at",
    "duplicate_of_id",
    "written_off_reason",
)


def _facts_of(b: FinancialBenefit) -> Facts:
    owner = b.owner
    return Facts(
        b.pk,
        b.project.reference,
        b.project.title,
        b.title,
        b.benefit_type,
        b.recurrence,
        b.mtfp_category,
        b.saving_kind,
        b.is_disbenefit,
        b.project.lead_directorate.name,
        b.directorate.name,
        b.service.name if b.service else None,
        b.budget_code,
        owner.first_name if owner else None,
        owner.last_name if owner else None,
        owner.username if owner else None,
        b.baseline_value,
        b.baseline_date,
        b.baseline_source,
        b.confidence,
        b.status,
        b.fte_proposed,
        b.fte_confirmed,
        b.plan_approved_at,
        b.duplicate_of_id,
        b.written_off_reason,
    )


LABELS = {
    "benefit_type": dict(BenefitType.choices),
    "recurrence": dict(Recurrence.choices),
    "mtfp_category": dict(MTFPCategory.choices),
    "saving_kind": dict(ProjectType.choices),
    "confidence": dict(Confidence.choices),
    "status": dict(BenefitStatus.choices),
}


def _label(name: str, value: str) -> str:
    return LABELS[name].get(value, value)


def _owner_name(f: Facts) -> str:
    if f.owner_username is None:
        return ""
    return f"{f.owner_first_name} {f.owner_last_name}".strip() or f.owner_username


def _register_row(f: Facts, totals: list[Decimal]) -> list:
    return [
        f.reference,
        f.project_reference,
        f.project_title,
        f.title,
        _label("benefit_type", f.benefit_type),
        _label("recurrence", f.recurrence),
        _label("mtfp_category", f.mtfp_category),
        _label("saving_kind", f.saving_kind),
        "Yes" if f.is_disbenefit else "No",
        f.lead_directorate,
        f.directorate,
        f.service or "",
        f.budget_code,
        _owner_name(f),
        f.baseline_value,
        f.baseline_date,
        f.baseline_source,
        _label("confidence", f.confidence),
        _label("status", f.status),
        f.fte_proposed,
        f.fte_confirmed,
        timezone.localdate(f.plan_approved_at) if f.plan_approved_at else None,
        "Yes" if f.duplicate_of_id is None else f"No: counted under B-{f.duplicate_of_id:05d}",
        *totals,
        f.written_off_reason,
    ]


def _profile_columns(years: list[int], view: str) -> list[Column]:
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
        for year in years:
            columns.append(
                Column(f"{measure.capitalize()} {money.fy_label(year)} ({label})", "money")
            )
    return columns


def _profile_row(f: Facts, values: list[dict[int, Decimal]], years: list[int]) -> list:
    row = [
        f.reference,
        f.project_reference,
        f.title,
        _label("recurrence", f.recurrence),
        _label("mtfp_category", f.mtfp_category),
        f.directorate,
    ]
    for by_year in values:
        row += [by_year[y] for y in years]
    return row


def register_sheet(book: Book):
    columns = REGISTER_COLUMNS
    rows = [
        _register_row(_facts_of(b), [money.total(book.incremental(b, m)) for m in MEASURES])
        for b in book.benefits
    ]
    return columns, rows


def _profile_sheet(book: Book, view: str):
    effect = view != "incremental"
    rows = [
        _profile_row(
            _facts_of(b),
            [book.budget_effect(b, m) if effect else book.incremental(b, m) for m in MEASURES],
            book.years,
        )
        for b in book.counted
    ]
    return _profile_columns(book.years, view), rows


def year_profile_sheet(book: Book):
    return _profile_sheet(book, "incremental")


def budget_effect_sheet(book: Book):
    return _profile_sheet(book, "budget_effect")


LEDGER_COLUMNS = [
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
LEDGER_FIELDS = (
    "benefit_id",
    "benefit__project__reference",
    "benefit__title",
    "month",
    "year",
    "amount",
    "evidence",
    "is_adjustment",
    "reason",
    "entered_by__first_name",
    "entered_by__last_name",
    "entered_by__username",
    "entered_at",
    "benefit__duplicate_of_id",
)


def _person(first: str | None, last: str | None, username: str | None) -> str:
    if username is None:
        return ""
    return f"{first} {last}".strip() or username


def _ledger_row(row: tuple, signed: dict[tuple[int, int], str]) -> list:
    (benefit_id, project_reference, title, month, year, amount, evidence, is_adjustment) = row[:8]
    (reason, first, last, username, entered_at, duplicate_of_id) = row[8:]
    return [
        f"B-{benefit_id:05d}",
        project_reference,
        title,
        month,
        money.fy_label(year),
        amount,
        evidence,
        "Yes" if is_adjustment else "No",
        reason,
        _person(first, last, username),
        timezone.localtime(entered_at).date(),
        signed.get((benefit_id, year), ""),
        "Yes" if duplicate_of_id is None else "No",
    ]


def _signed_off_names(queryset) -> dict[tuple[int, int], str]:
    """{(benefit id, year): who signed it off} for the signed-off years."""
    return {
        (benefit_id, year): _person(first, last, username)
        for benefit_id, year, first, last, username in BenefitYear.objects.filter(
            benefit__in=queryset.values("pk"), signed_off_at__isnull=False
        ).values_list(
            "benefit_id",
            "year",
            "signed_off_by__first_name",
            "signed_off_by__last_name",
            "signed_off_by__username",
        )
    }


def ledger_sheet(book: Book):
    signed = {
        (benefit_id, year): _name(row.signed_off_by)
        for benefit_id, years in book.signed_off.items()
        for year, row in years.items()
    }
    rows = [
        _ledger_row(
            (
                a.benefit_id,
                a.benefit.project.reference,
                a.benefit.title,
                a.month,
                a.year,
                a.amount,
                a.evidence,
                a.is_adjustment,
                a.reason,
                a.entered_by.first_name,
                a.entered_by.last_name,
                a.entered_by.username,
                a.entered_at,
                a.benefit.duplicate_of_id,
            ),
            signed,
        )
        for a in book.ledger
    ]
    return LEDGER_COLUMNS, rows


def _mtfp_table(sums: dict[str, list[Decimal]], years: list[int]):
    """MTFP category x year from {category: [plan years, forecast years,
    actual years]}, in the categories' order, with a total row."""
    columns = [Column("MTFP category")]
    for measure in MEASURES:
        for year in years:
            columns.append(
                Column(f"{measure.capitalize()} {money.fy_label(year)} (incremental)", "money")
            )
    rows = []
    total = [ZERO] * (len(MEASURES) * len(years))
    for value, label in MTFPCategory.choices:
        if value in sums:
            rows.append([label, *sums[value]])
            total = [t + v for t, v in zip(total, sums[value], strict=True)]
    rows.append(["Total", *total])
    return columns, rows


def mtfp_sheet(book: Book):
    """MTFP category x year, incremental, each saving once, with a total row."""
    sums: dict[str, list[Decimal]] = {}
    width = len(MEASURES) * len(book.years)
    for b in book.counted:
        values = [v for m in MEASURES for v in book.incremental(b, m).values()]
        current = sums.setdefault(b.mtfp_category, [ZERO] * width)
        sums[b.mtfp_category] = [c + v for c, v in zip(current, values, strict=True)]
    return _mtfp_table(sums, book.years)


SHEETS = {
    "register": ("Register", register_sheet),
    "year-profile": ("Year profile (incremental)", year_profile_sheet),
    "budget-effect": ("Budget effect", budget_effect_sheet),
    "actuals": ("Actuals ledger", ledger_sheet),
    "mtfp-category": ("MTFP category x year", mtfp_sheet),
}


CHUNK = 2000


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def benefits_workbook(*, today: datetime.date | None = None, queryset=None) -> bytes:
    """The XLSX bytes: register, year profile (incremental), budget effect,
    actuals ledger, MTFP category x year. The same sheets as SHEETS (shared
    with the monthly finance report, which builds them from a Book), but
    streamed: benefits are read in chunks of narrow values, the first three
    sheets are written a row at a time in turns, and xlsxwriter's
    constant_memory mode puts each row on disk as it goes, so memory stays
    flat however long the book."""
    today = today or timezone.localdate()
    qs = FinancialBenefit.objects.all() if queryset is None else queryset
    ids = list(qs.order_by("project__number", "pk").values_list("pk", flat=True))
    bounds = [
        model.objects.filter(benefit__in=qs.values("pk")).aggregate(
            low=Min("year"), high=Max("year")
        )
        for model in (BenefitYear, BenefitActual)
    ]
    years = _years(today, [v for b in bounds for v in b.values() if v is not None])
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, constant_memory=True)
    register = SheetWriter(workbook, SHEETS["register"][0], REGISTER_COLUMNS)
    profile = SheetWriter(
        workbook, SHEETS["year-profile"][0], _profile_columns(years, "incremental")
    )
    effect = SheetWriter(
        workbook, SHEETS["budget-effect"][0], _profile_columns(years, "budget_effect")
    )
    ledger = SheetWriter(workbook, SHEETS["actuals"][0], LEDGER_COLUMNS)
    mtfp_sums: dict[str, list[Decimal]] = {}
    width = len(MEASURES) * len(years)
    for chunk in _chunks(ids):
        facts = {
            row[0]: Facts(*row)
            for row in FinancialBenefit.objects.filter(pk__in=chunk).values_list(*FACT_FIELDS)
        }
        amounts: dict[int, dict[str, dict[int, Decimal]]] = defaultdict(
            lambda: {m: {} for m in MEASURES}
        )
        for benefit_id, year, plan, forecast in BenefitYear.objects.filter(
            benefit_id__in=chunk
        ).values_list("benefit_id", "year", "plan", "forecast"):
            amounts[benefit_id]["plan"][year] = plan
            amounts[benefit_id]["forecast"][year] = forecast
        for benefit_id, year, total in (
            BenefitActual.objects.filter(benefit_id__in=chunk)
            .order_by()
            .values("benefit_id", "year")
            .annotate(total=Sum("amount"))
            .values_list("benefit_id", "year", "total")
        ):
            amounts[benefit_id]["actual"][year] = total
        for pk in chunk:
            f = facts[pk]
            incremental = [{y: amounts[pk][m].get(y, ZERO) for y in years} for m in MEASURES]
            register.write(_register_row(f, [money.total(v) for v in incremental]))
            if f.duplicate_of_id is not None:
                continue
            profile.write(_profile_row(f, incremental, years))
            effect.write(
                _profile_row(
                    f,
                    [
                        money.full_year_effect(v, recurring=f.is_recurring, years=years)
                        for v in incremental
                    ],
                    years,
                )
            )
            values = [v for by_year in incremental for v in by_year.values()]
            current = mtfp_sums.setdefault(f.mtfp_category, [ZERO] * width)
            mtfp_sums[f.mtfp_category] = [c + v for c, v in zip(current, values, strict=True)]
    signed = _signed_off_names(qs)
    for row in (
        BenefitActual.objects.filter(benefit__in=qs.values("pk"))
        .order_by("benefit__project__number", "benefit_id", "month", "pk")
        .values_list(*LEDGER_FIELDS)
        .iterator(chunk_size=CHUNK)
    ):
        ledger.write(_ledger_row(row, signed))
    for writer in (register, profile, effect, ledger):
        writer.finish()
    add_sheet(workbook, SHEETS["mtfp-category"][0], *_mtfp_table(mtfp_sums, years))
    workbook.close()
    return buffer.getvalue()


def sheet_csv(slug: str, *, today: datetime.date | None = None) -> bytes:
    _title, builder = SHEETS[slug]
    columns, rows = builder(Book(today or timezone.localdate()))
    return csv_bytes(columns, rows)
