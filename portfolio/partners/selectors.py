"""Reads shared by the partner pages, the exports, the project tab and the
monthly pack."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from benefits.money import financial_year_of
from portfolio.models import Project
from portfolio.partners import reliance
from portfolio.partners.models import (
    RATING_FIELDS,
    BreakClause,
    Contract,
    Engagement,
    EngagementCost,
    KnowledgeTransferStatus,
    Partner,
    PartnershipReview,
)

ZERO = Decimal("0")
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)
ALERT_MONTHS = 6


def project_savings(project_ids) -> dict[int, Decimal] | None:
    """Savings per project from the benefits tracker: the forecast new
    (incremental) savings over every profiled year, each saving counted once,
    so they compare with the partner's spend over the life of its work."""
    from benefits.selectors import forecast_savings_by_project

    return forecast_savings_by_project(project_ids)


def _partner_cost_sum(financial_year: int | None = None) -> Coalesce:
    costs = EngagementCost.objects.filter(engagement__partner=OuterRef("pk"))
    if financial_year is not None:
        costs = costs.filter(financial_year=financial_year)
    total = costs.values("engagement__partner").annotate(total=Sum("partner_cost")).values("total")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), ZERO, output_field=MONEY_FIELD)


def _active_engagement_count(day: datetime.date) -> Coalesce:
    active = (
        Engagement.objects.filter(partner=OuterRef("pk"))
        .active_on(day)
        .values("partner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(active), 0)


@dataclass
class RatingCell:
    name: str
    label: str
    value: int | None
    previous: int | None

    @property
    def trend(self) -> str | None:
        return reliance.rating_trend(self.value, self.previous)


@dataclass
class PartnerRow:
    partner: Partner
    spend_this_year: Decimal
    spend_total: Decimal
    active_engagements: int
    latest_review: PartnershipReview | None
    previous_review: PartnershipReview | None
    next_review_due: datetime.date | None
    review_overdue: bool
    never_reviewed: bool
    ratings: list[RatingCell] = field(default_factory=list)


def _ratings(latest, previous) -> list[RatingCell]:
    return [
        RatingCell(
            name,
            label,
            getattr(latest, name) if latest else None,
            getattr(previous, name) if previous else None,
        )
        for name, label in RATING_FIELDS
    ]


def review_status(partner: Partner, latest: PartnershipReview | None, as_of: datetime.date):
    """(next review due, overdue?): due one review interval after the last."""
    due = partner.next_review_due(latest.review_date if latest else None)
    return due, bool(due and due < as_of)


def partner_rows(as_of: datetime.date) -> list[PartnerRow]:
    """Every partner with its spend, active engagements and latest ratings.

    Three queries however many partners: the partners with their sums, and
    all reviews (two per partner are kept); so the list page stays flat.
    """
    year = financial_year_of(as_of)
    partners = Partner.objects.annotate(
        spend_this_year=_partner_cost_sum(year),
        spend_total=_partner_cost_sum(),
        active_engagements=_active_engagement_count(as_of),
    ).order_by("name")
    reviews: dict[int, list[PartnershipReview]] = {}
    for review in PartnershipReview.objects.order_by("partner_id", "-review_date", "-pk"):
        kept = reviews.setdefault(review.partner_id, [])
        if len(kept) < 2:
            kept.append(review)
    rows = []
    for partner in partners:
        latest, previous = (reviews.get(partner.pk, []) + [None, None])[:2]
        due, overdue = review_status(partner, latest, as_of)
        rows.append(
            PartnerRow(
                partner=partner,
                spend_this_year=partner.spend_this_year,
                spend_total=partner.spend_total,
                active_engagements=partner.active_engagements,
                latest_review=latest,
                previous_review=previous,
                next_review_due=due,
                review_overdue=overdue,
                never_reviewed=latest is None,
                ratings=_ratings(latest, previous),
            )
        )
    return rows


@dataclass(frozen=True)
class ContractAlert:
    contract: Contract
    event: str  # "Contract ends" | "Break notice due"
    date: datetime.date
    break_clause: BreakClause | None = None


def contract_alerts(
    as_of: datetime.date, months: int = ALERT_MONTHS, partner: Partner | None = None
) -> list[ContractAlert]:
    """Contracts ending, or reaching a break-notice date, between `as_of` and
    `months` ahead: the dates by which the council must decide."""
    horizon = as_of + relativedelta(months=months)
    contracts = Contract.objects.select_related("partner").prefetch_related(
        Prefetch(
            "break_clauses",
            queryset=BreakClause.objects.filter(notice_date__range=(as_of, horizon)),
            to_attr="notices_due",
        )
    )
    contracts = contracts.filter(
        Q(end_date__range=(as_of, horizon)) | Q(break_clauses__notice_date__range=(as_of, horizon))
    ).distinct()
    if partner is not None:
        contracts = contracts.filter(partner=partner)
    alerts = []
    for contract in contracts:
        if as_of <= contract.end_date <= horizon:
            alerts.append(ContractAlert(contract, "Contract ends", contract.end_date))
        for clause in contract.notices_due:
            alerts.append(ContractAlert(contract, "Break notice due", clause.notice_date, clause))
    return sorted(alerts, key=lambda a: (a.date, a.contract.reference))


def engagements() -> QuerySet[Engagement]:
    return Engagement.objects.select_related(
        "partner", "contract", "project", "workstream"
    ).prefetch_related("costs")


def partner_detail(pk: int) -> Partner:
    return Partner.objects.prefetch_related(
        Prefetch("contracts", queryset=Contract.objects.prefetch_related("break_clauses")),
        Prefetch("engagements", queryset=engagements().order_by("-start_date", "pk")),
        Prefetch("reviews", queryset=PartnershipReview.objects.select_related("reviewer")),
    ).get(pk=pk)


def cost_lines(engagement_list) -> list[reliance.CostLine]:
    return [
        reliance.CostLine(
            e.start_date, e.end_date, c.financial_year, c.partner_cost, c.internal_cost
        )
        for e in engagement_list
        for c in e.costs.all()
    ]


def supported_project_ids(engagement_list) -> set[int]:
    """Projects a partner supports: those it works on directly, and every
    project in the workstreams it works across."""
    ids = {e.project_id for e in engagement_list if e.project_id}
    workstreams = {e.workstream_id for e in engagement_list if e.workstream_id}
    if workstreams:
        ids |= set(Project.objects.filter(workstream__in=workstreams).values_list("pk", flat=True))
    return ids


def partner_value(partner: Partner) -> reliance.SpendAgainstSavings:
    engagement_list = list(partner.engagements.all())
    spend = sum((c.partner_cost for e in engagement_list for c in e.costs.all()), ZERO)
    ids = supported_project_ids(engagement_list)
    return reliance.spend_against_savings(spend, ids, project_savings(ids))


def knowledge_transfer_summary(engagement_list) -> list[dict]:
    counts = {status: 0 for status in KnowledgeTransferStatus}
    for engagement in engagement_list:
        counts[KnowledgeTransferStatus(engagement.kt_status)] += 1
    return [{"status": s, "label": s.label, "count": counts[s]} for s in KnowledgeTransferStatus]


def contract_committed_cost(contract: Contract, exclude_engagement: Engagement | None = None):
    """The partner cost of every engagement called off under the contract."""
    costs = EngagementCost.objects.filter(engagement__contract=contract)
    if exclude_engagement is not None and exclude_engagement.pk:
        costs = costs.exclude(engagement=exclude_engagement)
    return costs.aggregate(total=Sum("partner_cost"))["total"] or ZERO


def project_engagements(project: Project) -> QuerySet[Engagement]:
    """Partners on the project itself, and on its workstream as a whole."""
    condition = Q(project=project)
    if project.workstream_id:
        condition |= Q(workstream_id=project.workstream_id)
    return engagements().filter(condition).order_by("-end_date", "pk")


# --- The monthly pack ------------------------------------------------------


def overdue_reviews(as_of: datetime.date) -> list[PartnerRow]:
    """Partners with engagements running whose review is overdue (or who
    have never been reviewed)."""
    return [
        row
        for row in partner_rows(as_of)
        if (row.review_overdue or row.never_reviewed) and row.active_engagements
    ]


KT_WARNING_MONTHS = 3


def knowledge_transfer_not_started(as_of: datetime.date) -> QuerySet[Engagement]:
    """Engagements ending within three months (or already ended) whose
    knowledge transfer is still only planned: the skills leave with the
    partner unless someone acts now."""
    return (
        engagements()
        .filter(
            kt_status=KnowledgeTransferStatus.PLANNED,
            end_date__lte=as_of + relativedelta(months=KT_WARNING_MONTHS),
        )
        .order_by("end_date", "pk")
    )
