"""Reads shared by the benefits pages, the exports and the monthly pack.

Two rules hold everywhere here:
- Portfolio totals count each saving once: they use
  FinancialBenefit.objects.counted() (a benefit marked as a duplicate is
  shown on its project but not added again).
- Every figure says its view: "incremental" (the new saving first achieved
  in a year, as entered) or "budget effect" (computed in benefits.money).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import SupportsInt, cast

import pandas as pd
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from benefits import money, services
from benefits.models import (
    YEAR_WITH_MONEY,
    ZERO,
    BenefitActual,
    BenefitStatus,
    BenefitYear,
    DoubleCountResolution,
    FinancialBenefit,
    NonFinancialBenefit,
    OutcomeKind,
    ProjectCost,
    Recurrence,
)
from benefits.outcomes import KPI_STATUS_LABELS, kpi_status
from benefits.services import flag_key
from pmo.permissions import Role, can, holders_of
from portfolio.models import Directorate, Stage

MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)
INCREMENTAL = "incremental"
BUDGET_EFFECT = "budget_effect"
VIEW_LABELS = {
    INCREMENTAL: "Incremental (new saving first achieved in the year)",
    BUDGET_EFFECT: "Budget effect (full-year saving in the year's budget)",
}

TRACKER_FILTERS = (
    "directorate",
    "workstream",
    "benefit_type",
    "mtfp_category",
    "confidence",
    "status",
)


def _year_sum(model, field_name: str, year: int, *, upto: bool):
    """Subquery: the benefit's `field_name` in `year` (or up to it)."""
    year_filter = Q(year__lte=year) if upto else Q(year=year)
    rows = (
        model.objects.filter(year_filter, benefit=OuterRef("pk"))
        .order_by()
        .values("benefit")
        .annotate(total=Sum(field_name))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def _in_view(model, field_name: str, year: int, view: str):
    if view == INCREMENTAL:
        return _year_sum(model, field_name, year, upto=False)
    # Budget effect: a recurring saving carries every increment up to the
    # year; a one-off touches its own year only (benefits.money.full_year_effect).
    return Case(
        When(
            recurrence=Recurrence.RECURRING,
            then=_year_sum(model, field_name, year, upto=True),
        ),
        default=_year_sum(model, field_name, year, upto=False),
        output_field=MONEY_FIELD,
    )


def with_year_figures(queryset, year: int, view: str = INCREMENTAL):
    """Annotate plan, forecast and actual for `year` in the chosen view."""
    return queryset.annotate(
        plan_y=_in_view(BenefitYear, "plan", year, view),
        forecast_y=_in_view(BenefitYear, "forecast", year, view),
        actual_y=_in_view(BenefitActual, "amount", year, view),
        signed_off_y=Exists(
            BenefitYear.objects.filter(
                benefit=OuterRef("pk"), year=year, signed_off_at__isnull=False
            )
        ),
    )


def filtered_benefits(filters: dict, queryset=None):
    """The tracker's filters. Directorate matches where the saving is
    delivered or where it is banked, so it shows under both."""
    qs = FinancialBenefit.objects.all() if queryset is None else queryset
    if filters.get("directorate"):
        qs = qs.for_directorate(filters["directorate"])
    if filters.get("workstream"):
        qs = qs.filter(project__workstream_id=filters["workstream"])
    for name in ("benefit_type", "mtfp_category", "confidence", "status"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("project"):
        qs = qs.filter(project_id=filters["project"])
    return qs


def tracker_rows(filters: dict, year: int, view: str = INCREMENTAL):
    return with_year_figures(
        filtered_benefits(filters)
        .select_related("project", "directorate", "owner", "duplicate_of")
        .order_by("project__number", "pk"),
        year,
        view,
    ).annotate(variance_y=F("forecast_y") - F("plan_y"))


@dataclass(frozen=True)
class Totals:
    plan: Decimal
    forecast: Decimal
    actual: Decimal
    count: int
    listed: int = 0

    @property
    def variance(self) -> Decimal:
        """Forecast less plan: negative is a shortfall."""
        return self.forecast - self.plan


def _in_year(year: int, view: str, benefit: str = "benefit__") -> Q:
    """The profile or actual rows that make up `year` in the view: the year
    itself, and in the budget effect every earlier increment of a recurring
    saving (benefits.money.full_year_effect)."""
    if view == INCREMENTAL:
        return Q(year=year)
    return Q(year=year) | Q(year__lt=year, **{f"{benefit}recurrence": Recurrence.RECURRING})


def tracker_totals(filters: dict, year: int, view: str = INCREMENTAL) -> Totals:
    """The totals row, each saving counted once, in three small aggregates
    (no per-benefit subqueries): the benefits listed and counted, the
    profile rows in view, and the actuals in view. `listed` counts every
    filtered benefit, duplicates included, so the page needs no other COUNT."""
    benefits = filtered_benefits(filters)
    counts = benefits.order_by().aggregate(
        listed=Count("pk"), count=Count("pk", filter=Q(duplicate_of__isnull=True))
    )
    counted_ids = filtered_benefits(filters, FinancialBenefit.objects.counted()).values("pk")
    in_view = _in_year(year, view)
    sums = BenefitYear.objects.filter(in_view, benefit__in=counted_ids).aggregate(
        plan=Coalesce(Sum("plan"), Value(ZERO), output_field=MONEY_FIELD),
        forecast=Coalesce(Sum("forecast"), Value(ZERO), output_field=MONEY_FIELD),
    )
    actual = BenefitActual.objects.filter(in_view, benefit__in=counted_ids).aggregate(
        total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_FIELD)
    )["total"]
    return Totals(
        money.to_pence(sums["plan"]),
        money.to_pence(sums["forecast"]),
        money.to_pence(actual),
        counts["count"],
        counts["listed"],
    )


# --- One benefit ------------------------------------------------------------


@dataclass
class ProfileRow:
    year: int
    plan: Decimal
    forecast: Decimal
    actual: Decimal
    plan_effect: Decimal
    forecast_effect: Decimal
    actual_effect: Decimal
    row: BenefitYear | None
    slipped: Decimal
    lost: Decimal
    new: Decimal
    moves: tuple[money.Move, ...] = ()
    # Set by pages that show the finance sign-off column (sign_offs()).
    sign_off: SignOff | None = None

    @property
    def label(self) -> str:
        return money.fy_label(self.year)

    @property
    def moves_out(self) -> list[money.Move]:
        """This year's planned money now forecast in another year."""
        return [m for m in self.moves if m.from_year == self.year]

    @property
    def moves_in(self) -> list[money.Move]:
        """Another year's planned money now forecast in this one."""
        return [m for m in self.moves if m.to_year == self.year]

    @property
    def is_signed_off(self) -> bool:
        return bool(self.row and self.row.is_signed_off)

    @property
    def adjusted_since_sign_off(self) -> bool:
        row = self.row
        return self.is_signed_off and row is not None and row.signed_off_amount != self.actual


def benefit_profile(benefit: FinancialBenefit, years: list[int] | None = None) -> list[ProfileRow]:
    """Plan, forecast and actual by year, incremental and budget effect, with
    the variance split. Years run over the MTFP range and any profiled year."""
    rows = {row.year: row for row in benefit.years.select_related("signed_off_by")}
    actuals = dict(
        benefit.actuals.order_by()
        .values("year")
        .annotate(total=Sum("amount"))
        .values_list("year", "total")
    )
    seen = set(years or []) | set(rows) | set(actuals)
    if not seen:
        return []
    span = list(range(min(seen), max(seen) + 1))
    plan = {y: rows[y].plan if y in rows else ZERO for y in span}
    forecast = {y: rows[y].forecast if y in rows else ZERO for y in span}
    actual = {y: actuals.get(y, ZERO) for y in span}
    recurring = benefit.is_recurring
    effects = [
        money.full_year_effect(p, recurring=recurring, years=span) for p in (plan, forecast, actual)
    ]
    split = money.variance_split(plan, forecast)
    return [
        ProfileRow(
            year=y,
            plan=plan[y],
            forecast=forecast[y],
            actual=actual[y],
            plan_effect=effects[0][y],
            forecast_effect=effects[1][y],
            actual_effect=effects[2][y],
            row=rows.get(y),
            slipped=split[y].slipped,
            lost=split[y].lost,
            new=split[y].new,
            moves=split[y].moves,
        )
        for y in span
    ]


def benefit_actuals(benefit: FinancialBenefit):
    return benefit.actuals.select_related("entered_by").order_by("-month", "-pk")


def benefit_events(benefit: FinancialBenefit):
    return benefit.events.select_related("by")


@dataclass(frozen=True)
class SignOff:
    """One year's finance sign-off as one user sees it before pressing
    anything: whether they may sign it off, why not, and who can.

    The rules are benefits.services.sign_off_refusal's (segregation of
    duties) and pmo.permissions' (who holds the Finance role); this only
    asks them.
    """

    year: int
    may_sign: bool
    # Why this user cannot, in a sentence; "" when they may, or when they
    # hold no sign-off role at all (the page then just names who does).
    refusal: str
    # The finance officers who could sign the year off now.
    signers: list
    is_running: bool

    @property
    def label(self) -> str:
        return money.fy_label(self.year)


def sign_offs(
    benefit: FinancialBenefit, user, years: Iterable[int], today: datetime.date
) -> dict[int, SignOff]:
    """The sign-off of each of `years` that can be signed off now or soon
    (profiled, not signed off, started), for `user`. Two queries for the
    finance officers and one for who entered each year's actuals."""
    rows = {row.year: row for row in benefit.years.all()}
    enterers: dict[int, set[int]] = defaultdict(set)
    for year, entered_by in benefit.actuals.order_by().values_list("year", "entered_by").distinct():
        enterers[year].add(entered_by)
    officers = [u for u in holders_of(Role.FINANCE) if can(u, "sign_off_benefit", benefit)]
    holds_role = can(user, "sign_off_benefit", benefit)
    result = {}
    for year in years:
        row = rows.get(year)
        if row is None or row.is_signed_off or year > money.financial_year_of(today):
            continue

        def refusal(who, row=row, year=year):
            return services.sign_off_refusal(
                row=row, year=year, by=who, enterers=enterers[year], today=today
            )

        mine = refusal(user) if holds_role else None
        result[year] = SignOff(
            year=year,
            may_sign=holds_role and mine is None,
            refusal=mine or "",
            signers=[u for u in officers if refusal(u) is None],
            is_running=services.is_running_year(year, today),
        )
    return result


# --- Portfolio profile frames (summary, exports, pack) -----------------------


def profile_frame(queryset=None) -> pd.DataFrame:
    """One row per benefit and year: plan, forecast, actual (incremental),
    with what the pivots group by. Two queries. Money stays Decimal (object
    columns); sums use Python's Decimal addition, never float."""
    qs = FinancialBenefit.objects.counted() if queryset is None else queryset
    ids = qs.values("pk")
    years = list(
        BenefitYear.objects.filter(benefit__in=ids)
        .order_by()
        .values(
            "benefit_id",
            "year",
            "plan",
            "forecast",
            "benefit__recurrence",
            "benefit__directorate__name",
            "benefit__mtfp_category",
            "benefit__project_id",
        )
    )
    actuals = list(
        BenefitActual.objects.filter(benefit__in=ids)
        .order_by()
        .values(
            "benefit_id",
            "year",
            "benefit__recurrence",
            "benefit__directorate__name",
            "benefit__mtfp_category",
            "benefit__project_id",
        )
        .annotate(actual=Sum("amount"))
    )
    keyed: dict[tuple, dict] = {}
    for row in years:
        keyed[(row["benefit_id"], row["year"])] = {**row, "actual": ZERO}
    for actual_row in actuals:
        key = (actual_row["benefit_id"], actual_row["year"])
        if key in keyed:
            keyed[key]["actual"] = actual_row["actual"]
        else:
            keyed[key] = {**actual_row, "plan": ZERO, "forecast": ZERO}
    columns = [
        "benefit_id",
        "year",
        "plan",
        "forecast",
        "actual",
        "recurrence",
        "directorate",
        "mtfp_category",
        "project_id",
    ]
    frame = pd.DataFrame(
        [
            (
                r["benefit_id"],
                r["year"],
                r["plan"],
                r["forecast"],
                r["actual"],
                r["benefit__recurrence"],
                r["benefit__directorate__name"],
                r["benefit__mtfp_category"],
                r["benefit__project_id"],
            )
            for r in keyed.values()
        ],
        columns=columns,
    )
    for name in ("plan", "forecast", "actual"):
        frame[name] = frame[name].astype(object)
    return frame


def summary_frame() -> pd.DataFrame:
    """The portfolio's plan, forecast and actual summed in the database by
    benefiting directorate, MTFP category, recurrence and year (each saving
    counted once): a few hundred rows whatever the size of the book, with
    the columns pivot() and portfolio_trend() read. Three queries; money
    stays Decimal (object columns)."""
    # Grouped on the directorate's id and named afterwards from a handful of
    # rows: joining the directorate to every profile row to carry its name
    # cost a quarter of the query at 100,000 rows.
    keys = ("benefit__directorate_id", "benefit__mtfp_category", "benefit__recurrence", "year")
    counted = Q(benefit__duplicate_of__isnull=True)
    groups: dict[tuple, list] = {}
    for *key, plan, forecast in (
        BenefitYear.objects.filter(counted)
        .order_by()
        .values(*keys)
        .annotate(plan_sum=Sum("plan"), forecast_sum=Sum("forecast"))
        .values_list(*keys, "plan_sum", "forecast_sum")
    ):
        groups[tuple(key)] = [plan, forecast, ZERO]
    for *key, actual in (
        BenefitActual.objects.filter(counted)
        .order_by()
        .values(*keys)
        .annotate(actual_sum=Sum("amount"))
        .values_list(*keys, "actual_sum")
    ):
        groups.setdefault(tuple(key), [ZERO, ZERO, ZERO])[2] = actual
    names = dict(
        Directorate.objects.filter(pk__in={key[0] for key in groups}).values_list("pk", "name")
    )
    frame = pd.DataFrame(
        [
            (names[directorate], category, recurrence, year, *map(money.to_pence, amounts))
            for (directorate, category, recurrence, year), amounts in groups.items()
        ],
        columns=["directorate", "mtfp_category", "recurrence", "year", *MEASURE_COLUMNS],
    )
    for name in MEASURE_COLUMNS:
        frame[name] = frame[name].astype(object)
    return frame


MEASURE_COLUMNS = ("plan", "forecast", "actual")


def _decimal_sum(series) -> Decimal:
    return sum(series, ZERO)


def pivot(frame: pd.DataFrame, by: str, measure: str, years: list[int], view: str = INCREMENTAL):
    """Years down, `by` across, sums of `measure` in the chosen view, with
    a Total column and row. Values are Decimal."""
    if frame.empty:
        table = pd.DataFrame(index=years, dtype=object)
    else:
        table = _pivot_incremental(frame, by, measure, years)
        if view == BUDGET_EFFECT:
            recurring = _pivot_incremental(
                frame[frame["recurrence"] == Recurrence.RECURRING],
                by,
                measure,
                years,
                columns=table.columns,
                since=True,
            )
            one_off = _pivot_incremental(
                frame[frame["recurrence"] != Recurrence.RECURRING],
                by,
                measure,
                years,
                columns=table.columns,
            )
            table = recurring + one_off
    table = table.reindex(sorted(table.columns, key=str), axis=1)
    # pandas-stubs' scalars leave out Decimal, which these object columns hold.
    table["Total"] = [_decimal_sum(table.loc[y, c] for c in table.columns) for y in table.index]  # type: ignore[assignment]
    table.loc["Total"] = [_decimal_sum(table[c]) for c in table.columns]  # type: ignore[assignment]
    return table


def _pivot_incremental(frame, by, measure, years, columns=None, since=False):
    """Sum per year and group. With since=True, each year carries every
    earlier year's amounts too (a recurring saving's full-year effect)."""
    sums: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    groups = set(columns) if columns is not None else set()
    for year, group, amount in zip(frame["year"], frame[by], frame[measure], strict=True):
        groups.add(group)
        if since:
            for y in years:
                if year <= y:
                    sums[(y, group)] += amount
        elif year in years:
            sums[(year, group)] += amount
    table = pd.DataFrame(
        [[sums[(y, g)] for g in sorted(groups, key=str)] for y in years],
        index=years,
        columns=sorted(groups, key=str),
        dtype=object,
    )
    return table


def pivot_rows(table: pd.DataFrame):
    """A pivot as template-friendly rows: (label, [values])."""
    rows = []
    for index, values in table.iterrows():
        label = "Total" if index == "Total" else money.fy_label(int(cast(SupportsInt, index)))
        rows.append((label, list(values)))
    return rows


def portfolio_trend(frame: pd.DataFrame, years: list[int]) -> list[dict]:
    """Plan, forecast and actual by year, incremental and budget effect.
    One pass over the frame's rows (Decimal addition, never float)."""
    if frame.empty:
        return trend_by_year([], years)
    columns = [frame[c] for c in ("year", "recurrence", *MEASURE_COLUMNS)]
    return trend_by_year(zip(*columns, strict=True), years)


def trend_by_year(rows: Iterable[tuple], years: list[int]) -> list[dict]:
    """portfolio_trend() over plain (year, recurrence, plan, forecast,
    actual) tuples, for callers with a few rows each, where building a
    DataFrame per call costs more than the sums."""
    incremental: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    effect: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for year, recurrence, *amounts in rows:
        for measure, amount in zip(MEASURE_COLUMNS, amounts, strict=True):
            incremental[(year, measure)] += amount
            if recurrence == Recurrence.RECURRING:
                for y in years:
                    if year <= y:
                        effect[(y, measure)] += amount
            elif year in years:
                effect[(year, measure)] += amount
    result = []
    for y in years:
        row = {"year": y, "label": money.fy_label(y)}
        for m in MEASURE_COLUMNS:
            row[m] = incremental[(y, m)]
            row[f"{m}_effect"] = effect[(y, m)]
        result.append(row)
    return result


@dataclass
class Waterfall:
    year: int | None
    plan: Decimal = ZERO
    slipped: Decimal = ZERO
    lost: Decimal = ZERO
    new: Decimal = ZERO
    forecast: Decimal = ZERO

    @property
    def label(self) -> str:
        return money.fy_label(self.year) if self.year else "All years"


def waterfall_for_year(year: int) -> Waterfall:
    """The waterfall for one year: benefits.money.variance_split, the one
    rule for slipped and lost, over every counted benefit that has money in
    `year`.

    Whether a year's shortfall slipped or was lost depends on the benefit's
    later (and earlier) years, so each such benefit's whole profile is read.
    A benefit with nothing planned or forecast in `year` adds nothing to it
    (no shortfall, no excess), so only benefits with a row in `year` that
    carries money are read, and of those only their rows with money
    (YEAR_WITH_MONEY): the zeros of a profile change no split. A partial
    covering index holds just those rows, so this reads a fraction of the
    table without touching it. Duplicates are left out by excluding the few
    duplicate ids (a hashed NOT IN) rather than joining every row to its
    benefit to read its flag. One query."""
    duplicates = FinancialBenefit.objects.filter(duplicate_of__isnull=False).values("pk")
    in_year = BenefitYear.objects.filter(YEAR_WITH_MONEY, year=year).values("benefit_id")
    rows = (
        BenefitYear.objects.filter(YEAR_WITH_MONEY, benefit_id__in=in_year)
        .exclude(benefit_id__in=duplicates)
        .order_by()
        .values_list("benefit_id", "year", "plan", "forecast")
    )
    plans: dict[int, dict[int, Decimal]] = defaultdict(dict)
    forecasts: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for benefit_id, y, plan, forecast in rows:
        plans[benefit_id][y] = plan
        forecasts[benefit_id][y] = forecast
    result = Waterfall(year)
    for benefit_id, plan_by_year in plans.items():
        v = money.variance_split(plan_by_year, forecasts[benefit_id])[year]
        result.plan += v.plan
        result.forecast += v.forecast
        result.slipped += v.slipped
        result.lost += v.lost
        result.new += v.new
    for part in ("plan", "forecast", "slipped", "lost", "new"):
        setattr(result, part, money.to_pence(getattr(result, part)))
    return result


def _money_sum(field_name: str, condition: Q | None = None):
    return Coalesce(Sum(field_name, filter=condition), Value(ZERO), output_field=MONEY_FIELD)


# --- Costs, payback and benefit-cost ratio --------------------------------


@dataclass
class Investment:
    """Benefits are the forecast budget effect; costs are money spent."""

    years: list[int]
    benefit: dict[int, Decimal]
    cost: dict[int, Decimal]
    net: dict[int, Decimal] = field(init=False)
    cumulative_net: dict[int, Decimal] = field(init=False)

    def __post_init__(self):
        self.net = {y: self.benefit.get(y, ZERO) - self.cost.get(y, ZERO) for y in self.years}
        self.cumulative_net = money.cumulative(self.net) if self.years else {}

    @property
    def benefit_total(self) -> Decimal:
        return money.total(self.benefit)

    @property
    def cost_total(self) -> Decimal:
        return money.total(self.cost)

    @property
    def net_total(self) -> Decimal:
        return self.benefit_total - self.cost_total

    @property
    def payback_year(self) -> int | None:
        return money.payback_year(self.benefit, self.cost)

    @property
    def bcr(self) -> Decimal | None:
        return money.benefit_cost_ratio(self.benefit_total, self.cost_total)

    def rows(self):
        return [
            {
                "year": y,
                "label": money.fy_label(y),
                "benefit": self.benefit.get(y, ZERO),
                "cost": self.cost.get(y, ZERO),
                "net": self.net[y],
                "cumulative_net": self.cumulative_net[y],
            }
            for y in self.years
        ]


def _benefit_effect_by_year(frame: pd.DataFrame, years: list[int]) -> dict[int, Decimal]:
    trend = portfolio_trend(frame, years)
    return {row["year"]: row["forecast_effect"] for row in trend}


def _cost_by_year(costs) -> dict[int, Decimal]:
    result: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in costs:
        result[row["year"]] += (
            row["capital_one_off"] + row["revenue_one_off"] + row["revenue_ongoing"]
        )
    return dict(result)


def portfolio_investment(frame: pd.DataFrame, years: list[int]) -> Investment:
    costs = (
        ProjectCost.objects.order_by()
        .values("year")
        .annotate(
            capital_one_off=Sum("capital_one_off"),
            revenue_one_off=Sum("revenue_one_off"),
            revenue_ongoing=Sum("revenue_ongoing"),
        )
    )
    cost = _cost_by_year(costs)
    span = sorted(set(years) | set(cost))
    return Investment(span, _benefit_effect_by_year(frame, span), cost)


def project_investment(project, years: list[int]) -> Investment:
    frame = profile_frame(FinancialBenefit.objects.counted().filter(project=project))
    cost = _cost_by_year(
        ProjectCost.objects.filter(project=project).values(
            "year", "capital_one_off", "revenue_one_off", "revenue_ongoing"
        )
    )
    span = sorted(set(years) | set(cost) | set(frame["year"].tolist() if not frame.empty else []))
    return Investment(span, _benefit_effect_by_year(frame, span), cost)


def project_investments(years: list[int], limit: int = 25) -> list[dict]:
    """Per project with an investment profile, largest investment first:
    benefit (forecast budget effect), cost, payback and BCR. Three queries:
    the projects, their costs, and their forecasts summed by year and
    recurrence in the database."""
    from portfolio.models import Project

    projects = list(
        Project.objects.filter(cost_years__isnull=False)
        .annotate(
            invested=Sum("cost_years__capital_one_off")
            + Sum("cost_years__revenue_one_off")
            + Sum("cost_years__revenue_ongoing")
        )
        .order_by("-invested", "number")[:limit]
    )
    costs = ProjectCost.objects.filter(project__in=projects).values(
        "project_id", "year", "capital_one_off", "revenue_one_off", "revenue_ongoing"
    )
    by_project_cost: dict[int, list] = defaultdict(list)
    for row in costs:
        by_project_cost[row["project_id"]].append(row)
    forecasts: dict[int, list] = defaultdict(list)
    for project_id, year, recurrence, forecast in (
        BenefitYear.objects.filter(
            benefit__project__in=projects, benefit__duplicate_of__isnull=True
        )
        .order_by()
        .values("benefit__project_id", "year", "benefit__recurrence")
        .annotate(total=Sum("forecast"))
        .values_list("benefit__project_id", "year", "benefit__recurrence", "total")
    ):
        forecasts[project_id].append((year, recurrence, ZERO, money.to_pence(forecast), ZERO))
    result = []
    for project in projects:
        cost = _cost_by_year(by_project_cost.get(project.pk, []))
        span = sorted(set(years) | set(cost))
        trend = trend_by_year(forecasts.get(project.pk, []), span)
        benefit = {row["year"]: row["forecast_effect"] for row in trend}
        investment = Investment(span, benefit, cost)
        result.append({"project": project, "investment": investment})
    return result


# --- Data quality -------------------------------------------------------------


@dataclass
class DoubleCountFlag:
    budget_code: str
    year: int
    benefits: list[FinancialBenefit]
    resolution: DoubleCountResolution | None

    @property
    def label(self) -> str:
        return money.fy_label(self.year)

    @property
    def key(self) -> str:
        return flag_key(b.pk for b in self.benefits)


def double_count_flags(include_resolved: bool = True) -> list[DoubleCountFlag]:
    """Benefits from different projects claiming the same budget code in the
    same year. Three queries whatever the size of the book."""
    claims = (
        BenefitYear.objects.filter(benefit__duplicate_of__isnull=True)
        .exclude(benefit__budget_code="")
        .exclude(plan=0, forecast=0)
        .order_by()
        .values_list("benefit__budget_code", "year", "benefit_id", "benefit__project_id")
    )
    grouped: dict[tuple, dict[int, int]] = defaultdict(dict)
    for code, year, benefit_id, project_id in claims:
        grouped[(code.strip().upper(), year)][benefit_id] = project_id
    suspicious = {key: ids for key, ids in grouped.items() if len(set(ids.values())) > 1}
    if not suspicious:
        return []
    all_ids = {i for ids in suspicious.values() for i in ids}
    benefits = FinancialBenefit.objects.select_related("project", "owner").in_bulk(all_ids)
    resolutions = {
        (r.budget_code.strip().upper(), r.year, r.benefit_ids): r
        for r in DoubleCountResolution.objects.select_related("resolved_by")
    }
    flags = []
    for (code, year), ids in sorted(suspicious.items()):
        resolution = resolutions.get((code, year, flag_key(ids)))
        if resolution and not include_resolved:
            continue
        flags.append(DoubleCountFlag(code, year, [benefits[i] for i in sorted(ids)], resolution))
    return flags


def benefits_missing_owner_or_baseline():
    return (
        FinancialBenefit.objects.exclude(status=BenefitStatus.WRITTEN_OFF)
        .filter(
            Q(owner__isnull=True) | Q(baseline_value__isnull=True) | Q(baseline_date__isnull=True)
        )
        .select_related("project", "owner")
    )


def plans_not_approved():
    return (
        FinancialBenefit.objects.filter(plan_approved_at__isnull=True)
        .exclude(status=BenefitStatus.WRITTEN_OFF)
        .select_related("project", "owner")
    )


def closed_projects_with_benefits_to_realise():
    """After closure benefits stay with their owner: benefits of closed
    projects, not written off, whose forecast is not yet all realised."""
    forecast = Coalesce(
        Subquery(
            BenefitYear.objects.filter(benefit=OuterRef("pk"))
            .order_by()
            .values("benefit")
            .annotate(t=Sum("forecast"))
            .values("t"),
            output_field=MONEY_FIELD,
        ),
        Value(ZERO),
        output_field=MONEY_FIELD,
    )
    actual = Coalesce(
        Subquery(
            BenefitActual.objects.filter(benefit=OuterRef("pk"))
            .order_by()
            .values("benefit")
            .annotate(t=Sum("amount"))
            .values("t"),
            output_field=MONEY_FIELD,
        ),
        Value(ZERO),
        output_field=MONEY_FIELD,
    )
    return (
        FinancialBenefit.objects.counted()
        .filter(project__stage=Stage.CLOSED)
        .exclude(status__in=[BenefitStatus.WRITTEN_OFF, BenefitStatus.REALISED])
        .annotate(forecast_total=forecast, actual_total=actual)
        .filter(forecast_total__gt=F("actual_total"))
        .annotate(to_realise=F("forecast_total") - F("actual_total"))
        .select_related("project", "owner", "directorate")
        .order_by("project__number", "pk")
    )


# --- Non-financial --------------------------------------------------------------


@dataclass
class OutcomeCard:
    outcome: NonFinancialBenefit
    measurements: list
    status: str
    status_label: str
    figure: dict | None

    @property
    def figure_id(self) -> str:
        return f"kpi-figure-{self.outcome.pk}"


def outcome_cards(outcomes) -> list[OutcomeCard]:
    """KPI cards: each with its status against the straight line from
    baseline to target, and a trend chart with both marked."""
    from benefits.charts import kpi_figure

    cards = []
    for outcome in outcomes:
        measurements = list(outcome.measurements.all())
        status: str
        if outcome.kind == OutcomeKind.MEASURED:
            latest = measurements[-1] if measurements else None
            status = kpi_status(
                baseline=outcome.baseline_value,
                baseline_date=outcome.baseline_date,
                target=outcome.target_value,
                target_date=outcome.target_date,
                higher_is_better=outcome.higher_is_better,
                latest_date=latest.measured_on if latest else None,
                latest_value=latest.value if latest else None,
            )
            figure = kpi_figure(outcome, measurements)
        else:
            status, figure = "narrative", None
        cards.append(
            OutcomeCard(
                outcome,
                measurements,
                str(status),
                KPI_STATUS_LABELS.get(status, "Narrative"),
                figure,
            )
        )
    return cards


def outcomes_queryset():
    return NonFinancialBenefit.objects.select_related("project", "owner").prefetch_related(
        "measurements", "entries__recorded_by"
    )


# --- For other apps ---------------------------------------------------------------


def annual_savings_by_project(
    year: int | None = None, today: datetime.date | None = None
) -> dict[int, Decimal]:
    """{project id: forecast full-year budget effect in `year`} for the
    prioritisation grid's bubble size. One query; each saving counted once."""
    from django.utils import timezone

    year = year if year is not None else money.financial_year_of(today or timezone.localdate())
    # Summed here rather than GROUP BY over the subquery annotation, which
    # PostgreSQL refuses (the subquery refers to an ungrouped column).
    rows = (
        with_year_figures(FinancialBenefit.objects.counted(), year, BUDGET_EFFECT)
        .order_by()
        .values_list("project_id", "forecast_y")
    )
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for project_id, amount in rows:
        totals[project_id] += amount or ZERO
    return {project_id: money.to_pence(total) for project_id, total in totals.items()}


def forecast_savings_by_project(project_ids: Iterable[int]) -> dict[int, Decimal]:
    """{project id: total forecast new (incremental) saving over every year
    profiled}, each saving counted once. One query, summed in the database."""
    rows = (
        BenefitYear.objects.filter(
            benefit__project_id__in=list(project_ids), benefit__duplicate_of__isnull=True
        )
        .values("benefit__project_id")
        .annotate(total=Sum("forecast"))
        .values_list("benefit__project_id", "total")
    )
    return {project_id: money.to_pence(total or ZERO) for project_id, total in rows}


def fte_totals() -> dict[str, Decimal]:
    """Posts reduced: proposed, and confirmed (only confirmed counts as
    realised). Written-off benefits and duplicates are left out."""
    return (
        FinancialBenefit.objects.counted()
        .exclude(status=BenefitStatus.WRITTEN_OFF)
        .aggregate(
            proposed=Coalesce(Sum("fte_proposed"), Value(ZERO), output_field=MONEY_FIELD),
            confirmed=Coalesce(Sum("fte_confirmed"), Value(ZERO), output_field=MONEY_FIELD),
        )
    )
