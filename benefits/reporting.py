"""Benefits' sections of the packs (contract: see pmo/reports.py).

- The monthly portfolio pack: plan, forecast and actual for the current
  financial year by directorate and by MTFP category, in both views; what
  slipped and what was lost this month; the sign-offs made this month; and
  the non-financial KPI highlights.
- The benefits-realisation report (finance): the benefits export's five
  sheets (built by the same code, benefits.exports), an MTFP savings return
  (the seven London categories x financial year, incremental, with totals)
  and a reconciliation of this month's position with last month's, every
  movement explained as new, increased, slipped, lost or realised.

"Last month's position" is the position stored by last month's published
benefits-realisation report when there is one (what finance was told);
otherwise it is rebuilt from the change history as it stood at the end of
last month, and the pack says which.

All money is Decimal and incremental unless labelled "budget effect";
portfolio totals count each saving once (duplicates are left out).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from benefits import money
from benefits.exports import MEASURES, SHEETS, Book
from benefits.models import ZERO, BenefitActual, BenefitYear, FinancialBenefit
from benefits.outcomes import KPI_STATUS_LABELS, KpiStatus
from benefits.selectors import (
    BUDGET_EFFECT,
    INCREMENTAL,
    VIEW_LABELS,
    outcome_cards,
    outcomes_queryset,
)
from pmo.charts import BASE_LAYOUT, PALETTE
from pmo.models import ReportRun, ReportType, RunStatus
from pmo.reports import Chart, Section, Table, month_end, previous_month
from pmo.spreadsheets import Column
from portfolio.models import MTFPCategory

POSITION_KEY = "benefits-reconciliation"
SHOWN = 25
VIEW_SHORT = {INCREMENTAL: "incremental", BUDGET_EFFECT: "budget effect"}
MEASURE_LABELS = {"plan": "Plan", "forecast": "Forecast", "actual": "Actual"}

# A position: {benefit id: {year: (plan, forecast, actual)}}, incremental,
# counted benefits only.
Position = dict[int, dict[int, tuple[Decimal, Decimal, Decimal]]]


def pack_sections(kind: str, period: datetime.date) -> list[Section]:
    if kind == ReportType.PORTFOLIO:
        facts = _Facts(period)
        return [facts.portfolio_benefits(), kpi_section(period)]
    if kind == ReportType.BENEFITS:
        facts = _Facts(period)
        return [facts.export_sheets(), facts.mtfp_return(), facts.reconciliation()]
    return []


def current_year(period: datetime.date) -> int:
    """The financial year the month falls in."""
    return money.financial_year_of(period)


# --- Positions ----------------------------------------------------------------


def position_of(book: Book) -> Position:
    return {
        b.pk: {
            y: (book.amounts[b.pk]["plan"].get(y, ZERO),
                book.amounts[b.pk]["forecast"].get(y, ZERO),
                book.amounts[b.pk]["actual"].get(y, ZERO))
            for y in sorted(
                set(book.amounts[b.pk]["plan"])
                | set(book.amounts[b.pk]["forecast"])
                | set(book.amounts[b.pk]["actual"])
            )
        }
        for b in book.counted
    }  # fmt: skip


def position_to_json(position: Position) -> dict:
    return {
        str(benefit): {str(y): [str(v) for v in values] for y, values in years.items()}
        for benefit, years in position.items()
    }


def position_from_json(data: dict) -> Position:
    return {
        int(benefit): {int(y): tuple(Decimal(v) for v in values) for y, values in years.items()}
        for benefit, years in data.items()
    }


def position_from_history(as_at: datetime.datetime) -> Position:
    """The counted benefits' profiles and recorded actuals as they stood at
    `as_at`, from the change history (BenefitYear and FinancialBenefit) and
    the actuals ledger (entries are never edited, only added)."""
    counted = {
        pk
        for pk, duplicate_of in FinancialBenefit.history.as_of(as_at).values_list(
            "id", "duplicate_of_id"
        )
        if duplicate_of is None
    }
    position: Position = defaultdict(dict)
    for benefit_id, year, plan, forecast in BenefitYear.history.as_of(as_at).values_list(
        "benefit_id", "year", "plan", "forecast"
    ):
        if benefit_id in counted:
            position[benefit_id][year] = (plan, forecast, ZERO)
    for benefit_id, year, total in (
        BenefitActual.objects.filter(entered_at__lte=as_at, benefit_id__in=counted)
        .order_by()
        .values("benefit_id", "year")
        .annotate(total=Sum("amount"))
        .values_list("benefit_id", "year", "total")
    ):
        plan, forecast, _ = position[benefit_id].get(year, (ZERO, ZERO, ZERO))
        position[benefit_id][year] = (plan, forecast, total)
    return dict(position)


@dataclass
class Baseline:
    """Last month's position and where it came from, in words."""

    position: Position
    source: str
    run: ReportRun | None = None


def end_of(period: datetime.date) -> datetime.datetime:
    """The last moment of a month, in the council's time zone."""
    last_day = month_end(period)
    return timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.max))


def last_months_position(period: datetime.date) -> Baseline:
    last = previous_month(period)
    run = (
        ReportRun.objects.published()
        .filter(report_type=ReportType.BENEFITS, period=last, status=RunStatus.SUCCEEDED)
        .first()
    )
    stored = (run.figures.get(POSITION_KEY) or {}).get("position") if run else None
    if stored is not None:
        return Baseline(
            position_from_json(stored),
            f"Last month's position is the one stored by the published {last:%B %Y} "
            f"benefits-realisation report (version {run.version}, published "
            f"{timezone.localtime(run.published_at):%-d %b %Y}).",
            run,
        )
    as_at = end_of(last)
    return Baseline(
        position_from_history(as_at),
        f"No {last:%B %Y} benefits-realisation report was published, so last month's "
        f"position is rebuilt from the change history as it stood at the end of "
        f"{as_at:%-d %b %Y}: each profile year as last saved by then, and every actual "
        "entered by then. A record that existed before its history was kept counts from "
        "when its history begins.",
    )


# --- Reconciliation (pure) -------------------------------------------------------


@dataclass
class Movement:
    """One year's movement of the counted book, incremental.

    forecast_now = forecast_before + new_benefits + increased - slipped - lost
    actual_now = actual_before + realised
    """

    year: int
    plan_before: Decimal = ZERO
    plan_now: Decimal = ZERO
    forecast_before: Decimal = ZERO
    new_benefits: Decimal = ZERO
    increased: Decimal = ZERO
    slipped: Decimal = ZERO
    lost: Decimal = ZERO
    forecast_now: Decimal = ZERO
    actual_before: Decimal = ZERO
    realised: Decimal = ZERO
    actual_now: Decimal = ZERO

    @property
    def label(self) -> str:
        return money.fy_label(self.year) if self.year else "Total"

    @property
    def unexplained(self) -> Decimal:
        """Zero when the movements add up, which reconcile() guarantees."""
        return self.forecast_now - (
            self.forecast_before + self.new_benefits + self.increased - self.slipped - self.lost
        )

    @property
    def slipped_in(self) -> Decimal:
        """Forecast that arrived from other years (a negative net slip), as
        a positive amount, for the sentence that names it."""
        return max(-self.slipped, ZERO)

    def add(self, other: Movement) -> None:
        for name in MOVEMENT_FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


# Movement's money figures, in order (every field but the year).
MOVEMENT_FIGURES = tuple(f.name for f in fields(Movement) if f.name != "year")


@dataclass
class BenefitMovement:
    benefit_id: int
    years: dict[int, Movement] = field(default_factory=dict)
    is_new: bool = False
    is_gone: bool = False


def _column(profile: dict, index: int) -> dict[int, Decimal]:
    return {y: values[index] for y, values in profile.items()}


def reconcile(before: Position, now: Position) -> list[BenefitMovement]:
    """Each benefit's movement between two positions, year by year.

    A benefit absent last month is new; one absent now (deleted, or now
    counted under another benefit) has lost its forecast. Otherwise the
    forecast change is split with benefits.money.variance_split (the one
    rule for slipped and lost), reading last month's forecast as the "plan":
    a year's fall that another year's rise makes up moved between them
    (slipped: positive in the year it left, negative where it arrived), a
    fall nothing makes up is lost in the year it fell, a rise nothing
    explains is increased.
    """
    result = []
    for benefit_id in sorted(set(before) | set(now)):
        old, new = before.get(benefit_id, {}), now.get(benefit_id, {})
        movement = BenefitMovement(benefit_id, is_new=not old, is_gone=not new)
        if not old and not new:
            continue
        forecast_old, forecast_new = _column(old, 1), _column(new, 1)
        split = money.variance_split(forecast_old, forecast_new) if old else {}
        for year in sorted(set(old) | set(new)):
            p0, f0, a0 = old.get(year, (ZERO, ZERO, ZERO))
            p1, f1, a1 = new.get(year, (ZERO, ZERO, ZERO))
            m = Movement(
                year,
                plan_before=p0,
                plan_now=p1,
                forecast_before=f0,
                forecast_now=f1,
                actual_before=a0,
                realised=a1 - a0,
                actual_now=a1,
            )
            if not old:
                m.new_benefits = f1
            else:
                v = split.get(year)
                if v is not None:
                    m.slipped, m.lost, m.increased = v.slipped, v.lost, v.new
            movement.years[year] = m
        result.append(movement)
    return result


def movements_by_year(movements: list[BenefitMovement], years: list[int]) -> list[Movement]:
    totals = {y: Movement(y) for y in years}
    for movement in movements:
        for year, m in movement.years.items():
            totals.setdefault(year, Movement(year)).add(m)
    rows = [totals[y] for y in sorted(totals)]
    total = Movement(0)
    for row in rows:
        total.add(row)
    return [*rows, total]


# --- Shaping ------------------------------------------------------------------------


def _sums(book: Book, year: int, benefits, label: str) -> dict:
    """Plan, forecast and actual of `benefits` for `year`, both views."""
    row = {"label": label, **{f"{m}_{v}": ZERO for m in MEASURES for v in VIEW_SHORT}}
    for b in benefits:
        for m in MEASURES:
            row[f"{m}_{INCREMENTAL}"] += book.incremental(b, m)[year]
            row[f"{m}_{BUDGET_EFFECT}"] += book.budget_effect(b, m)[year]
    return row


def _by(book: Book, year: int, key) -> list[dict]:
    """Plan, forecast and actual for `year`, both views, grouped by `key`
    (a function of the benefit), counted benefits only, with their total."""
    groups: dict[str, list] = defaultdict(list)
    for b in book.counted:
        groups[key(b)].append(b)
    rows = [_sums(book, year, groups[k], k) for k in sorted(groups)]
    return [*rows, _sums(book, year, book.counted, "Total")]


def _by_year(book: Book, years: list[int]) -> list[dict]:
    """The counted benefits' plan, forecast and actual in each year."""
    return [_sums(book, year, book.counted, money.fy_label(year)) for year in years]


def _mtfp_label(b) -> str:
    return b.get_mtfp_category_display()


def _directorate(b) -> str:
    return b.directorate.name


def _view_columns(first: str) -> list[Column]:
    columns = [Column(first)]
    for short in VIEW_SHORT.values():
        for m in MEASURES:
            columns.append(Column(f"{MEASURE_LABELS[m]} ({short})", "money"))
    return columns


def _view_rows(rows: list[dict]) -> list[list]:
    return [
        [r["label"], *(r[f"{m}_{view}"] for view in VIEW_SHORT for m in MEASURES)] for r in rows
    ]


def _by_figure(rows: list[dict], year_label: str) -> dict:
    """Grouped bars of plan, forecast and actual (incremental) by group."""
    groups = [r for r in rows if r["label"] != "Total"]
    labels = [r["label"] for r in groups]
    return {
        "data": [
            {
                "type": "bar",
                "name": f"{MEASURE_LABELS[m]} {year_label} (incremental)",
                "x": labels,
                "y": [float(r[f"{m}_{INCREMENTAL}"]) for r in groups],
                "marker": {"color": PALETTE[i], "line": {"color": "#0b0c0c", "width": 1}},
                "hovertemplate": "%{x}: £%{y:,.2f}<extra>%{fullData.name}</extra>",
            }
            for i, m in enumerate(MEASURES)
        ],
        "layout": {
            **BASE_LAYOUT,
            "barmode": "group",
            "yaxis": {
                "title": {"text": "£ (incremental)"},
                "rangemode": "tozero",
                "tickprefix": "£",
                "separatethousands": True,
            },
            "legend": {"orientation": "h", "y": -0.3},
            "margin": {**BASE_LAYOUT["margin"], "b": 120},
        },
        "config": {"displayModeBar": False, "staticPlot": True},
    }


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


class _Facts:
    """The book read once for the month; each section shapes it."""

    def __init__(self, period: datetime.date):
        self.period = period
        self.as_at = min(month_end(period), timezone.localdate())
        self.year = current_year(period)
        self.year_label = money.fy_label(self.year)
        self.book = Book(self.as_at)
        if self.year not in self.book.years:
            self.book.years = sorted({*self.book.years, self.year})
            self.book.years = list(range(self.book.years[0], self.book.years[-1] + 1))
        self.benefits = {b.pk: b for b in self.book.benefits}
        self.now = position_of(self.book)
        self.baseline = last_months_position(period)
        self.movements = reconcile(self.baseline.position, self.now)

    def _benefit_label(self, benefit_id: int) -> tuple[str, str, str]:
        b = self.benefits.get(benefit_id)
        if b is None:
            return (f"B-{benefit_id:05d}", "", "This benefit has since been deleted")
        return (b.reference, b.project.reference, b.title)

    # --- The monthly portfolio pack --------------------------------------------

    def sign_offs(self) -> list[BenefitYear]:
        first = self.period
        return list(
            BenefitYear.objects.filter(
                signed_off_at__date__gte=first, signed_off_at__date__lte=month_end(first)
            )
            .select_related("benefit", "benefit__project", "signed_off_by")
            .order_by("signed_off_at", "pk")
        )

    def changes_this_year(self) -> list[dict]:
        """Benefits whose current-year forecast slipped or was lost this month."""
        rows = []
        for movement in self.movements:
            m = movement.years.get(self.year)
            if m is None or (m.slipped <= 0 and m.lost <= 0):
                continue
            reference, project, title = self._benefit_label(movement.benefit_id)
            rows.append(
                {
                    "reference": reference,
                    "project": project,
                    "title": title,
                    "forecast_before": m.forecast_before,
                    "slipped": max(m.slipped, ZERO),
                    "lost": m.lost,
                    "forecast_now": m.forecast_now,
                }
            )
        rows.sort(key=lambda r: (-(r["slipped"] + r["lost"]), r["reference"]))
        return rows

    def portfolio_benefits(self) -> Section:
        by_directorate = _by(self.book, self.year, _directorate)
        by_category = _by(self.book, self.year, _mtfp_label)
        by_year = _by_year(self.book, money.mtfp_years(self.as_at))
        total = by_directorate[-1]
        year_movement = movements_by_year(self.movements, [self.year])[0]
        changes = self.changes_this_year()
        sign_offs = self.sign_offs()
        signed_total = sum((row.signed_off_amount for row in sign_offs), ZERO)
        fte = Counter()
        for b in self.book.counted:
            if not b.is_written_off:
                fte["proposed"] += b.fte_proposed
                fte["confirmed"] += b.fte_confirmed
        headline = [
            {
                "view": view,
                "view_label": VIEW_LABELS[view],
                "plan": total[f"plan_{view}"],
                "forecast": total[f"forecast_{view}"],
                "actual": total[f"actual_{view}"],
                "variance": total[f"forecast_{view}"] - total[f"plan_{view}"],
            }
            for view in VIEW_SHORT
        ]
        figures = {
            "year": self.year,
            "year_label": self.year_label,
            **{f"{m}_{view}": total[f"{m}_{view}"] for view in VIEW_SHORT for m in MEASURES},
            "slipped_this_month": year_movement.slipped,
            "lost_this_month": year_movement.lost,
            "sign_offs_this_month": len(sign_offs),
            "signed_off_this_month": signed_total,
            "by_directorate": {
                r["label"]: {m: r[f"{m}_{INCREMENTAL}"] for m in MEASURES} for r in by_directorate
            },
            "by_mtfp_category": {
                r["label"]: {m: r[f"{m}_{INCREMENTAL}"] for m in MEASURES} for r in by_category
            },
        }
        year_table = Table(
            "Benefits by financial year",
            _view_columns("Financial year"),
            _view_rows(by_year),
            sheet="Benefits by year",
        )
        figures["by_year"] = {
            r["label"]: {m: r[f"{m}_{INCREMENTAL}"] for m in MEASURES} for r in by_year
        }
        return Section(
            key="benefits",
            title=f"Benefits: {self.year_label}",
            template="benefits/_pack_benefits.html",
            context={
                "year_label": self.year_label,
                "headline": headline,
                "by_directorate": by_directorate,
                "by_category": by_category,
                "by_year": by_year,
                "directorate_figure": _by_figure(by_directorate, self.year_label),
                "category_figure": _by_figure(by_category, self.year_label),
                "movement": year_movement,
                "changes": changes[:SHOWN],
                "changes_hidden": max(len(changes) - SHOWN, 0),
                "baseline_source": self.baseline.source,
                "sign_offs": sign_offs,
                "signed_total": signed_total,
                "fte": fte,
                "view_labels": VIEW_LABELS,
            },
            charts=[
                Chart.of(
                    year_table,
                    values=[1, 2, 3],
                    title="Benefits by financial year: plan, forecast and actual (incremental)",
                )
            ],
            tables=[
                year_table,
                # The year is in the title (the About sheet lists it), not in
                # the sheet name: "2026/27" cannot go in one, and a name with
                # the year and "MTFP category" would pass Excel's 31 characters.
                Table(
                    f"Benefits {self.year_label} by benefiting directorate",
                    _view_columns("Benefiting directorate"),
                    _view_rows(by_directorate),
                    sheet="Benefits by directorate",
                ),
                Table(
                    f"Benefits {self.year_label} by MTFP savings category",
                    _view_columns("MTFP category"),
                    _view_rows(by_category),
                    sheet="Benefits by MTFP category",
                ),
                Table(
                    "Slipped and lost this month",
                    [
                        Column("Benefit reference"),
                        Column("Project reference"),
                        Column("Benefit"),
                        Column(f"Forecast {self.year_label} last month (incremental)", "money"),
                        Column("Slipped to other years (incremental)", "money"),
                        Column("Lost (incremental)", "money"),
                        Column(f"Forecast {self.year_label} now (incremental)", "money"),
                    ],
                    [
                        [
                            r["reference"],
                            r["project"],
                            r["title"],
                            r["forecast_before"],
                            r["slipped"],
                            r["lost"],
                            r["forecast_now"],
                        ]
                        for r in changes
                    ],
                ),
                Table(
                    "Sign-offs this month",
                    _sign_off_columns(),
                    [_sign_off_row(row) for row in sign_offs],
                ),
            ],
            figures=figures,
        )

    # --- The benefits-realisation report -----------------------------------------

    def export_sheets(self) -> Section:
        """The benefits export's sheets, built by the export's own code."""
        tables = []
        for title, builder in SHEETS.values():
            columns, rows = builder(self.book)
            tables.append(Table(title, columns, rows))
        by_directorate = _by(self.book, self.year, _directorate)
        total = by_directorate[-1]
        return Section(
            key="benefits-position",
            title=f"The benefits position at the end of {self.period:%B %Y}",
            template="benefits/_pack_position.html",
            context={
                "year_label": self.year_label,
                "as_at": self.as_at,
                "headline": [
                    {
                        "view_label": VIEW_LABELS[view],
                        "plan": total[f"plan_{view}"],
                        "forecast": total[f"forecast_{view}"],
                        "actual": total[f"actual_{view}"],
                        "variance": total[f"forecast_{view}"] - total[f"plan_{view}"],
                    }
                    for view in VIEW_SHORT
                ],
                "by_directorate": by_directorate,
                "benefit_count": len(self.book.benefits),
                "counted_count": len(self.book.counted),
                "sheets": [title for title, _builder in SHEETS.values()],
            },
            tables=tables,
            figures={
                "year": self.year,
                "benefits": len(self.book.benefits),
                "counted": len(self.book.counted),
                **{f"{m}_{view}": total[f"{m}_{view}"] for view in VIEW_SHORT for m in MEASURES},
            },
        )

    def mtfp_return(self) -> Section:
        """Savings by the seven London MTFP categories x financial year,
        incremental (a recurring saving counted once, in the year it starts)."""
        years = self.book.years
        sums = {
            (value, m): dict.fromkeys(years, ZERO)
            for value, _ in MTFPCategory.choices
            for m in MEASURES
        }
        for b in self.book.counted:
            for m in MEASURES:
                for y, amount in self.book.incremental(b, m).items():
                    sums[(b.mtfp_category, m)][y] += amount
        rows = []
        for value, label in MTFPCategory.choices:
            for m in MEASURES:
                values = [sums[(value, m)][y] for y in years]
                rows.append(
                    {"category": label, "measure": MEASURE_LABELS[m], "values": values,
                     "total": sum(values, ZERO)}
                )  # fmt: skip
        totals = []
        for m in MEASURES:
            values = [sum((sums[(v, m)][y] for v, _ in MTFPCategory.choices), ZERO) for y in years]
            totals.append(
                {"category": "Total", "measure": MEASURE_LABELS[m], "values": values,
                 "total": sum(values, ZERO)}
            )  # fmt: skip
        year_labels = [money.fy_label(y) for y in years]
        columns = [
            Column("MTFP savings category"),
            Column("Measure"),
            *(Column(f"{label} (incremental)", "money") for label in year_labels),
            Column("All years (incremental)", "money"),
        ]
        return Section(
            key="benefits-mtfp-return",
            title="MTFP savings return",
            template="benefits/_pack_mtfp_return.html",
            context={"rows": rows, "totals": totals, "year_labels": year_labels},
            tables=[
                Table(
                    "MTFP savings return",
                    columns,
                    [
                        [r["category"], r["measure"], *r["values"], r["total"]]
                        for r in rows + totals
                    ],
                    csv=True,
                )
            ],
            figures={
                "basis": "incremental",
                "totals": {
                    t["measure"]: dict(zip(year_labels, t["values"], strict=True)) for t in totals
                },
            },
        )

    def reconciliation(self) -> Section:
        years = self.book.years
        by_year = movements_by_year(self.movements, years)
        detail = []
        for movement in self.movements:
            reference, project, title = self._benefit_label(movement.benefit_id)
            for year, m in sorted(movement.years.items()):
                if not any((m.new_benefits, m.increased, m.slipped, m.lost, m.realised)) and (
                    m.plan_before == m.plan_now
                ):
                    continue
                detail.append(
                    [
                        reference,
                        project,
                        title,
                        money.fy_label(year),
                        "New benefit" if movement.is_new else
                        ("No longer counted" if movement.is_gone else "Existing benefit"),
                        m.plan_before, m.plan_now, m.forecast_before, m.new_benefits,
                        m.increased, m.slipped, m.lost, m.forecast_now,
                        m.actual_before, m.realised, m.actual_now,
                    ]
                )  # fmt: skip
        movement_columns = [
            Column("Plan last month (incremental)", "money"),
            Column("Plan now (incremental)", "money"),
            Column("Forecast last month (incremental)", "money"),
            Column("New benefits (incremental)", "money"),
            Column("Increased (incremental)", "money"),
            Column("Slipped to other years (incremental)", "money"),
            Column("Lost: reduced or written off (incremental)", "money"),
            Column("Forecast now (incremental)", "money"),
            Column("Actual last month (incremental)", "money"),
            Column("Realised this month (incremental)", "money"),
            Column("Actual now (incremental)", "money"),
        ]
        summary_rows = [
            [
                m.label, m.plan_before, m.plan_now, m.forecast_before, m.new_benefits,
                m.increased, m.slipped, m.lost, m.forecast_now,
                m.actual_before, m.realised, m.actual_now, m.unexplained,
            ]
            for m in by_year
        ]  # fmt: skip
        total = by_year[-1]
        return Section(
            key=POSITION_KEY,
            title=f"Reconciliation with {previous_month(self.period):%B %Y}",
            template="benefits/_pack_reconciliation.html",
            context={
                "by_year": by_year,
                "source": self.baseline.source,
                "last_month": previous_month(self.period),
            },
            tables=[
                Table(
                    "Reconciliation",
                    [
                        Column("Financial year"),
                        *movement_columns,
                        Column("Unexplained (always zero)", "money"),
                    ],
                    summary_rows,
                ),
                Table(
                    "Reconciliation basis",
                    [Column("Item"), Column("Detail")],
                    [
                        ["Last month's position", self.baseline.source],
                        [
                            "This month's position",
                            "As recorded when this report was generated, for the month ending "
                            f"{month_end(self.period):%-d %b %Y}.",
                        ],
                        [
                            "Basis",
                            "Incremental: the new saving first achieved in each year. Each "
                            "saving counted once (duplicates left out).",
                        ],
                        [
                            "Forecast now",
                            "Forecast last month + new benefits + increased - slipped - lost.",
                        ],
                        [
                            "Slipped",
                            "A fall in the year's forecast that another year's rise makes up: "
                            "positive in the year it left, negative in the year it arrived, "
                            "so it sums to zero over the years.",
                        ],
                        [
                            "Lost",
                            "A fall in the year's forecast that no other year makes up "
                            "(reduced or written off), or a benefit no longer counted "
                            "(a duplicate or deleted); counted in the year it fell.",
                        ],
                        [
                            "Actual now",
                            "Actual last month + realised this month (actuals recorded since).",
                        ],
                    ],
                ),
                Table(
                    "Reconciliation by benefit",
                    [
                        Column("Benefit reference"),
                        Column("Project reference"),
                        Column("Benefit"),
                        Column("Financial year"),
                        Column("Benefit was"),
                        *movement_columns,
                    ],
                    detail,
                ),
            ],
            figures={
                "source": "stored" if self.baseline.run else "history",
                "compared_with_run": self.baseline.run.pk if self.baseline.run else None,
                "totals": {
                    name: getattr(total, name)
                    for name in MOVEMENT_FIGURES
                    if not name.startswith("plan_")
                },
                # What next month's report compares with.
                "position": position_to_json(self.now),
            },
        )


def _sign_off_columns() -> list[Column]:
    return [
        Column("Benefit reference"),
        Column("Project reference"),
        Column("Benefit"),
        Column("Financial year"),
        Column("Realised amount signed off (incremental)", "money"),
        Column("Signed off by"),
        Column("Signed off on", "date"),
        Column("Note"),
    ]


def _sign_off_row(row: BenefitYear) -> list:
    return [
        row.benefit.reference,
        row.benefit.project.reference,
        row.benefit.title,
        row.label,
        row.signed_off_amount,
        _name(row.signed_off_by),
        timezone.localtime(row.signed_off_at).date(),
        row.sign_off_note,
    ]


# --- Non-financial KPI highlights ------------------------------------------------


STATUS_ORDER = [
    KpiStatus.WORSE_THAN_BASELINE,
    KpiStatus.BEHIND,
    KpiStatus.NO_MEASUREMENT,
    KpiStatus.ON_TRACK,
    KpiStatus.ACHIEVED,
]


def kpi_section(period: datetime.date) -> Section:
    """KPI status counts, the KPIs off track, what was measured this month
    and the new capabilities recorded this month."""
    first, last = period, month_end(period)
    cards = [c for c in outcome_cards(outcomes_queryset()) if c.status != "narrative"]
    counts = Counter(c.status for c in cards)
    status_rows = [
        {"label": KPI_STATUS_LABELS[s], "count": counts.get(str(s), 0)} for s in STATUS_ORDER
    ]
    off_track = sorted(
        (c for c in cards if c.status in (KpiStatus.WORSE_THAN_BASELINE, KpiStatus.BEHIND)),
        key=lambda c: (STATUS_ORDER.index(KpiStatus(c.status)), c.outcome.project.number),
    )
    measured = [
        c for c in cards if c.measurements and first <= c.measurements[-1].measured_on <= last
    ]
    narratives = [
        (outcome, entry)
        for outcome in outcomes_queryset().filter(kind="narrative")
        for entry in outcome.entries.all()
        if first <= entry.entry_date <= last
    ]

    def kpi_row(c):
        latest = c.measurements[-1] if c.measurements else None
        o = c.outcome
        return [
            o.project.reference,
            o.title,
            o.kpi_name,
            o.unit,
            o.baseline_value,
            o.target_value,
            o.target_date,
            latest.value if latest else None,
            latest.measured_on if latest else None,
            c.status_label,
        ]

    kpi_columns = [
        Column("Project reference"),
        Column("Benefit"),
        Column("KPI"),
        Column("Unit"),
        Column("Baseline", "number"),
        Column("Target", "number"),
        Column("Target date", "date"),
        Column("Latest value", "number"),
        Column("Measured on", "date"),
        Column("Status"),
    ]
    return Section(
        key="benefits-kpis",
        title="Non-financial benefits: KPI highlights",
        template="benefits/_pack_kpis.html",
        context={
            "status_rows": status_rows,
            "kpi_count": len(cards),
            "off_track": off_track[:SHOWN],
            "off_track_total": len(off_track),
            "measured": measured[:SHOWN],
            "measured_total": len(measured),
            "narratives": narratives[:SHOWN],
        },
        tables=[
            Table("KPIs off track", kpi_columns, [kpi_row(c) for c in off_track]),
            Table("KPIs measured this month", kpi_columns, [kpi_row(c) for c in measured]),
            Table(
                "New capabilities this month",
                [
                    Column("Project reference"),
                    Column("Benefit"),
                    Column("Date", "date"),
                    Column("What the new capability is"),
                    Column("Evidence"),
                ],
                [
                    [o.project.reference, o.title, e.entry_date, e.description, e.evidence]
                    for o, e in narratives
                ],
            ),
        ],
        figures={
            "kpis": len(cards),
            "by_status": {row["label"]: row["count"] for row in status_rows},
            "measured_this_month": len(measured),
            "narrative_entries_this_month": len(narratives),
        },
    )
