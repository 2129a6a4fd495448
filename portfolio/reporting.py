"""The portfolio register's sections of the monthly pack (contract: see
pmo/reports.py).

Three sections: the portfolio at a glance (counts by stage and range,
delivery confidence against last month), the exceptions (the honest part:
Red and Amber/Red with their path to green, overdue milestones, missing
updates, Green overrides and who justified them), and the month ahead (gates
and decisions due, escalated risks).

A month's ratings are that month's highlight reports only: a project with no
update for the month shows "No update", never an older rating.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from pmo.charts import BASE_LAYOUT, PALETTE, RAG_COLOURS, bar_figure
from pmo.reports import Chart, Section, Table, month_end, next_month, previous_month
from pmo.spreadsheets import Column
from portfolio.models import (
    REPORTING_STAGES,
    Gate,
    GateDecision,
    Project,
    RaidStatus,
    Risk,
    Stage,
    StatusUpdate,
)
from portfolio.rag import RAG, SCALES, SEVERITY, rag_label
from portfolio.selectors import overdue_milestones, stage_counts
from prioritisation import selectors as prioritisation_selectors

TOP_RISKS = 10
NO_UPDATE = "No update"

# Counts by range are prioritisation's: `range_counts()` gives [(RangeInfo,
# count)] for the active scoring model, counted as on the grid (moderated
# scores only, closed and stopped projects left off), and `unscored_count()`
# the live projects with no moderated score yet.
NOT_SCORED = "No moderated score yet"


def pack_sections(kind: str, period: datetime.date) -> list[Section]:
    if kind != "portfolio":
        return []
    facts = _PortfolioFacts(period)
    return [facts.overview(), facts.exceptions(), facts.month_ahead(), partners_section(period)]


def range_counts() -> list[dict] | None:
    """[{"label": "Tier 1: Major corporate", "count": 12, ...}, ...] with a
    last row for projects not scored yet; None if no model is active."""
    counted = prioritisation_selectors.range_counts()
    if not counted:  # no active scoring model
        return None
    rows = [
        {"label": info.label, "governance_route": info.governance_route, "count": count}
        for info, count in counted
    ]
    rows.append(
        {
            "label": NOT_SCORED,
            "governance_route": "",
            "count": prioritisation_selectors.unscored_count(),
        }
    )
    return rows


def partners_section(period: datetime.date) -> Section:
    """The strategic partners' section (portfolio.partners.reporting), with
    its three lists as sheets of the workbook too."""
    from portfolio.partners.reporting import pack_section

    part = pack_section(period)
    context = part["context"]
    overdue = context["overdue_reviews"]
    not_started = context["kt_not_started"]
    ending = context["contracts_ending"]
    return Section(
        key="partners",
        title=part["title"],
        template=part["template"],
        context=context,
        tables=[
            Table(
                "Partner reviews overdue",
                [
                    Column("Partner"),
                    Column("Last review", "date"),
                    Column("Review was due", "date"),
                    Column("Active engagements", "integer"),
                ],
                [
                    [
                        row.partner.name,
                        row.latest_review.review_date if row.latest_review else None,
                        row.next_review_due,
                        row.active_engagements,
                    ]
                    for row in overdue
                ],
            ),
            Table(
                "Knowledge transfer not started",
                [
                    Column("Partner"),
                    Column("Engagement"),
                    Column("Project or workstream"),
                    Column("Ends", "date"),
                    Column("Internal counterpart"),
                ],
                [
                    [
                        e.partner.name,
                        e.title,
                        f"{e.project.reference} {e.project.title}"
                        if e.project
                        else f"Workstream: {e.workstream.name}",
                        e.end_date,
                        e.kt_counterpart or "Not named",
                    ]
                    for e in not_started
                ],
            ),
            Table(
                "Partner contracts ending",
                [
                    Column("Date", "date"),
                    Column("What happens"),
                    Column("Contract"),
                    Column("Partner"),
                ],
                [[a.date, a.event, a.contract.reference, a.contract.partner.name] for a in ending],
            ),
        ],
        figures={
            "overdue_reviews": len(overdue),
            "knowledge_transfer_not_started": len(not_started),
            "contracts_ending": len(ending),
        },
    )


def _person(first: str | None, last: str | None, username: str | None) -> str:
    name = f"{first or ''} {last or ''}".strip()
    return name or username or "Not assigned"


def _month(day: datetime.date) -> str:
    return f"{day:%B %Y}"


class _PortfolioFacts:
    """Reads the month once, in a fixed number of queries whatever the size
    of the portfolio, and shapes it into the three sections."""

    def __init__(self, period: datetime.date):
        self.period = period
        self.last_period = previous_month(period)
        self.ahead = next_month(period)
        # Overdue means overdue at the month's end (or today, mid-month).
        self.as_at = min(month_end(period), timezone.localdate())
        self.scale = SCALES[settings.PMO_RAG_SCALE]

        self.projects = {
            row["pk"]: row
            for row in Project.objects.values(
                "pk",
                "reference",
                "title",
                "stage",
                "lead_directorate__name",
                "project_manager__first_name",
                "project_manager__last_name",
                "project_manager__username",
                "capital_investment",
                "revenue_investment",
            )
        }
        self.reporting_ids = {
            pk for pk, row in self.projects.items() if row["stage"] in REPORTING_STAGES
        }
        self.updates: dict[datetime.date, dict[int, dict]] = {
            self.period: {},
            self.last_period: {},
        }
        for update in StatusUpdate.objects.filter(
            period__in=[self.period, self.last_period]
        ).values(
            "project_id",
            "period",
            "delivery_confidence",
            "path_to_green",
            "honesty_override",
            "override_justification",
            "issues_and_decisions",
            "submitted_by__first_name",
            "submitted_by__last_name",
            "submitted_by__username",
        ):
            self.updates[update["period"]][update["project_id"]] = update

    def _pm(self, project_id: int) -> str:
        row = self.projects[project_id]
        return _person(
            row["project_manager__first_name"],
            row["project_manager__last_name"],
            row["project_manager__username"],
        )

    def _rating(self, period: datetime.date, project_id: int) -> str:
        update = self.updates[period].get(project_id)
        return update["delivery_confidence"] if update else ""

    # --- At a glance --------------------------------------------------------

    def distribution(self) -> list[dict]:
        now = Counter(self._rating(self.period, pk) for pk in self.reporting_ids)
        before = Counter(self._rating(self.last_period, pk) for pk in self.reporting_ids)
        codes = [rag.value for rag in self.scale]
        # Ratings made under the other scale still count, under their own name.
        codes += sorted((set(now) | set(before)) - set(codes) - {""}, key=lambda c: SEVERITY[c])
        codes.append("")
        return [
            {
                "code": code,
                "label": rag_label(code) if code else NO_UPDATE,
                "this_month": now.get(code, 0),
                "last_month": before.get(code, 0),
                "change": now.get(code, 0) - before.get(code, 0),
            }
            for code in codes
        ]

    def movers(self) -> dict[str, list[dict]]:
        improved, worsened = [], []
        for pk in sorted(self.reporting_ids, key=lambda pk: self.projects[pk]["reference"]):
            now, before = self._rating(self.period, pk), self._rating(self.last_period, pk)
            if not now or not before or now == before:
                continue
            row = {
                "reference": self.projects[pk]["reference"],
                "title": self.projects[pk]["title"],
                "project_manager": self._pm(pk),
                "last_month": before,
                "this_month": now,
            }
            (improved if SEVERITY[now] < SEVERITY[before] else worsened).append(row)
        return {"improved": improved, "worsened": worsened}

    def overview(self) -> Section:
        stages = stage_counts(Project.objects.all())
        ranges = range_counts()
        distribution = self.distribution()
        movers = self.movers()
        reporting = len(self.reporting_ids)
        submitted = sum(1 for pk in self.reporting_ids if pk in self.updates[self.period])
        investment = sum(
            (r["capital_investment"] + r["revenue_investment"] for r in self.projects.values()),
            Decimal("0"),
        )
        labels = [row["label"] for row in distribution]
        confidence_figure = {
            "data": [
                {
                    "type": "bar",
                    "name": _month(self.last_period),
                    "x": labels,
                    "y": [row["last_month"] for row in distribution],
                    "marker": {"color": "#b1b4b6", "line": {"color": "#0b0c0c", "width": 1}},
                    "text": [str(row["last_month"]) for row in distribution],
                    "textposition": "auto",
                },
                {
                    "type": "bar",
                    "name": _month(self.period),
                    "x": labels,
                    "y": [row["this_month"] for row in distribution],
                    "marker": {"color": [RAG_COLOURS.get(row["code"]) for row in distribution]},
                    "text": [str(row["this_month"]) for row in distribution],
                    "textposition": "auto",
                },
            ],
            "layout": {
                **BASE_LAYOUT,
                "barmode": "group",
                "yaxis": {"title": {"text": "Projects"}, "rangemode": "tozero"},
                "legend": {"orientation": "h", "y": -0.2},
            },
            "config": {"displayModeBar": False, "staticPlot": True},
        }
        stage_figure = bar_figure(
            [row["label"] for row in stages],
            [row["count"] for row in stages],
            colours=PALETTE[0],
            y_title="Projects",
        )
        stage_figure["config"]["staticPlot"] = True
        figures = {
            "projects": len(self.projects),
            "reporting_projects": reporting,
            "updates_submitted": submitted,
            "total_investment": investment,
            "stages": {row["stage"].value: row["count"] for row in stages},
            "confidence_this_month": {
                (row["code"] or "none"): row["this_month"] for row in distribution
            },
            "confidence_last_month": {
                (row["code"] or "none"): row["last_month"] for row in distribution
            },
            "improved": len(movers["improved"]),
            "worsened": len(movers["worsened"]),
        }
        if ranges is not None:
            figures["ranges"] = {row["label"]: row["count"] for row in ranges}
        project_rows = []
        for pk in sorted(self.projects, key=lambda pk: self.projects[pk]["reference"]):
            row = self.projects[pk]
            now, before = self._rating(self.period, pk), self._rating(self.last_period, pk)
            project_rows.append(
                [
                    row["reference"],
                    row["title"],
                    row["lead_directorate__name"],
                    Stage(row["stage"]).label,
                    self._pm(pk),
                    rag_label(now) if now else (NO_UPDATE if pk in self.reporting_ids else ""),
                    rag_label(before) if before else "",
                    _movement(before, now),
                    row["capital_investment"],
                    row["revenue_investment"],
                    row["capital_investment"] + row["revenue_investment"],
                ]
            )
        confidence_table = Table(
            "Delivery confidence",
            [
                Column("Delivery confidence"),
                Column(_month(self.last_period), "integer"),
                Column(_month(self.period), "integer"),
                Column("Change", "integer"),
            ],
            [
                [row["label"], row["last_month"], row["this_month"], row["change"]]
                for row in distribution
            ],
        )
        tables = [
            Table(
                "Projects",
                [
                    Column("Reference"),
                    Column("Title"),
                    Column("Lead directorate"),
                    Column("Stage"),
                    Column("Project manager"),
                    Column(f"Confidence {self.period:%b %Y}"),
                    Column(f"Confidence {self.last_period:%b %Y}"),
                    Column("Movement"),
                    Column("Capital investment", "money"),
                    Column("Revenue investment", "money"),
                    Column("Total investment", "money"),
                ],
                project_rows,
                csv=True,
            ),
            Table(
                "Projects by stage",
                [Column("Stage"), Column("Projects", "integer")],
                [[row["label"], row["count"]] for row in stages],
            ),
            confidence_table,
            Table(
                "Delivery confidence movers",
                [
                    Column("Movement"),
                    Column("Reference"),
                    Column("Title"),
                    Column("Project manager"),
                    Column(_month(self.last_period)),
                    Column(_month(self.period)),
                ],
                [
                    [
                        label,
                        row["reference"],
                        row["title"],
                        row["project_manager"],
                        rag_label(row["last_month"]),
                        rag_label(row["this_month"]),
                    ]
                    for label, key in (("Improved", "improved"), ("Worsened", "worsened"))
                    for row in movers[key]
                ],
            ),
        ]
        # The counts by range have no sheet here: they are the grid's own
        # counts (prioritisation.selectors.range_counts), and the grid's
        # section of this pack writes them, with each range's route, to the
        # workbook's "Projects by range" sheet. One figure, one sheet.
        return Section(
            key="portfolio-overview",
            title="The portfolio at a glance",
            template="portfolio/_pack_overview.html",
            context={
                "stages": stages,
                "ranges": ranges,
                "distribution": distribution,
                "movers": movers,
                "reporting": reporting,
                "submitted": submitted,
                "project_count": len(self.projects),
                "investment": investment,
                "last_period": self.last_period,
                "confidence_figure": confidence_figure,
                "stage_figure": stage_figure,
            },
            tables=tables,
            figures=figures,
            charts=[
                Chart.of(
                    confidence_table,
                    values=[1, 2],
                    title=f"Delivery confidence, {_month(self.last_period)} and "
                    f"{_month(self.period)} (RAG summary)",
                    y_title="Projects",
                )
            ],
        )

    # --- Exceptions -------------------------------------------------------

    def exceptions(self) -> Section:
        this_month = self.updates[self.period]
        red = [
            {
                "reference": self.projects[pk]["reference"],
                "title": self.projects[pk]["title"],
                "project_manager": self._pm(pk),
                "confidence": update["delivery_confidence"],
                "last_month": self._rating(self.last_period, pk),
                "path_to_green": update["path_to_green"].strip(),
            }
            for pk, update in this_month.items()
            if update["delivery_confidence"] in (RAG.RED, RAG.AMBER_RED)
        ]
        red.sort(key=lambda r: (-SEVERITY[r["confidence"]], r["reference"]))

        overdue = []
        for m in overdue_milestones(self.as_at).values(
            "project_id", "title", "baseline_date", "forecast_date"
        ):
            overdue.append(
                {
                    "reference": self.projects[m["project_id"]]["reference"],
                    "project": self.projects[m["project_id"]]["title"],
                    "project_manager": self._pm(m["project_id"]),
                    "milestone": m["title"],
                    "baseline": m["baseline_date"],
                    "forecast": m["forecast_date"],
                    "days_overdue": (self.as_at - m["forecast_date"]).days,
                    "slippage_days": (m["forecast_date"] - m["baseline_date"]).days,
                }
            )

        missing = [
            {
                "reference": self.projects[pk]["reference"],
                "title": self.projects[pk]["title"],
                "project_manager": self._pm(pk),
                "last_rating": self._rating(self.last_period, pk),
            }
            for pk in sorted(self.reporting_ids, key=lambda pk: self.projects[pk]["reference"])
            if pk not in this_month
        ]

        overrides = [
            {
                "reference": self.projects[pk]["reference"],
                "title": self.projects[pk]["title"],
                "confidence": update["delivery_confidence"],
                "justification": update["override_justification"].strip(),
                "submitted_by": _person(
                    update["submitted_by__first_name"],
                    update["submitted_by__last_name"],
                    update["submitted_by__username"],
                ),
            }
            for pk, update in sorted(
                this_month.items(), key=lambda kv: self.projects[kv[0]]["reference"]
            )
            if update["honesty_override"]
        ]
        figures = {
            "red_and_amber_red": len(red),
            "red_without_path_to_green": sum(1 for r in red if not r["path_to_green"]),
            "overdue_milestones": len(overdue),
            "updates_not_submitted": len(missing),
            "green_overrides": len(overrides),
        }
        tables = [
            Table(
                "Red and Amber-Red",
                [
                    Column("Reference"),
                    Column("Title"),
                    Column("Project manager"),
                    Column("Delivery confidence"),
                    Column("Last month"),
                    Column("Path to green"),
                ],
                [
                    [
                        r["reference"],
                        r["title"],
                        r["project_manager"],
                        rag_label(r["confidence"]),
                        rag_label(r["last_month"]) if r["last_month"] else NO_UPDATE,
                        r["path_to_green"] or "None given",
                    ]
                    for r in red
                ],
            ),
            Table(
                "Overdue milestones",
                [
                    Column("Reference"),
                    Column("Project"),
                    Column("Project manager"),
                    Column("Milestone"),
                    Column("Baseline", "date"),
                    Column("Forecast", "date"),
                    Column("Days overdue", "integer"),
                    Column("Slippage (days)", "integer"),
                ],
                [
                    [
                        m["reference"],
                        m["project"],
                        m["project_manager"],
                        m["milestone"],
                        m["baseline"],
                        m["forecast"],
                        m["days_overdue"],
                        m["slippage_days"],
                    ]
                    for m in overdue
                ],
            ),
            Table(
                "Updates not submitted",
                [
                    Column("Reference"),
                    Column("Title"),
                    Column("Project manager"),
                    Column("Last month's rating"),
                ],
                [
                    [
                        r["reference"],
                        r["title"],
                        r["project_manager"],
                        rag_label(r["last_rating"]) if r["last_rating"] else NO_UPDATE,
                    ]
                    for r in missing
                ],
            ),
            Table(
                "Green overrides",
                [
                    Column("Reference"),
                    Column("Title"),
                    Column("Delivery confidence"),
                    Column("Justification"),
                    Column("Submitted by"),
                ],
                [
                    [
                        r["reference"],
                        r["title"],
                        rag_label(r["confidence"]),
                        r["justification"],
                        r["submitted_by"],
                    ]
                    for r in overrides
                ],
            ),
        ]
        return Section(
            key="portfolio-exceptions",
            title="Exceptions",
            template="portfolio/_pack_exceptions.html",
            context={
                "red": red,
                "overdue": overdue,
                "missing": missing,
                "overrides": overrides,
                "as_at": self.as_at,
            },
            tables=tables,
            figures=figures,
            slide_tables=True,
        )

    # --- The month ahead --------------------------------------------------

    def month_ahead(self) -> Section:
        gates = [
            {
                "reference": self.projects[g["project_id"]]["reference"],
                "title": self.projects[g["project_id"]]["title"],
                "gate": g["gate"],
                "board": g["board"],
                "date": g["decided_on"],
            }
            for g in GateDecision.objects.filter(
                decided_on__gte=self.ahead, decided_on__lte=month_end(self.ahead), decision=""
            )
            .values("project_id", "gate", "board", "decided_on")
            .order_by("decided_on", "gate", "pk")
        ]
        gate_labels = dict(Gate.choices)
        for gate in gates:
            gate["gate_label"] = gate_labels.get(gate["gate"], f"Gate {gate['gate']}")
        decisions = [
            {
                "reference": self.projects[pk]["reference"],
                "title": self.projects[pk]["title"],
                "project_manager": self._pm(pk),
                "decisions": update["issues_and_decisions"].strip(),
            }
            for pk, update in sorted(
                self.updates[self.period].items(), key=lambda kv: self.projects[kv[0]]["reference"]
            )
            if update["issues_and_decisions"].strip()
        ]
        escalated = Risk.objects.filter(status=RaidStatus.OPEN, escalated=True)
        risks = [
            {
                "reference": self.projects[r["project_id"]]["reference"],
                "project": self.projects[r["project_id"]]["title"],
                "title": r["title"],
                "likelihood": r["likelihood"],
                "impact": r["impact"],
                "score": r["score"],
                "mitigation": r["mitigation"].strip(),
                "owner": _person(
                    r["owner__first_name"], r["owner__last_name"], r["owner__username"]
                ),
            }
            for r in escalated.order_by("-score", "pk").values(
                "project_id",
                "title",
                "likelihood",
                "impact",
                "score",
                "mitigation",
                "owner__first_name",
                "owner__last_name",
                "owner__username",
            )[:TOP_RISKS]
        ]
        escalated_count = escalated.count()
        return Section(
            key="portfolio-ahead",
            title=f"Looking ahead to {_month(self.ahead)}",
            template="portfolio/_pack_ahead.html",
            context={
                "gates": gates,
                "decisions": decisions,
                "risks": risks,
                "escalated_count": escalated_count,
                "ahead": self.ahead,
                "top_risks": TOP_RISKS,
            },
            slide_tables=True,
            tables=[
                Table(
                    "Gates next month",
                    [
                        Column("Reference"),
                        Column("Title"),
                        Column("Gate"),
                        Column("Board"),
                        Column("Date", "date"),
                    ],
                    [
                        [g["reference"], g["title"], g["gate_label"], g["board"], g["date"]]
                        for g in gates
                    ],
                ),
                Table(
                    "Decisions needed",
                    [
                        Column("Reference"),
                        Column("Title"),
                        Column("Project manager"),
                        Column("Issues and decisions needed"),
                    ],
                    [
                        [d["reference"], d["title"], d["project_manager"], d["decisions"]]
                        for d in decisions
                    ],
                ),
                Table(
                    "Escalated risks",
                    [
                        Column("Reference"),
                        Column("Project"),
                        Column("Risk"),
                        Column("Likelihood", "integer"),
                        Column("Impact", "integer"),
                        Column("Score", "integer"),
                        Column("Owner"),
                        Column("Mitigation"),
                    ],
                    [
                        [
                            r["reference"],
                            r["project"],
                            r["title"],
                            r["likelihood"],
                            r["impact"],
                            r["score"],
                            r["owner"],
                            r["mitigation"],
                        ]
                        for r in risks
                    ],
                ),
            ],
            figures={
                "gates_next_month": len(gates),
                "decisions_needed": len(decisions),
                "escalated_risks": escalated_count,
            },
        )


def _movement(before: str, now: str) -> str:
    if not before or not now:
        return ""
    if now == before:
        return "No change"
    return "Improved" if SEVERITY[now] < SEVERITY[before] else "Worsened"
