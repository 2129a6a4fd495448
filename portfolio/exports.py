"""The register as CSV and XLSX. Both formats come from the same rows, and
pmo.spreadsheets makes every text cell formula-safe."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from pmo.spreadsheets import Column
from portfolio.models import Project
from portfolio.rag import rag_label
from prioritisation.selectors import current_ranges

REGISTER_COLUMNS = [
    Column("Reference"),
    Column("Title"),
    Column("Stage"),
    Column("Stage reason"),
    Column("Type"),
    Column("MTFP savings category"),
    Column("Delivery approach"),
    Column("Workstream"),
    Column("Lead directorate"),
    Column("Services affected"),
    Column("Sponsor"),
    Column("Project manager"),
    Column("Delivery confidence"),
    Column("Prioritisation range"),
    Column("Last update", "date"),
    Column("Update due"),
    Column("Planned start", "date"),
    Column("Planned end", "date"),
    Column("Forecast end", "date"),
    Column("Capital investment", "money"),
    Column("Revenue investment", "money"),
    Column("Total investment", "money"),
    Column("Funding source"),
]


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def register_rows(projects: QuerySet[Project]) -> Iterator[list]:
    """One row per project of the (already filtered) register, in its order."""
    # Every current range in two queries, rather than a list of ids as long
    # as the register.
    ranges = current_ranges()
    for p in projects.prefetch_related("services"):
        info = ranges.get(p.pk)
        yield [
            p.reference,
            p.title,
            p.get_stage_display(),
            p.stage_reason,
            p.get_project_type_display(),
            p.get_mtfp_category_display() if p.mtfp_category else "",
            p.get_delivery_approach_display(),
            p.workstream.name if p.workstream else "",
            p.lead_directorate.name,
            "; ".join(s.name for s in p.services.all()),
            _person(p.sponsor),
            _person(p.project_manager),
            rag_label(p.current_rag) if p.current_rag else "No update",
            info.label if info else "Not scored",
            p.last_update_period,
            "Yes" if p.update_is_due else "No",
            p.planned_start,
            p.planned_end,
            p.forecast_end,
            p.capital_investment,
            p.revenue_investment,
            p.total_investment,
            p.funding_source,
        ]


def filename(extension: str) -> str:
    return f"project-register-{timezone.localdate():%Y-%m-%d}.{extension}"
