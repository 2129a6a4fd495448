"""Prioritisation's sections of the packs (contract: see pmo/reports.py).

- The monthly portfolio pack gets the grid snapshot (with the counts per
  range and the impact x risk count matrix as its table alternative) and the
  change-load hotspots.
- The CLT prioritisation pack gets the grid, the counts per range, the
  ranked list with phase and governance route, the hotspots, and the movers
  since the last CLT pack (read from that pack's stored figures, so a
  published pack is compared with what CLT actually saw).

Only moderated assessments count, as on the grid page. The change load is
read as at the month's end (or today, mid-month).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from pmo.models import ReportRun, ReportType, RunStatus
from pmo.reports import Chart, ReportError, Section, Table, month_end
from pmo.spreadsheets import Column
from prioritisation import selectors
from prioritisation.charts import TIER_STYLE, grid_figure
from prioritisation.scoring import Tier

HOTSPOTS_SHOWN = 25
RANKING_KEY = "clt-ranking"


def pack_sections(kind: str, period: datetime.date) -> list[Section]:
    if kind not in (ReportType.PORTFOLIO, ReportType.CLT):
        return []
    try:
        model = selectors.active_model()
    except ObjectDoesNotExist:
        if kind == ReportType.CLT:
            raise ReportError(
                "There is no active scoring model, so projects have no ranges to report. "
                "Activate a scoring model on the prioritisation models page first."
            ) from None
        return []
    as_at = min(month_end(period), timezone.localdate())
    rows = selectors.scored_projects()
    load = selectors.change_load(today=as_at)
    if kind == ReportType.PORTFOLIO:
        return [
            _grid_section("prioritisation-grid", "Prioritisation: the CLT grid", model, rows),
            _hotspots_section("prioritisation-load", load, as_at, slide_tables=False),
        ]
    return [
        _grid_section("clt-grid", "The grid and the count per range", model, rows),
        _ranking_section(rows),
        _hotspots_section("clt-load", load, as_at, slide_tables=True),
        _movers_section(period, rows),
    ]


def _glyph(tier: Tier) -> str:
    return TIER_STYLE[tier]["glyph"]


def _grid_section(key: str, title: str, model, rows) -> Section:
    ranges = selectors.ranges_of(model)
    # The scatter and the matrix take the grid page's narrow points; the
    # counts per range are the grid page's own (one definition, one query).
    points = selectors.grid_points()
    counts = selectors.range_counts()
    matrix = selectors.count_matrix(points, model)
    figure = grid_figure(
        points,
        ranges=ranges,
        impact_threshold=model.impact_threshold,
        risk_threshold=model.risk_threshold,
        size_values={p.project_id: p.investment for p in points},
        size_label="One-off investment",
    )
    unscored = selectors.unscored_count()
    risk_bands = [cell.risk_band for cell in matrix[0]]
    range_rows = [
        {
            "glyph": _glyph(info.tier),
            "label": info.label,
            "quadrant": info.quadrant,
            "governance_route": info.governance_route,
            "reporting_cadence": info.reporting_cadence,
            "count": count,
        }
        for info, count in counts
    ]
    return Section(
        key=key,
        title=title,
        template="prioritisation/_pack_grid.html",
        context={
            "key": key,
            "model": model,
            "figure": figure,
            "ranges": range_rows,
            "matrix": matrix,
            "risk_bands": risk_bands,
            "scored": len(rows),
            "unscored": unscored,
        },
        tables=[
            Table(
                "Projects by range",
                [
                    Column("Range"),
                    Column("Quadrant"),
                    Column("Governance route"),
                    Column("Reporting cadence"),
                    Column("Projects", "integer"),
                ],
                [
                    [
                        r["label"],
                        r["quadrant"],
                        r["governance_route"],
                        r["reporting_cadence"],
                        r["count"],
                    ]
                    for r in range_rows
                ]
                + [["No moderated score yet", "", "", "", unscored]],
            ),
            Table(
                "Impact x risk count matrix",
                [
                    Column("Impact band"),
                    *(Column(f"Risk: {b.label}", "integer") for b in risk_bands),
                ],
                [[cells[0].impact_band.label, *(cell.count for cell in cells)] for cells in matrix],
            ),
        ],
        figures={
            "scoring_model": model.number,
            "scored": len(rows),
            "unscored": unscored,
            "ranges": {r["label"]: r["count"] for r in range_rows},
        },
        charts=[_grid_chart(points, counts)],
    )


def _grid_chart(points, counts) -> Chart:
    """The grid as a native scatter: one series per range, each project at
    (risk, impact). The same points the count matrix and range counts use."""
    by_tier: dict[int, list] = {info.tier: [] for info, _ in counts}
    for point in points:
        by_tier.setdefault(point.range.tier, []).append((point.risk, point.impact))
    series = [(info.label, by_tier[info.tier]) for info, _ in counts]
    described = ", ".join(f"{name} {len(values)}" for name, values in series)
    return Chart(
        title="The grid: impact against risk",
        kind="scatter",
        categories=[],
        series=series,
        alt=(
            f"Scatter chart of {len(points)} scored projects, impact (0 to 100) against risk "
            f"(0 to 100), one colour per range. Projects in each range: {described}."
        ),
        x_title="Risk (0-100)",
        y_title="Impact (0-100)",
        colours=[TIER_STYLE[info.tier]["colour"] for info, _ in counts],
    )


def _phase(row) -> str:
    return row.phase.label if row.phase else "Not phased"


def _ranking_section(rows) -> Section:
    ranked = [
        {
            "rank": r.rank,
            "reference": r.project.reference,
            "title": r.project.title,
            "glyph": _glyph(r.tier),
            "range": r.range.label,
            "impact": r.impact,
            "risk": r.risk,
            "phase": _phase(r),
            "phase_reason": r.phase.reason if r.phase else "",
            "governance_route": r.range.governance_route,
            "stage": r.project.get_stage_display(),
            "directorate": r.project.lead_directorate.name if r.project.lead_directorate else "",
        }
        for r in rows
    ]
    return Section(
        slide_tables=True,
        key=RANKING_KEY,
        title="The ranked list",
        template="prioritisation/_pack_ranking.html",
        context={"ranked": ranked},
        tables=[
            Table(
                "Ranked list",
                [
                    Column("Rank", "integer"),
                    Column("Reference"),
                    Column("Title"),
                    Column("Range"),
                    Column("Impact (0-100)", "number"),
                    Column("Risk (0-100)", "number"),
                    Column("Phase"),
                    Column("Reason for the phase"),
                    Column("Governance route"),
                    Column("Stage"),
                    Column("Lead directorate"),
                ],
                [
                    [
                        r["rank"],
                        r["reference"],
                        r["title"],
                        r["range"],
                        r["impact"],
                        r["risk"],
                        r["phase"],
                        r["phase_reason"],
                        r["governance_route"],
                        r["stage"],
                        r["directorate"],
                    ]
                    for r in ranked
                ],
                csv=True,
            )
        ],
        # What the next CLT pack compares with: each project's range and rank.
        figures={
            "ranked": len(ranked),
            "positions": {
                r.project.reference: {"tier": int(r.tier), "range": r.range.label, "rank": r.rank}
                for r in rows
            },
        },
    )


def _hotspots_section(key: str, load, as_at: datetime.date, *, slide_tables: bool) -> Section:
    """The services over capacity; on slides in the CLT pack, where CLT
    decide what to phase."""
    hotspots = [
        {
            "service": cell.service.name,
            "directorate": cell.service.directorate.name,
            "quarter": cell.quarter_label,
            "load": cell.load,
            "capacity": cell.service.change_capacity,
            "over_by": cell.load - cell.service.change_capacity,
            "projects": ", ".join(e.project.reference for e in cell.entries),
        }
        for cell in load.overloaded
    ]
    services_affected = len({h["service"] for h in hotspots})
    return Section(
        slide_tables=slide_tables,
        key=key,
        title="Change-load hotspots",
        template="prioritisation/_pack_hotspots.html",
        context={
            "key": key,
            "hotspots": hotspots[:HOTSPOTS_SHOWN],
            "hidden": max(len(hotspots) - HOTSPOTS_SHOWN, 0),
            "total": len(hotspots),
            "services_affected": services_affected,
            "quarters": load.quarter_labels,
            "as_at": as_at,
        },
        tables=[
            Table(
                "Change-load hotspots",
                [
                    Column("Service"),
                    Column("Directorate"),
                    Column("Quarter"),
                    Column("Active projects", "integer"),
                    Column("Change capacity", "integer"),
                    Column("Over capacity by", "integer"),
                    Column("Projects"),
                ],
                [
                    [
                        h["service"],
                        h["directorate"],
                        h["quarter"],
                        h["load"],
                        h["capacity"],
                        h["over_by"],
                        h["projects"],
                    ]
                    for h in hotspots
                ],
            )
        ],
        figures={"overloaded_cells": len(hotspots), "services_overloaded": services_affected},
    )


def last_clt_pack(period: datetime.date) -> ReportRun | None:
    """The CLT pack before this month's: the latest earlier month, its
    published version if it has one, else its latest successful version."""
    return (
        ReportRun.objects.filter(
            report_type=ReportType.CLT, status=RunStatus.SUCCEEDED, period__lt=period
        )
        .order_by("-period", "-published", "-version")
        .first()
    )


def movers(previous: dict, rows) -> dict[str, list[dict]]:
    """Compare each project's range and rank with the last pack's. Pure:
    `previous` is {reference: {"tier", "range", "rank"}}."""
    moved, new = [], []
    now = {}
    for r in rows:
        reference = r.project.reference
        now[reference] = r
        before = previous.get(reference)
        row = {
            "reference": reference,
            "title": r.project.title,
            "range": r.range.label,
            "glyph": _glyph(r.tier),
            "rank": r.rank,
        }
        if before is None:
            new.append(row)
        elif before["tier"] != int(r.tier):
            direction = "Up" if int(r.tier) < before["tier"] else "Down"
            moved.append(
                {
                    **row,
                    "range_before": before["range"],
                    "rank_before": before["rank"],
                    # Tier 1 is the most significant; a lower tier number is "up".
                    "direction": direction,
                }
            )
    left = [
        {"reference": reference, "range_before": before["range"], "rank_before": before["rank"]}
        for reference, before in sorted(previous.items())
        if reference not in now
    ]
    return {"moved": moved, "new": new, "left": left}


def _movers_section(period: datetime.date, rows) -> Section:
    previous_run = last_clt_pack(period)
    previous = (
        (previous_run.figures.get(RANKING_KEY) or {}).get("positions") if previous_run else None
    )
    changes = movers(previous, rows) if previous is not None else None
    table_rows = []
    if changes is not None:
        table_rows += [
            [
                "Changed range",
                m["reference"],
                m["title"],
                m["range_before"],
                m["range"],
                m["rank_before"],
                m["rank"],
            ]
            for m in changes["moved"]
        ]
        table_rows += [
            ["Newly ranked", m["reference"], m["title"], "", m["range"], None, m["rank"]]
            for m in changes["new"]
        ]
        table_rows += [
            ["No longer ranked", m["reference"], "", m["range_before"], "", m["rank_before"], None]
            for m in changes["left"]
        ]
    return Section(
        slide_tables=True,
        key="clt-movers",
        title="Movers since the last CLT pack",
        template="prioritisation/_pack_movers.html",
        context={"previous_run": previous_run, "changes": changes},
        tables=[
            Table(
                "Movers since last CLT pack",
                [
                    Column("Change"),
                    Column("Reference"),
                    Column("Title"),
                    Column("Range before"),
                    Column("Range now"),
                    Column("Rank before", "integer"),
                    Column("Rank now", "integer"),
                ],
                table_rows,
            )
        ],
        figures={
            "compared_with": (
                {
                    "run": previous_run.pk,
                    "period": f"{previous_run.period:%Y-%m}",
                    "version": previous_run.version,
                }
                if previous is not None
                else None
            ),
            "changed_range": len(changes["moved"]) if changes else 0,
            "newly_ranked": len(changes["new"]) if changes else 0,
            "no_longer_ranked": len(changes["left"]) if changes else 0,
        },
    )
