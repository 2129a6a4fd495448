"""Reads shared by the prioritisation pages, the exports, the Scores tab and
(through `current_ranges`) the register and dashboard.

Every page reads a fixed number of queries whatever the number of projects:
the current assessment is a flagged row (`is_current`), so "latest
moderated per project" is one indexed filter, and the rest is done in
Python over those rows.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple, TypeVar

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, Rank, RowNumber

from portfolio.models import Project, Service, Stage
from prioritisation.models import (
    Assessment,
    AssessmentStatus,
    CalibrationReference,
    Dimension,
    ModelStatus,
    Phase,
    PhaseChoice,
    PriorityRange,
    ScoringModel,
)
from prioritisation.scoring import (
    BAND_NAMES,
    ModelRules,
    Tier,
    add_quarters,
    band_edges,
    load_of,
    load_status,
    phased_window,
    quarter_end,
    quarter_label,
    quarter_start,
    tier_for,
    what_if,
)

# Closed and stopped projects no longer compete for resources, so they are
# left off the grid and the ranking unless a stage filter asks for them.
PRIORITISED_STAGES = [s for s in Stage if s not in (Stage.CLOSED, Stage.STOPPED)]


# --- Models and ranges -------------------------------------------------------


def active_model() -> ScoringModel:
    return ScoringModel.objects.prefetch_related("criteria", "ranges").get(
        status=ModelStatus.ACTIVE
    )


def model_rules(model: ScoringModel) -> ModelRules:
    criteria = list(model.criteria.all())
    return ModelRules(
        impact_weights={c.code: c.weight for c in criteria if c.dimension == Dimension.IMPACT},
        risk_weights={c.code: c.weight for c in criteria if c.dimension == Dimension.RISK},
        impact_threshold=model.impact_threshold,
        risk_threshold=model.risk_threshold,
    )


@dataclass(frozen=True)
class RangeInfo:
    """A range as users see it: its tier and the name, route and cadence
    the PMO gave it in the model version that scored the project."""

    tier: Tier
    name: str
    governance_route: str
    reporting_cadence: str

    @property
    def label(self) -> str:
        return f"Tier {int(self.tier)}: {self.name}"

    @property
    def quadrant(self) -> str:
        return self.tier.quadrant

    @classmethod
    def of(cls, priority_range: PriorityRange) -> RangeInfo:
        return cls(
            Tier(priority_range.tier),
            priority_range.name,
            priority_range.governance_route,
            priority_range.reporting_cadence,
        )


def ranges_by_model() -> dict[tuple[int, int], RangeInfo]:
    return {(r.model_id, r.tier): RangeInfo.of(r) for r in PriorityRange.objects.all()}


def ranges_of(model: ScoringModel) -> list[RangeInfo]:
    return [RangeInfo.of(r) for r in model.ranges.all()]


def current_ranges(project_ids: Iterable[int] | None = None) -> dict[int, RangeInfo]:
    """{project id: RangeInfo} for projects with a moderated score, for the
    register column and filter and the dashboard. One query: each current
    assessment joined to its model version's range for its tier."""
    current = Assessment.objects.filter(is_current=True).order_by()
    if project_ids is not None:
        current = current.filter(project_id__in=list(project_ids))
    rows = current.alias(
        range=FilteredRelation("model__ranges", condition=Q(model__ranges__tier=F("tier")))
    ).values_list(
        "project_id", "tier", "range__name", "range__governance_route", "range__reporting_cadence"
    )
    return {
        project_id: RangeInfo(Tier(tier), name, route, cadence)
        for project_id, tier, name, route, cadence in rows
    }


def active_ranges() -> list[RangeInfo]:
    """The active model's four ranges, in tier order (one query; empty if no
    model is active)."""
    return [
        RangeInfo.of(r)
        for r in PriorityRange.objects.filter(model__status=ModelStatus.ACTIVE).order_by("tier")
    ]


def range_counts(filters: ProjectFilters | None = None) -> list[tuple[RangeInfo, int]]:
    """How many projects sit in each range of the active model: the projects
    on the grid (a moderated score, in the prioritised stages unless a stage
    filter asks otherwise), counted by their tier. The one definition the
    grid page, the dashboard and both packs use, so they cannot disagree.
    One query; empty if no model is active."""
    in_range = (
        (filters or ProjectFilters())
        .apply(Assessment.objects.filter(is_current=True, tier=OuterRef("tier")))
        .order_by()
        .values("tier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        PriorityRange.objects.filter(model__status=ModelStatus.ACTIVE)
        .annotate(n=Coalesce(Subquery(in_range), 0))
        .order_by("tier")
    )
    return [(RangeInfo.of(r), r.n) for r in rows]


# A project, or a project with a page's annotations (the register's).
_Project = TypeVar("_Project", bound=Project)


def projects_in_tier(projects: QuerySet[_Project], tier: int) -> QuerySet[_Project]:
    """Filter a project queryset (e.g. the register's) to one current range."""
    return projects.filter(assessments__is_current=True, assessments__tier=tier)


def annual_savings_by_project(project_ids: Iterable[int]) -> dict[int, Decimal]:
    """{project id: annual saving} for the grid's bubble size: the benefits
    tracker's forecast full-year budget effect this financial year, each
    saving counted once (benefits owns the arithmetic)."""
    from benefits.selectors import annual_savings_by_project as savings_this_year

    wanted = set(project_ids)
    return {pid: amount for pid, amount in savings_this_year().items() if pid in wanted}


# --- Scored projects: the grid and the ranking -------------------------------


@dataclass(frozen=True)
class ProjectFilters:
    directorate_id: int | None = None
    workstream_id: int | None = None
    stage: str | None = None
    phase: str | None = None  # a PhaseChoice value, or "none" for not yet phased

    @property
    def active(self) -> bool:
        """Whether any filter is set (the page then says "matching the filters")."""
        return any((self.directorate_id, self.workstream_id, self.stage, self.phase))

    def apply(self, assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
        if self.directorate_id:
            assessments = assessments.filter(project__lead_directorate_id=self.directorate_id)
        if self.workstream_id:
            assessments = assessments.filter(project__workstream_id=self.workstream_id)
        if self.stage:
            assessments = assessments.filter(project__stage=self.stage)
        else:
            assessments = assessments.filter(project__stage__in=PRIORITISED_STAGES)
        if self.phase == "none":
            assessments = assessments.filter(project__phase__isnull=True)
        elif self.phase:
            assessments = assessments.filter(project__phase__phase=self.phase)
        return assessments


@dataclass
class ScoredProject:
    project: Project
    assessment_id: int
    impact: Decimal
    risk: Decimal
    range: RangeInfo
    assessed_on: datetime.date
    model_number: int
    phase: Phase | None
    rank: int = 0

    @property
    def tier(self) -> Tier:
        return self.range.tier

    @property
    def investment(self) -> Decimal:
        return self.project.total_investment


PRIORITY_RANK = Window(Rank(), order_by=[F("impact").desc(), F("risk").asc()])
PRIORITY_ORDER = ("-impact", "risk", "project__number")


def ranked_assessments(filters: ProjectFilters | None = None) -> QuerySet[Assessment]:
    """Current (moderated) assessments matching the filters, in priority
    order, each annotated with its `rank` among them. The rank is worked
    out by the database (RANK() OVER: higher impact first, then lower risk,
    ties share a rank, as scoring.priority_ranks), so no page has to load
    every project to number its own rows."""
    return (
        (filters or ProjectFilters())
        .apply(Assessment.objects.filter(is_current=True))
        .annotate(rank=PRIORITY_RANK)
        .select_related(
            "model",
            "project",
            "project__lead_directorate",
            "project__workstream",
            "project__phase",
        )
        .order_by(*PRIORITY_ORDER)
    )


def ranking_order(filters: ProjectFilters | None = None) -> QuerySet:
    """(assessment id, rank) pairs in priority order: narrow rows, so the
    database ranks and sorts the whole portfolio in memory and a page of
    the ranking slices 100 of them (LIMIT/OFFSET). See scored_page."""
    return (
        (filters or ProjectFilters())
        .apply(Assessment.objects.filter(is_current=True))
        .annotate(rank=PRIORITY_RANK)
        .order_by(*PRIORITY_ORDER)
        .values_list("pk", "rank")
    )


def scored_page(pairs: Iterable[tuple[int, int]]) -> list[ScoredProject]:
    """The ScoredProjects for a page of `ranking_order`, in its order and
    with its ranks. Two queries (the page's assessments in full; the ranges)."""
    ranks = dict(pairs)
    assessments = Assessment.objects.filter(pk__in=list(ranks)).select_related(
        "model", "project", "project__lead_directorate", "project__workstream", "project__phase"
    )
    by_id = {a.pk: a for a in assessments}
    rows = scored_rows([by_id[pk] for pk in ranks], ranges_by_model())
    for row in rows:
        row.rank = ranks[row.assessment_id]
    return rows


def scored_rows(
    assessments: Iterable[Assessment], ranges: dict[tuple[int, int], RangeInfo]
) -> list[ScoredProject]:
    """ScoredProjects from assessments read by `ranked_assessments`."""
    return [
        ScoredProject(
            project=a.project,
            assessment_id=a.pk,
            impact=a.impact,
            risk=a.risk,
            range=ranges[(a.model_id, a.tier)],
            assessed_on=a.assessed_on,
            model_number=a.model.number,
            phase=getattr(a.project, "phase", None),
            rank=getattr(a, "rank", 0),
        )
        for a in assessments
    ]


def scored_projects(filters: ProjectFilters | None = None) -> list[ScoredProject]:
    """Projects with a current (moderated) assessment, in priority order,
    each with its rank, for the exports. Two queries."""
    ranges = ranges_by_model()
    return scored_rows(ranked_assessments(filters), ranges)


class GridPoint(NamedTuple):
    """One project on the grid: only what the scatter, the count matrix and
    the range counts need, read as plain values (no model instances; a
    tuple, the cheapest record to build 10,000 of), so the whole portfolio
    fits in one narrow query."""

    project_id: int
    reference: str
    title: str
    impact: Decimal
    risk: Decimal
    range: RangeInfo
    investment: Decimal

    @property
    def tier(self) -> Tier:
        return self.range.tier


def grid_points(filters: ProjectFilters | None = None) -> list[GridPoint]:
    """Every project with a current (moderated) assessment matching the
    filters, in no particular order. Two queries (the points; the ranges)."""
    ranges = ranges_by_model()
    rows = (
        (filters or ProjectFilters())
        .apply(Assessment.objects.filter(is_current=True))
        .order_by()  # the scatter needs no order; sorting 10,000 rows costs
        .annotate(investment=F("project__capital_investment") + F("project__revenue_investment"))
        .values_list(
            "project_id",
            "project__reference",
            "project__title",
            "impact",
            "risk",
            "model_id",
            "tier",
            "investment",
        )
    )
    return [
        GridPoint(pid, ref, title, impact, risk, ranges[(model_id, tier)], investment)
        for pid, ref, title, impact, risk, model_id, tier, investment in rows
    ]


def scored_in_cell(
    filters: ProjectFilters | None, model: ScoringModel, impact_band: Band, risk_band: Band
) -> list[ScoredProject]:
    """The scored projects in one cell of the count matrix (its impact and
    risk bands), read in full for the list under the grid. Two queries."""
    assessments = ranked_assessments(filters).filter(
        **_band_lookup("impact", impact_band), **_band_lookup("risk", risk_band)
    )
    return scored_rows(assessments, ranges_by_model())


def _band_lookup(field_name: str, band: Band) -> dict:
    # The same edges as scoring.band_of: a band holds low <= score < high,
    # and the last band runs up to and including 100.
    lookup = {f"{field_name}__gte": band.low}
    if not band.is_last:
        lookup[f"{field_name}__lt"] = band.high
    return lookup


def unscored_count(filters: ProjectFilters | None = None) -> int:
    """Projects in the prioritised stages with no moderated score yet."""
    filters = filters or ProjectFilters()
    projects = Project.objects.exclude(assessments__is_current=True)
    if filters.stage:
        projects = projects.filter(stage=filters.stage)
    else:
        projects = projects.filter(stage__in=PRIORITISED_STAGES)
    if filters.directorate_id:
        projects = projects.filter(lead_directorate_id=filters.directorate_id)
    if filters.workstream_id:
        projects = projects.filter(workstream_id=filters.workstream_id)
    if filters.phase == "none":
        projects = projects.filter(phase__isnull=True)
    elif filters.phase:
        projects = projects.filter(phase__phase=filters.phase)
    return projects.count()


def open_assessments() -> list[Assessment]:
    """Submitted and draft assessments, submitted first and oldest first."""
    queue = Assessment.objects.exclude(status=AssessmentStatus.MODERATED).select_related(
        "project", "model", "assessor"
    )
    return sorted(
        queue,
        key=lambda a: (a.status != AssessmentStatus.SUBMITTED, a.submitted_at or a.created_at),
    )


# --- The accessible count matrix -------------------------------------------


@dataclass
class Band:
    index: int
    name: str
    low: Decimal
    high: Decimal
    is_last: bool

    @property
    def label(self) -> str:
        upper = "100" if self.is_last else f"under {self.high}"
        return f"{self.name} ({self.low} to {upper})"


def bands(threshold: Decimal) -> list[Band]:
    edges = band_edges(threshold)
    return [Band(i, BAND_NAMES[i], edges[i], edges[i + 1], is_last=i == 3) for i in range(4)]


@dataclass
class MatrixCell:
    impact_band: Band
    risk_band: Band
    tier: Tier
    count: int = 0
    # Listed only for the selected cell (see scored_in_cell).
    projects: list[ScoredProject] = field(default_factory=list)


def count_matrix(rows: list[GridPoint], model: ScoringModel) -> list[list[MatrixCell]]:
    """Impact bands (rows, highest first) x risk bands (columns, lowest
    first). Each cell lies wholly inside one range, because the bands are
    cut at the thresholds."""
    impact_bands = bands(model.impact_threshold)
    risk_bands = bands(model.risk_threshold)
    matrix = {
        (i.index, r.index): MatrixCell(
            i, r, tier_for(i.low, r.low, model.impact_threshold, model.risk_threshold)
        )
        for i in impact_bands
        for r in risk_bands
    }
    # band_of, with the edges worked out once rather than per project.
    impact_edges = band_edges(model.impact_threshold)[1:4]
    risk_edges = band_edges(model.risk_threshold)[1:4]
    for row in rows:
        matrix[
            (bisect_right(impact_edges, row.impact), bisect_right(risk_edges, row.risk))
        ].count += 1
    return [[matrix[(i.index, r.index)] for r in risk_bands] for i in reversed(impact_bands)]


# --- Change load -------------------------------------------------------------


@dataclass
class LoadEntry:
    project: Project
    load: int
    range: RangeInfo | None
    phase: Phase | None


@dataclass
class LoadCell:
    """One service in one quarter. The counts are worked out for every
    cell; the projects behind them (`entries`, `deferred`) are read only
    when a cell's are asked for, one query for that cell, so the page reads
    the whole portfolio as narrow rows and lists a single cell in full."""

    service: Service
    quarter: datetime.date
    load: int = 0
    count: int = 0
    deferred_count: int = 0
    index: int = 0
    # (project id, quarter indexes it loads, quarter indexes phasing moved it
    # out of) for every project affecting the service, shared by its cells.
    members: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = field(
        default_factory=list, repr=False, compare=False
    )
    _loader: ChangeLoad | None = field(default=None, repr=False, compare=False)

    @property
    def entry_ids(self) -> list[int]:
        return [pid for pid, loaded, _ in self.members if self.index in loaded]

    @property
    def deferred_ids(self) -> list[int]:
        return [pid for pid, _, moved in self.members if self.index in moved]

    @cached_property
    def entries(self) -> list[LoadEntry]:
        return self._loader.entries_for(self.entry_ids) if self._loader else []

    @cached_property
    def deferred(self) -> list[LoadEntry]:
        return self._loader.entries_for(self.deferred_ids) if self._loader else []

    @property
    def status(self) -> str:
        return load_status(self.load, self.service.change_capacity)

    @property
    def quarter_label(self) -> str:
        return quarter_label(self.quarter)


@dataclass
class ChangeLoad:
    quarters: list[datetime.date]
    rows: list[tuple[Service, list[LoadCell]]]
    weighted: bool
    ranges: dict[int, RangeInfo] | None = field(default=None, repr=False)

    @property
    def quarter_labels(self) -> list[str]:
        return [quarter_label(q) for q in self.quarters]

    @property
    def overloaded(self) -> list[LoadCell]:
        """Overloaded cells, worst first (most load beyond capacity), then soonest."""
        cells = [cell for _, cells in self.rows for cell in cells if cell.status == "over"]
        return sorted(cells, key=lambda c: (c.service.change_capacity - c.load, c.quarter))

    def cell(self, service_id: int, quarter: datetime.date) -> LoadCell | None:
        for service, cells in self.rows:
            if service.pk == service_id:
                for cell in cells:
                    if cell.quarter == quarter:
                        return cell
        return None

    def entries_for(self, project_ids: list[int]) -> list[LoadEntry]:
        """The projects behind a cell, in the order they were counted: one
        query, plus two for their ranges (current_ranges) when not weighted."""
        projects = Project.objects.select_related("phase").in_bulk(project_ids)
        ranges = self.ranges if self.ranges is not None else current_ranges(project_ids)
        entries = []
        for pid in project_ids:
            project = projects[pid]
            project_range = ranges.get(pid)
            entries.append(
                LoadEntry(
                    project,
                    load_of(project_range.tier if project_range else None, weighted=self.weighted),
                    project_range,
                    getattr(project, "phase", None),
                )
            )
        return entries


def change_load(
    *,
    today: datetime.date,
    weighted: bool = False,
    directorate_id: int | None = None,
    quarters: int = 8,
) -> ChangeLoad:
    """Services x the next `quarters` financial quarters (this one first).

    A cell holds the active projects (Discovery to Transition) affecting the
    service whose phased window (see scoring.phased_window: planned start to
    forecast end, else planned end, moved by the project's phase) overlaps
    the quarter. The load is their count, or with `weighted` the sum of
    scoring.TIER_LOAD by their current range. A cell also counts the
    projects that phasing has moved out of it, so the relief shows.

    Two queries: services; and one narrow row per active project and service
    it affects, walked once. Weighting adds two (current_ranges). A cell's
    projects are read only when asked for (LoadCell.entries).
    """
    first = quarter_start(today)
    quarter_starts = [add_quarters(first, n) for n in range(quarters)]
    quarter_spans = [(q, quarter_end(q)) for q in quarter_starts]
    services_query = Service.objects.select_related("directorate")
    if directorate_id:
        services_query = services_query.filter(directorate_id=directorate_id)
    services = list(services_query)
    # Ranges only count towards the load when weighting; otherwise a cell's
    # projects read their own when listed (ChangeLoad.entries_for).
    result = ChangeLoad(quarter_starts, [], weighted, current_ranges() if weighted else None)
    cells_by_service = {
        s.pk: [LoadCell(s, q, _loader=result) for q in quarter_starts] for s in services
    }
    result.rows = [(s, cells_by_service[s.pk]) for s in services]
    rows = (
        Project.objects.active()
        .order_by("pk")
        .values_list(
            "pk",
            "planned_start",
            "planned_end",
            "forecast_end",
            "phase__phase",
            "phase__target_quarter",
            "services",
        )
    )
    # Which quarters a project loads, and which phasing moved it out of,
    # depend only on its dates and phase: worked out once per distinct
    # (start, end, phase, target), then each row adds its load to plain
    # lists of ints (cells are filled in at the end).
    spans: dict[tuple, tuple[tuple[int, ...], tuple[int, ...]]] = {}
    totals = {pk: [0] * quarters for pk in cells_by_service}
    counts = {pk: [0] * quarters for pk in cells_by_service}
    deferred_counts = {pk: [0] * quarters for pk in cells_by_service}
    members: dict[int, list[tuple[int, tuple[int, ...], tuple[int, ...]]]] = {
        pk: [] for pk in cells_by_service
    }
    for pid, start, planned_end, forecast_end, phase, target, service_id in rows:
        service_members = members.get(service_id)
        if service_members is None:
            continue
        key = (start, forecast_end or planned_end, phase, target)
        span = spans.get(key)
        if span is None:
            span = spans[key] = _quarters_loaded(key, quarter_spans, today)
        loaded, moved = span
        if not loaded and not moved:
            continue
        service_members.append((pid, loaded, moved))
        if loaded:
            project_range = result.ranges.get(pid) if weighted else None  # type: ignore[union-attr]
            load = load_of(project_range.tier if project_range else None, weighted=weighted)
            service_totals, service_counts = totals[service_id], counts[service_id]
            for index in loaded:
                service_totals[index] += load
                service_counts[index] += 1
        for index in moved:
            deferred_counts[service_id][index] += 1
    for service_id, cells in cells_by_service.items():
        for index, cell in enumerate(cells):
            cell.load = totals[service_id][index]
            cell.count = counts[service_id][index]
            cell.deferred_count = deferred_counts[service_id][index]
            cell.members = members[service_id]
            cell.index = index
    return result


def _quarters_loaded(
    key: tuple, quarter_spans: list[tuple[datetime.date, datetime.date]], today: datetime.date
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(indexes of the quarters a project loads after phasing, indexes of
    those phasing moved it out of) for key = (start, end, phase, target)."""
    start, end, phase, target = key
    window = phased_window(start, end, today=today, phase=phase, target_quarter=target)
    unphased = phased_window(start, end, today=today, phase=None) if phase else window
    loaded, moved = [], []
    for index, (q_start, q_end) in enumerate(quarter_spans):
        if window and window[0] <= q_end and window[1] >= q_start:
            loaded.append(index)
        elif unphased and unphased[0] <= q_end and unphased[1] >= q_start:
            moved.append(index)
    return tuple(loaded), tuple(moved)


# --- What-if and calibration -------------------------------------------------


@dataclass
class MoverRow:
    project: Project
    before: RangeInfo
    after: RangeInfo
    impact_before: Decimal
    risk_before: Decimal
    impact_after: Decimal
    risk_after: Decimal


@dataclass
class CalibrationRow:
    reference: CalibrationReference
    expected: RangeInfo
    current: RangeInfo | None
    draft: RangeInfo | None

    @property
    def draft_disagrees(self) -> bool:
        return self.draft is not None and self.draft.tier != self.expected.tier


@dataclass
class Preview:
    movers: list[MoverRow]
    # (active range, draft range, count before, count after, change)
    counts: list[tuple[RangeInfo, RangeInfo, int, int, int]]
    calibration: list[CalibrationRow]
    scored: int

    @property
    def disagreements(self) -> list[CalibrationRow]:
        return [row for row in self.calibration if row.draft_disagrees]


def what_if_preview(draft: ScoringModel) -> Preview:
    """Rescore every project's current levels under the draft: who moves
    range, the count per range before and after, and where the draft
    disagrees with the calibration set."""
    active = active_model()
    current = list(
        Assessment.objects.filter(is_current=True)
        .select_related("project")
        .prefetch_related("scores__criterion")
    )
    levels = {a.project_id: {s.criterion.code: s.level for s in a.scores.all()} for a in current}
    projects = {a.project_id: a.project for a in current}
    result = what_if(levels, model_rules(active), model_rules(draft))
    active_ranges = {r.tier: r for r in ranges_of(active)}
    draft_ranges = {r.tier: r for r in ranges_of(draft)}
    movers = [
        MoverRow(
            projects[m.key],
            active_ranges[m.before],
            draft_ranges[m.after],
            m.impact_before,
            m.risk_before,
            m.impact_after,
            m.risk_after,
        )
        for m in sorted(result.movers, key=lambda m: projects[m.key].number)
    ]
    counts = [
        (
            active_ranges[t],
            draft_ranges[t],
            result.counts_before[t],
            result.counts_after[t],
            result.counts_after[t] - result.counts_before[t],
        )
        for t in Tier
    ]
    current_tiers = {a.project_id: Tier(a.tier) for a in current}
    calibration = [
        CalibrationRow(
            reference,
            draft_ranges[Tier(reference.expected_tier)],
            active_ranges[current_tiers[reference.project_id]]
            if reference.project_id in current_tiers
            else None,
            draft_ranges[result.tiers_after[reference.project_id]]
            if reference.project_id in result.tiers_after
            else None,
        )
        for reference in CalibrationReference.objects.select_related("project")
    ]
    return Preview(movers, counts, calibration, len(current))


# --- Roadmap -----------------------------------------------------------------

ROADMAP_CELL_LIMIT = 8


@dataclass
class RoadmapCell:
    count: int = 0
    projects: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.projects)


@dataclass
class Roadmap:
    """Projects by workstream and phase: Now, Next, Later, each target
    quarter in date order, and those not phased yet. Each cell holds its
    count and its first few projects by number."""

    columns: list[str]
    # (workstream, its cells in the columns' order)
    rows: list[tuple[str, list[RoadmapCell]]]

    def totals(self) -> list[int]:
        return [sum(cells[i].count for _, cells in self.rows) for i in range(len(self.columns))]


def _roadmap_key(phase: str | None, quarter: datetime.date | None) -> str:
    if phase is None:
        return "unphased"
    return f"quarter:{quarter.isoformat()}" if quarter else phase


def roadmap() -> Roadmap:
    """Two queries however many projects: the counts by workstream and
    phase, and the first few of each cell (a window over the same split)."""
    projects = Project.objects.filter(stage__in=PRIORITISED_STAGES)
    split = ("workstream__name", "phase__phase", "phase__target_quarter")
    counts = projects.values(*split).annotate(n=Count("pk")).order_by()
    first_few = (
        projects.annotate(
            place=Window(
                RowNumber(),
                partition_by=[F(name) for name in split],
                order_by=F("number").asc(),
            )
        )
        .filter(place__lte=ROADMAP_CELL_LIMIT)
        .values("reference", "title", *split)
        .order_by("number")
    )
    quarters = sorted(
        {row["phase__target_quarter"] for row in counts if row["phase__target_quarter"]}
    )
    columns: list[tuple[str, str]] = [
        (PhaseChoice.NOW, "Now"),
        (PhaseChoice.NEXT, "Next"),
        (PhaseChoice.LATER, "Later"),
    ]
    columns += [(f"quarter:{q.isoformat()}", quarter_label(q)) for q in quarters]
    columns += [("unphased", "Not phased yet")]
    by_workstream: dict[str, dict[str, RoadmapCell]] = {}

    def cell(row) -> RoadmapCell:
        cells = by_workstream.setdefault(row["workstream__name"] or "", {})
        key = _roadmap_key(row["phase__phase"], row["phase__target_quarter"])
        return cells.setdefault(key, RoadmapCell())

    for row in counts:
        cell(row).count = row["n"]
    for row in first_few:
        cell(row).projects.append(row)
    names = sorted(by_workstream, key=lambda name: (name == "", name))
    rows = [
        (
            name or "No workstream",
            [by_workstream[name].get(key, RoadmapCell()) for key, _ in columns],
        )
        for name in names
    ]
    return Roadmap([label for _, label in columns], rows)
