"""CSV and XLSX exports of partners, engagements and reviews.

Cells go through pmo.spreadsheets (formula-safe, real dates, £ formats).
Money columns are left out entirely for roles that may not see partner
costs, rather than blanked, so nobody mistakes a hidden figure for £0.
"""

from __future__ import annotations

import datetime
import io

from benefits.money import financial_year_of, fy_label
from pmo.spreadsheets import Column, add_sheet, csv_bytes, new_workbook
from portfolio.partners import selectors
from portfolio.partners.models import RATING_FIELDS, PartnershipReview

DATASETS = ("partners", "engagements", "reviews")


def partner_table(as_of: datetime.date, with_costs: bool):
    year = fy_label(financial_year_of(as_of))
    columns = [
        Column("Partner"),
        Column("Type"),
        Column("Active engagements", "integer"),
    ]
    if with_costs:
        columns += [Column(f"Spend {year}", "money"), Column("Spend to date (all years)", "money")]
    columns += [Column("Last review", "date"), Column("Next review due", "date")]
    columns += [Column(f"Latest rating: {label}", "integer") for _, label in RATING_FIELDS]
    columns += [Column("Contacts"), Column("Notes")]
    rows = []
    for row in selectors.partner_rows(as_of):
        partner = row.partner
        values = [partner.name, partner.get_partner_type_display(), row.active_engagements]
        if with_costs:
            values += [row.spend_this_year, row.spend_total]
        values += [
            row.latest_review.review_date if row.latest_review else None,
            row.next_review_due,
        ]
        values += [cell.value for cell in row.ratings]
        values += [partner.contacts, partner.notes]
        rows.append(values)
    return columns, rows


def engagement_table(as_of: datetime.date, with_costs: bool):
    engagement_list = list(selectors.engagements().order_by("partner__name", "start_date", "pk"))
    years = sorted({c.financial_year for e in engagement_list for c in e.costs.all()})
    columns = [
        Column("Partner"),
        Column("Engagement"),
        Column("Contract"),
        Column("Project"),
        Column("Workstream"),
        Column("Role"),
        Column("Start", "date"),
        Column("End", "date"),
        Column("Exit or handover", "date"),
        Column("Deliverables"),
        Column("Skills to transfer"),
        Column("Internal counterpart"),
        Column("Knowledge transfer status"),
        Column("Knowledge transfer evidence"),
    ]
    if with_costs:
        columns += [Column(f"Partner cost {fy_label(y)}", "money") for y in years]
        columns += [Column("Partner cost total", "money"), Column("Internal cost total", "money")]
    rows = []
    for e in engagement_list:
        values = [
            e.partner.name,
            e.title,
            e.contract.reference if e.contract else "",
            str(e.project) if e.project else "",
            e.workstream.name if e.workstream else "",
            e.get_role_display(),
            e.start_date,
            e.end_date,
            e.exit_date,
            e.deliverables,
            e.kt_skills,
            e.kt_counterpart,
            e.get_kt_status_display(),
            e.kt_evidence,
        ]
        if with_costs:
            by_year = {c.financial_year: c for c in e.costs.all()}
            values += [by_year[y].partner_cost if y in by_year else None for y in years]
            values += [
                sum((c.partner_cost for c in by_year.values()), selectors.ZERO),
                sum((c.internal_cost for c in by_year.values()), selectors.ZERO),
            ]
        rows.append(values)
    return columns, rows


def review_table(as_of: datetime.date, with_costs: bool):
    columns = [Column("Partner"), Column("Review date", "date"), Column("Reviewer")]
    columns += [Column(label, "integer") for _, label in RATING_FIELDS]
    columns += [Column("Narrative"), Column("Agreed actions")]
    reviews = PartnershipReview.objects.select_related("partner", "reviewer").order_by(
        "partner__name", "-review_date", "-pk"
    )
    rows = [
        [
            r.partner.name,
            r.review_date,
            r.reviewer.get_full_name() or r.reviewer.username,
            *r.ratings.values(),
            r.narrative,
            r.agreed_actions,
        ]
        for r in reviews
    ]
    return columns, rows


TABLES = {"partners": partner_table, "engagements": engagement_table, "reviews": review_table}


def export_bytes(dataset: str, fmt: str, *, as_of: datetime.date, with_costs: bool) -> bytes:
    columns, rows = TABLES[dataset](as_of, with_costs)
    if fmt == "csv":
        return csv_bytes(columns, rows)
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    add_sheet(workbook, dataset.capitalize(), columns, rows)
    workbook.close()
    return buffer.getvalue()
