"""Demo partners for Thamesford Council: a consultancy, a public-sector joint
venture and a voluntary-sector partner, with contracts, engagements on demo
projects and two years of quarterly reviews.

Dates are relative to the day the demo is loaded. Every row is written with
update_or_create on a natural key, so loading twice creates nothing twice.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from benefits.money import financial_year_of, fy_bounds
from portfolio.models import Project, Workstream
from portfolio.partners.models import (
    BreakClause,
    Contract,
    Engagement,
    EngagementCost,
    EngagementRole,
    KnowledgeTransferStatus,
    Partner,
    PartnershipReview,
    PartnerType,
    ProcurementRoute,
)

K = Decimal(1000)
R = EngagementRole
KT = KnowledgeTransferStatus

PARTNERS = [
    {
        "name": "Meridian Change Partners LLP",
        "partner_type": PartnerType.PRIVATE_CONSULTANCY,
        "contacts": "Gemma Hollis, Engagement Partner, gemma.hollis@meridian.example, 020 7946 0311\n"
        "Raj Patel, Delivery Lead, raj.patel@meridian.example",
        "notes": "Appointed after the 12-week discovery to add capacity and challenge. "
        "The council wants its own change team to take over delivery by the break date.",
        "contract": {
            "reference": "TC-2024-0417",
            "title": "Transformation partner (MCF3 Lot 2 call-off)",
            "procurement_route": ProcurementRoute.FRAMEWORK,
            "value": 1_450 * K,
            "start": -26,
            "months": 48,
            "social_value": "Two apprenticeships a year; 120 hours of pro-bono coaching for "
            "voluntary groups; 30% of spend with local SMEs.",
            # A break at 30 months, with three months' notice: falls in the demo's next 6 months.
            "breaks": [(4, 1, "Break at 30 months with three months' written notice")],
        },
        "review_offsets": [-1 - 3 * i for i in range(8)],
        "ratings": {  # first review -> latest review
            "delivery": (4, 4),
            "value_for_money": (2, 3),
            "relationship": (3, 4),
            "knowledge_transfer": (2, 4),
            "social_value": (2, 3),
        },
        "reviewer": "pmo",
        "engagements": [
            {
                "title": "Transformation diagnostic",
                "workstream": "Customer and Digital",
                "role": R.DIAGNOSTIC,
                "start": -26,
                "months": 4,
                "partner_monthly": 60 * K,
                "internal_monthly": 8 * K,
                "deliverables": "Opportunity assessment of 30+ ideas; baseline of contact volumes "
                "and costs; prioritised roadmap.",
                "kt_skills": "Opportunity sizing and baselining method",
                "kt_counterpart": "Head of Transformation (Priya Shah)",
                "kt_status": KT.TRANSFERRED,
                "kt_evidence": "The PMO re-ran the baselining method unaided for the 2025/26 "
                "savings round.",
            },
            {
                "title": "Front door redesign and delivery",
                "project": "Adult social care front door",
                "role": R.DELIVERY,
                "start": -12,
                "months": 18,
                "partner_monthly": 32 * K,
                "internal_monthly": 10 * K,
                "deliverables": "Strengths-based conversation model; triage pathway; "
                "demand dashboard.",
                "kt_skills": "Demand analysis and service design facilitation",
                "kt_counterpart": "Service Manager, ASC Front Door",
                "kt_status": KT.IN_PROGRESS,
                "kt_evidence": "Council analyst co-produces the weekly demand dashboard.",
            },
            {
                "title": "Agile delivery team for channel shift",
                "project": "Customer digital channel shift",
                "role": R.CAPACITY,
                "start": -8,
                "months": 10,
                "partner_monthly": 28 * K,
                "internal_monthly": 6 * K,
                "deliverables": "Six online transactions live; assisted-digital offer in "
                "libraries.",
                "kt_skills": "Product ownership and user research",
                "kt_counterpart": "Digital Services Manager (vacant until recruitment ends)",
                "kt_status": KT.PLANNED,
                "kt_evidence": "",
            },
            {
                "title": "Independent challenge of the high needs recovery plan",
                "project": "SEND high needs recovery plan",
                "role": R.CHALLENGE,
                "start": -14,
                "months": 24,
                "partner_monthly": 6 * K,
                "internal_monthly": 4 * K,
                "deliverables": "Quarterly challenge sessions; assurance report to the "
                "Schools Forum.",
                "kt_skills": "High needs financial modelling",
                "kt_counterpart": "SEND Finance Business Partner",
                "kt_status": KT.IN_PROGRESS,
                "kt_evidence": "",
            },
        ],
    },
    {
        "name": "Thamesford and Wyvern Shared Services Ltd",
        "partner_type": PartnerType.PUBLIC_SECTOR,
        "contacts": "Mark Ellison, Managing Director, mark.ellison@twss.example\n"
        "Procurement desk, procurement@twss.example, 01632 960 440",
        "notes": "Teckal company jointly owned with Wyvern District Council. Provides "
        "procurement, payroll and finance transactional services.",
        "contract": {
            "reference": "TWSS-SLA-2024",
            "title": "Shared services agreement",
            "procurement_route": ProcurementRoute.PUBLIC_PUBLIC,
            "value": 2_400 * K,
            "start": -28,
            "months": 60,
            "social_value": "Living Wage employer; 10 supported internships a year with the "
            "local college.",
            "breaks": [(31, 25, "Either owner may withdraw at 5 years on 6 months' notice")],
        },
        "review_offsets": [-2 - 3 * i for i in range(8)],
        "ratings": {
            "delivery": (3, 4),
            "value_for_money": (4, 4),
            "relationship": (4, 4),
            "knowledge_transfer": (3, 4),
            "social_value": (3, 3),
        },
        "reviewer": "f.finance",
        "engagements": [
            {
                "title": "Category management for third-party spend",
                "project": "Procurement savings programme",
                "role": R.SPECIALIST,
                "start": -16,
                "months": 30,
                "partner_monthly": 22 * K,
                "internal_monthly": 7 * K,
                "deliverables": "Category plans for care, transport and facilities; contract "
                "register clean-up.",
                "kt_skills": "Category management and should-cost modelling",
                "kt_counterpart": "Strategic Procurement Lead",
                "kt_status": KT.IN_PROGRESS,
                "kt_evidence": "Two council officers completed CIPS level 4.",
            },
            {
                "title": "Programme office for organisational efficiency",
                "workstream": "Organisational Efficiency",
                "role": R.CAPACITY,
                "start": -26,
                "months": 36,
                "partner_monthly": 9 * K,
                "internal_monthly": 5 * K,
                "deliverables": "Workstream plan, benefits tracking and monthly highlight reports.",
                "kt_skills": "Benefits tracking and highlight reporting",
                "kt_counterpart": "PMO Analyst",
                "kt_status": KT.IN_PROGRESS,
                "kt_evidence": "",
            },
            {
                "title": "Finance process automation",
                "project": "Automation of finance processes",
                "role": R.DELIVERY,
                "start": -3,
                "months": 12,
                "partner_monthly": 15 * K,
                "internal_monthly": 6 * K,
                "deliverables": "Automated supplier-invoice matching and bank reconciliation.",
                "kt_skills": "Robotic process automation support",
                "kt_counterpart": "Finance Systems Manager",
                "kt_status": KT.PLANNED,
                "kt_evidence": "",
            },
        ],
    },
    {
        "name": "Thamesford Community Action",
        "partner_type": PartnerType.VOLUNTARY_COMMUNITY,
        "contacts": "Bernadette Okoye, Chief Executive, bernadette@tca.example, 01632 960 118",
        "notes": "The borough's council for voluntary service. Brings residents' voices and "
        "volunteers into the redesign of early help and homelessness services.",
        "contract": {
            "reference": "TCA-GA-2024-02",
            "title": "Grant agreement: community partnership",
            "procurement_route": ProcurementRoute.GRANT,
            "value": 240 * K,
            "start": -26,
            "months": 30,
            "social_value": "1,500 volunteer hours a year; lived-experience panel of 12 "
            "residents paid at the Living Wage.",
            "breaks": [],
        },
        # Last reviewed five months ago: an overdue review for the monthly pack.
        "review_offsets": [-5 - 3 * i for i in range(8)],
        "ratings": {
            "delivery": (3, 4),
            "value_for_money": (5, 5),
            "relationship": (4, 5),
            "knowledge_transfer": (3, 3),
            "social_value": (5, 5),
        },
        "reviewer": "pmo",
        "engagements": [
            {
                "title": "Community outreach for family hubs",
                "project": "Family hubs roll-out",
                "role": R.DELIVERY,
                "start": -9,
                "months": 13,
                "partner_monthly": 5 * K,
                "internal_monthly": 3 * K,
                "deliverables": "Outreach in four wards; volunteer 'hub champions'.",
                "kt_skills": "Community engagement and volunteer coordination",
                "kt_counterpart": "Family Hubs Coordinator",
                "kt_status": KT.IN_PROGRESS,
                "kt_evidence": "",
            },
            {
                "title": "Lived-experience panel for the prevention hub",
                "project": "Homelessness prevention hub",
                "role": R.CHALLENGE,
                "start": -5,
                "months": 8,
                "partner_monthly": 2 * K,
                "internal_monthly": 1 * K,
                "deliverables": "Monthly panel; review of letters and the online form.",
                "kt_skills": "Co-production with residents",
                "kt_counterpart": "Housing Options Manager",
                "kt_status": KT.PLANNED,
                "kt_evidence": "",
            },
        ],
    },
]

NARRATIVES = {
    "up": [
        "Delivery is on track and the joint team is working well; challenge is constructive.",
        "Good quarter: milestones met and council staff are taking on more of the work.",
        "Relationship has matured; issues are raised early and openly.",
    ],
    "flat": [
        "Steady quarter. Deliverables met, but knowledge transfer needs more attention.",
        "Solid delivery; value for money remains a discussion point with finance.",
    ],
}
ACTIONS = [
    "Agree a named council counterpart for each workstream by next review.",
    "Partner to share day-rate breakdown for the next call-off.",
    "Set up joint show-and-tell sessions so skills are shared more widely.",
    "Report social value outcomes against the contract commitments.",
]


def _month(ctx, offset: int) -> datetime.date:
    return ctx.today.replace(day=1) + relativedelta(months=offset)


def _cost_profile(start: datetime.date, end: datetime.date, spec: dict):
    """Partner cost falls 25% a year and internal cost grows 40%: the pattern
    leaders expect as council staff take the work on."""
    first_year, last_year = financial_year_of(start), financial_year_of(end)
    for index, year in enumerate(range(first_year, last_year + 1)):
        fy_start, fy_end = fy_bounds(year)
        run_start, run_end = max(start, fy_start), min(end, fy_end)
        months = Decimal((run_end - run_start).days + 1) / Decimal("30.4")
        partner = spec["partner_monthly"] * months * Decimal("0.75") ** index
        internal = spec["internal_monthly"] * months * Decimal("1.4") ** index
        yield year, partner.quantize(K), internal.quantize(K)


def _rating(ctx, first: int, last: int, step: int, steps: int) -> int:
    value = first + (last - first) * step / max(steps - 1, 1)
    jitter = ctx.rng.choice([0, 0, 0, -1, 1]) if 0 < step < steps - 1 else 0
    return max(1, min(5, round(value) + jitter))


def seed(ctx) -> None:
    projects = {p.title: p for p in Project.objects.all()}
    workstreams = {w.name: w for w in Workstream.objects.all()}
    counts = {"engagements": 0, "reviews": 0}
    for spec in PARTNERS:
        partner, _ = Partner.objects.update_or_create(
            name=spec["name"],
            defaults={
                "partner_type": spec["partner_type"],
                "contacts": spec["contacts"],
                "notes": spec["notes"],
            },
        )
        c = spec["contract"]
        contract_start = _month(ctx, c["start"])
        contract, _ = Contract.objects.update_or_create(
            reference=c["reference"],
            defaults={
                "partner": partner,
                "title": c["title"],
                "procurement_route": c["procurement_route"],
                "value": c["value"],
                "start_date": contract_start,
                "end_date": contract_start + relativedelta(months=c["months"], days=-1),
                "social_value_commitments": c["social_value"],
            },
        )
        contract.full_clean()
        for break_offset, notice_offset, terms in c["breaks"]:
            clause, _ = BreakClause.objects.update_or_create(
                contract=contract,
                terms=terms,
                defaults={
                    "break_date": _month(ctx, break_offset),
                    "notice_date": _month(ctx, notice_offset),
                },
            )
            clause.full_clean()
        for e in spec["engagements"]:
            start = _month(ctx, e["start"])
            end = start + relativedelta(months=e["months"], days=-1)
            engagement, _ = Engagement.objects.update_or_create(
                partner=partner,
                title=e["title"],
                defaults={
                    "contract": contract,
                    "project": projects.get(e.get("project")),
                    "workstream": workstreams.get(e.get("workstream")),
                    "role": e["role"],
                    "start_date": start,
                    "end_date": end,
                    "exit_date": end,
                    "deliverables": e["deliverables"],
                    "kt_skills": e["kt_skills"],
                    "kt_counterpart": e["kt_counterpart"],
                    "kt_status": e["kt_status"],
                    "kt_evidence": e["kt_evidence"],
                },
            )
            engagement.full_clean()
            for year, partner_cost, internal_cost in _cost_profile(start, end, e):
                EngagementCost.objects.update_or_create(
                    engagement=engagement,
                    financial_year=year,
                    defaults={"partner_cost": partner_cost, "internal_cost": internal_cost},
                )
            counts["engagements"] += 1
        offsets = sorted(spec["review_offsets"])
        for step, offset in enumerate(offsets):
            ratings = {
                name: _rating(ctx, first, last, step, len(offsets))
                for name, (first, last) in spec["ratings"].items()
            }
            improving = sum(last - first for first, last in spec["ratings"].values()) > 0
            narrative = ctx.rng.choice(NARRATIVES["up" if improving else "flat"])
            PartnershipReview.objects.update_or_create(
                partner=partner,
                review_date=_month(ctx, offset) + datetime.timedelta(days=14),
                defaults={
                    **ratings,
                    "reviewer": ctx.users[spec["reviewer"]],
                    "narrative": narrative,
                    "agreed_actions": ctx.rng.choice(ACTIONS),
                },
            )
            counts["reviews"] += 1
    ctx.say(
        f"partners: {len(PARTNERS)} strategic partners, {counts['engagements']} engagements, "
        f"{counts['reviews']} partnership reviews"
    )
