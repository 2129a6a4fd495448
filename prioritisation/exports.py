"""The ranking as CSV and XLSX, through the shared formula-safe writers."""

from __future__ import annotations

import io

from pmo.spreadsheets import Column, add_sheet, csv_bytes, new_workbook
from prioritisation.selectors import ScoredProject

RANKING_COLUMNS = [
    Column("Rank", "integer"),
    Column("Reference"),
    Column("Title"),
    Column("Range"),
    Column("Impact score", "number"),
    Column("Risk score", "number"),
    Column("Phase"),
    Column("Phase reason"),
    Column("Governance route"),
    Column("Reporting cadence"),
    Column("Stage"),
    Column("Lead directorate"),
    Column("Workstream"),
    Column("One-off investment", "money"),
    Column("Assessed on", "date"),
    Column("Model version", "integer"),
]


def ranking_rows(rows: list[ScoredProject]):
    for row in rows:
        project = row.project
        yield [
            row.rank,
            project.reference,
            project.title,
            row.range.label,
            row.impact,
            row.risk,
            row.phase.label if row.phase else "Not yet phased",
            row.phase.reason if row.phase else "",
            row.range.governance_route,
            row.range.reporting_cadence,
            project.get_stage_display(),
            project.lead_directorate.name,
            project.workstream.name if project.workstream else "",
            project.total_investment,
            row.assessed_on,
            row.model_number,
        ]


def ranking_csv(rows: list[ScoredProject]) -> bytes:
    return csv_bytes(RANKING_COLUMNS, ranking_rows(rows))


def ranking_xlsx(rows: list[ScoredProject]) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    add_sheet(workbook, "Priority ranking", RANKING_COLUMNS, ranking_rows(rows))
    workbook.close()
    return buffer.getvalue()
