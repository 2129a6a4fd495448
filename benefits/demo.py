"""The demo council's benefits book (Thamesford Council).

About £12m of planned savings across the MTFP years, entered incremental,
with the stories finance meets every month: savings that slipped, one
written off early, years signed off by finance for actuals someone else
entered, a correction after sign-off, a central project's saving banked in a
service budget, a double-count flag still open, one fixed and one marked
distinct, plus KPIs with measurements and narratives of new capabilities.

Every write goes through benefits.services, so the demo obeys the rules a
user would. Idempotent: a benefit that exists (project + title) is skipped.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction

from benefits import money, services
from benefits.models import (
    BenefitStatus,
    BenefitType,
    BenefitYear,
    Confidence,
    DoubleCountResolution,
    FinancialBenefit,
    Frequency,
    NonFinancialBenefit,
    OutcomeCategory,
    OutcomeKind,
    Recurrence,
)
from portfolio.models import Directorate, Project, ProjectType, Service, Stage

K = Decimal(1000)
# The book is sized to about £12m planned over the MTFP years (DOMAIN.md scale).
SCALE = Decimal("0.8")

# project number -> [(title, full-year £k, type, recurrence, extra)]; extra may
# hold "service", "directorate", "budget_code", "fte", "owner".
BENEFITS = {
    1: [
        (
            "Transport route optimisation",
            520,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {"budget_code": "CS-HTST-01"},
        ),
        (
            "Home to school transport contract re-let",
            260,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {"budget_code": "CS-HTST-02"},
        ),
    ],
    2: [
        (
            "Fewer out-of-borough SEND placements",
            1100,
            BenefitType.COST_AVOIDANCE,
            Recurrence.RECURRING,
            {},
        ),
        ("Local specialist places", 400, BenefitType.CASHABLE, Recurrence.RECURRING, {}),
    ],
    3: [
        (
            "Contact centre staffing from channel shift",
            450,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {"fte": (14, 9)},
        ),
        # A central project's saving banked in a service budget.
        (
            "Adult social care front door contact handling",
            180,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {
                "directorate": "Adults' Social Care",
                "service": "Adult Social Care Front Door",
                "budget_code": "ASC-FD-01",
            },
        ),
    ],
    4: [
        (
            "Reduced long-term care admissions",
            950,
            BenefitType.COST_AVOIDANCE,
            Recurrence.RECURRING,
            {},
        ),
        (
            "Front door assessment efficiency",
            250,
            BenefitType.NON_CASHABLE,
            Recurrence.RECURRING,
            {},
        ),
    ],
    5: [("Library building running costs", 300, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
    6: [
        ("Contract renegotiation savings", 650, BenefitType.CASHABLE, Recurrence.RECURRING, {}),
        (
            "Home to school transport contract re-let (procurement)",
            260,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {
                "directorate": "Children's Services",
                "service": "Home to School Transport",
                "budget_code": "CS-HTST-02",
            },
        ),
    ],
    7: [
        (
            "Management delayering",
            520,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {"fte": (12, 8)},
        ),
        (
            "Children's social care management posts",
            230,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {
                "directorate": "Children's Services",
                "service": "Children's Social Care",
                "budget_code": "CS-CSC-MGT",
                "fte": (4, 2),
            },
        ),
    ],
    8: [
        (
            "Lower home care hours after reablement",
            600,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {},
        )
    ],
    9: [
        (
            "Residential to supported living moves",
            900,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {},
        )
    ],
    10: [
        (
            "One fewer collection round",
            250,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {"budget_code": "PL-WASTE-01"},
        )
    ],
    11: [
        (
            "Garden waste subscription income",
            380,
            BenefitType.INCOME,
            Recurrence.RECURRING,
            {"budget_code": "PL-WASTE-01"},
        )
    ],
    12: [
        ("Fewer children entering care", 350, BenefitType.COST_AVOIDANCE, Recurrence.RECURRING, {})
    ],
    13: [("Lower external placement costs", 800, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
    14: [("Reduced duplicate data entry", 120, BenefitType.NON_CASHABLE, Recurrence.RECURRING, {})],
    15: [
        ("Single person discount removals", 300, BenefitType.INCOME, Recurrence.RECURRING, {}),
        ("Backdated council tax recovered", 85, BenefitType.INCOME, Recurrence.ONE_OFF, {}),
    ],
    16: [("Office building disposals", 450, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
    17: [("Parking permit administration", 80, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
    18: [("Commercial waste income growth", 200, BenefitType.INCOME, Recurrence.RECURRING, {})],
    19: [("Energy bill reduction", 120, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
    20: [
        ("Shared legal service contribution", 180, BenefitType.CASHABLE, Recurrence.RECURRING, {})
    ],
    21: [("Social worker time released", 150, BenefitType.NON_CASHABLE, Recurrence.RECURRING, {})],
    22: [
        (
            "Technology enabled care: lower care packages",
            300,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {},
        )
    ],
    23: [
        (
            "Temporary accommodation nights avoided",
            250,
            BenefitType.COST_AVOIDANCE,
            Recurrence.RECURRING,
            {},
        )
    ],
    24: [
        ("Nightly-paid accommodation replaced", 600, BenefitType.CASHABLE, Recurrence.RECURRING, {})
    ],
    25: [("Highways contract price", 400, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
    26: [("Planning validation automation", 90, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
    27: [
        (
            "Accounts payable automation",
            160,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {"fte": (5, 0)},
        )
    ],
    28: [("Improved sundry debt collection", 220, BenefitType.INCOME, Recurrence.RECURRING, {})],
    29: [("Smoking cessation contract", 60, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
    30: [
        ("Treatment service recommissioning", 150, BenefitType.CASHABLE, Recurrence.RECURRING, {})
    ],
    31: [
        (
            "Intelligence hub efficiencies",
            40,
            BenefitType.NON_CASHABLE,
            Recurrence.RECURRING,
            {"no_owner": True},
        )
    ],
    32: [("Fleet fuel and maintenance", 300, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
    33: [
        (
            "Independent travel training: fewer taxi routes",
            180,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {"budget_code": "CS-HTST-01"},
        )
    ],
    34: [
        (
            "Care market shaping: fee stability",
            250,
            BenefitType.COST_AVOIDANCE,
            Recurrence.RECURRING,
            {},
        )
    ],
    35: [
        (
            "Crisis pathway: fewer admissions",
            200,
            BenefitType.COST_AVOIDANCE,
            Recurrence.RECURRING,
            {},
        )
    ],
    36: [("Print and postage", 60, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
    37: [
        (
            "Apprenticeship levy use",
            50,
            BenefitType.CASHABLE,
            Recurrence.ONE_OFF,
            {"no_owner": True},
        )
    ],
    38: [
        (
            "Agency social worker premium",
            400,
            BenefitType.CASHABLE,
            Recurrence.RECURRING,
            {"fte": (0, 0)},
        )
    ],
    39: [("Street lighting energy", 350, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
    40: [("Leisure operating subsidy", 300, BenefitType.CASHABLE, Recurrence.RECURRING, {})],
}

OWNERS = ["sponsor", "l.grant", "a.hussain", "c.doyle"]
DIGITAL_PROJECTS = {3, 14, 21, 22, 26, 27}


def _start(project: Project, today: datetime.date, number: int) -> datetime.date:
    """When the saving starts: after the work that delivers it, and never
    before the MTFP window (the year just closed)."""
    fy = money.financial_year_of(today)
    earliest = datetime.date(fy - 1, 4, 1)
    if project.stage == Stage.CLOSED or project.stage == Stage.STOPPED:
        start = datetime.date(fy - 1, 4 + number % 6, 1)
    elif project.stage in (Stage.DELIVERY, Stage.TRANSITION):
        months_in = (
            (today.year - project.planned_start.year) * 12
            + today.month
            - project.planned_start.month
        )
        start = (
            datetime.date(fy - 1, 10, 1)
            if months_in >= 9
            else datetime.date(fy, 4, 1) + relativedelta(months=6 + number % 4)
        )
    elif project.stage == Stage.IDEA:
        start = datetime.date(fy + 2, 4, 1)
    else:
        start = datetime.date(fy + 1, 4, 1) + relativedelta(months=number % 3 * 3)
    return max(start, earliest)


def _months_active(year: int, start: datetime.date, today: datetime.date) -> list[datetime.date]:
    first, last = money.fy_bounds(year)
    month = max(first, start.replace(day=1))
    end = min(last, today.replace(day=1) - datetime.timedelta(days=1))
    months = []
    while month <= end:
        months.append(month)
        month += relativedelta(months=1)
    return months


def seed(ctx) -> None:
    with transaction.atomic():
        created = _seed_financial(ctx)
        _seed_costs(ctx)
        _seed_double_counting(ctx)
        outcomes = _seed_outcomes(ctx)
    total = sum(
        (r.plan for r in BenefitYear.objects.filter(benefit__duplicate_of__isnull=True)),
        Decimal(0),
    )
    ctx.say(
        f"benefits: {FinancialBenefit.objects.count()} financial ({created} new), "
        f"£{total:,.0f} planned (incremental, counted once), "
        f"{NonFinancialBenefit.objects.count()} non-financial ({outcomes} new)"
    )


def _seed_financial(ctx) -> int:
    rng = random.Random(505)
    today = ctx.today
    fy = money.financial_year_of(today)
    users = ctx.users
    directorates = {d.name: d for d in Directorate.objects.all()}
    services_by_name = {s.name: s for s in Service.objects.all()}
    projects = {
        p.number: p
        for p in Project.objects.filter(number__in=BENEFITS).select_related("lead_directorate")
    }
    created = 0
    index = 0
    for number, specs in BENEFITS.items():
        project = projects.get(number)
        if project is None:
            continue
        for title, full_year_k, kind, recurrence, extra in specs:
            index += 1
            if FinancialBenefit.objects.filter(project=project, title=title).exists():
                continue
            created += 1
            start = _start(project, today, number + index)
            full_year = Decimal(full_year_k) * K * SCALE
            if recurrence == Recurrence.RECURRING:
                plan = money.part_year_split(full_year, start)
            else:
                plan = {money.financial_year_of(start): full_year}
            directorate = directorates[extra.get("directorate", project.lead_directorate.name)]
            service = (
                services_by_name.get(extra.get("service", ""))
                or project.services.filter(directorate=directorate).first()
            )
            owner = None if extra.get("no_owner") else users[OWNERS[index % len(OWNERS)]]
            has_baseline = index % 7 != 3
            fte = extra.get("fte", (Decimal(0), Decimal(0)))
            confidence = {
                Stage.CLOSED: Confidence.SECURE,
                Stage.IDEA: Confidence.NOT_IDENTIFIED,
                Stage.PAUSED: Confidence.AT_RISK,
            }.get(project.stage, Confidence.ON_TRACK)
            status = {
                Stage.IDEA: BenefitStatus.IDENTIFIED,
                Stage.DISCOVERY: BenefitStatus.IDENTIFIED,
                Stage.BUSINESS_CASE: BenefitStatus.IDENTIFIED,
            }.get(project.stage, BenefitStatus.IN_DELIVERY)
            benefit = services.benefit_create(
                by=users["pmo"],
                today=today,
                plan=plan,
                project=project,
                title=title,
                description=f"{title}, delivered by {project.title.lower()}.",
                benefit_type=kind,
                recurrence=recurrence,
                mtfp_category=project.mtfp_category or "service_transformation",
                saving_kind=project.project_type or ProjectType.TRANSFORMATION,
                directorate=directorate,
                service=service,
                budget_code=extra.get(
                    "budget_code", f"{directorate.short_name}-{number:03d}{index % 10}"
                ),
                owner=owner,
                baseline_value=(full_year * Decimal(rng.choice([4, 5, 6, 8, 10])))
                if has_baseline
                else None,
                baseline_date=datetime.date(fy - 1, 4, 1) if has_baseline else None,
                baseline_source=f"{money.fy_label(fy - 1)} budget book" if has_baseline else "",
                measurement_method="Budget monitoring against the baseline budget line.",
                evidence="Monthly budget monitoring report.",
                confidence=confidence,
                status=status,
                fte_proposed=Decimal(fte[0]),
                fte_confirmed=Decimal(fte[1]),
            )
            _story(ctx, benefit, project, start, index, rng)
    return created


def _story(ctx, benefit, project, start, index, rng) -> None:
    """Approve, slip, lose, realise and sign off, as the stage suggests."""
    users, today = ctx.users, ctx.today
    fy = money.financial_year_of(today)
    if project.stage in (Stage.IDEA, Stage.DISCOVERY) or (
        project.stage == Stage.BUSINESS_CASE and index % 2
    ):
        return  # plans not yet approved
    services.benefit_approve_plan(benefit=benefit, by=users["pmo"])
    if project.stage == Stage.STOPPED or project.stage == Stage.PAUSED:
        services.benefit_write_off(
            benefit=benefit,
            by=users["pmo"],
            today=today,
            reason=(
                "Test, scale or stop: the pilot showed no reduction in admissions; stopped early."
                if project.stage == Stage.STOPPED
                else "Supplier platform delay means the saving cannot be evidenced; written off."
            ),
        )
        return
    forecast = {row.year: row.forecast for row in benefit.years.all()}
    if project.stage in (Stage.DELIVERY, Stage.TRANSITION, Stage.BUSINESS_CASE) and index % 3 == 0:
        # Slipped: 40% of each future year moves to the following year.
        moved = {y: v for y, v in forecast.items()}
        for y in sorted(forecast):
            if y >= fy:
                shift = money.to_pence(forecast[y] * Decimal("0.4"))
                moved[y] -= shift
                moved[y + 1] = moved.get(y + 1, Decimal(0)) + shift
        services.benefit_reprofile(
            benefit=benefit,
            forecast=moved,
            by=project.project_manager,
            today=today,
            reason="Recruitment to the new team took longer than planned; the saving starts later.",
        )
        benefit.confidence = Confidence.AT_RISK
        benefit.save(update_fields=["confidence"])
        forecast = moved
    elif project.stage == Stage.DELIVERY and index % 5 == 1:
        reduced = {
            y: money.to_pence(v * Decimal("0.7")) if y >= fy else v for y, v in forecast.items()
        }
        services.benefit_reprofile(
            benefit=benefit,
            forecast=reduced,
            by=project.project_manager,
            today=today,
            reason="Scope reduced after consultation: 30% of the saving will not be achieved.",
        )
        forecast = reduced
    # Actuals for the months that have passed.
    # A quarter of the actuals are entered by finance itself (Aisha Rahman),
    # so the demo has years only the second finance officer can sign off.
    enterer = users["finance"] if index % 4 == 0 else (benefit.owner or project.project_manager)
    for year in sorted(forecast):
        if year > fy:
            continue
        months = _months_active(year, start, today)
        months_in_year = len(_months_active(year, start, datetime.date(year + 1, 4, 1)))
        if not months or not months_in_year:
            continue
        factor = Decimal(rng.choice(["0.83", "0.91", "0.97", "1.00", "1.04"]))
        monthly = money.to_pence(forecast[year] * factor / months_in_year)
        if monthly <= 0:
            continue
        for month in months:
            services.benefit_record_actual(
                benefit=benefit,
                month=month,
                amount=monthly,
                by=enterer,
                today=today,
                evidence=f"Budget monitoring {month:%B %Y}: line {benefit.budget_code} below baseline.",
            )
    # Finance signs off the closed year, for actuals someone else entered;
    # a third of the closed years are left awaiting sign-off.
    last_year = fy - 1
    if benefit.actuals.filter(year=last_year).exists() and index % 3 != 2:
        signer = users["finance2"] if enterer == users["finance"] else users["finance"]
        services.benefit_sign_off(
            benefit=benefit,
            year=last_year,
            by=signer,
            note="Agreed to the outturn report.",
            today=today,
        )
        if index % 5 == 0:
            services.benefit_record_actual(
                benefit=benefit,
                month=datetime.date(last_year + 1, 3, 1),
                amount=Decimal("1250.00"),
                by=users["f.finance"],
                today=today,
                evidence="Late credit note from the supplier.",
                reason="Credit note received after the year was signed off.",
            )
    if project.stage == Stage.CLOSED and index % 2 == 0:
        benefit.status = BenefitStatus.REALISED
        benefit.save(update_fields=["status"])


def _seed_costs(ctx) -> None:
    today = ctx.today
    years = money.mtfp_years(today)
    for project in Project.objects.filter(number__in=BENEFITS):
        if project.cost_years.exists() or not project.planned_start:
            continue
        first = max(money.financial_year_of(project.planned_start), years[0])
        last = min(money.financial_year_of(project.planned_end or project.planned_start), years[-1])
        span = list(range(first, max(first, last) + 1))
        capital = project.capital_investment / len(span)
        revenue = project.revenue_investment / len(span)
        rows = {}
        for year in span:
            rows[year] = (money.to_pence(capital), money.to_pence(revenue), Decimal("0.00"))
        if project.number in DIGITAL_PROJECTS:
            licence = money.to_pence((project.capital_investment + project.revenue_investment) / 20)
            for year in range(span[0] + 1, years[-1] + 1):
                c, r, _ = rows.get(year, (Decimal("0.00"), Decimal("0.00"), Decimal("0.00")))
                rows[year] = (c, r, licence)
        services.project_costs_save(project=project, rows=rows, today=today)


def _seed_double_counting(ctx) -> None:
    pmo = ctx.users["pmo"]
    fy = money.financial_year_of(ctx.today)
    # Fixed: procurement's re-let is the same saving as the transport review's.
    duplicate = FinancialBenefit.objects.filter(
        title="Home to school transport contract re-let (procurement)"
    ).first()
    counted = FinancialBenefit.objects.filter(
        title="Home to school transport contract re-let"
    ).first()
    if duplicate and counted and duplicate.duplicate_of_id is None:
        services.benefit_mark_duplicate(
            benefit=duplicate,
            duplicate_of=counted,
            by=pmo,
            reason="The same contract re-let: counted once, under the transport review.",
        )
    # Marked distinct: round savings and subscription income share a cost centre.
    waste = list(FinancialBenefit.objects.filter(budget_code="PL-WASTE-01").order_by("pk"))
    if len(waste) == 2:
        for year in sorted(
            set(waste[0].years.values_list("year", flat=True))
            & set(waste[1].years.values_list("year", flat=True))
        ):
            DoubleCountResolution.objects.get_or_create(
                budget_code="PL-WASTE-01",
                year=year,
                benefit_ids=services.flag_key(b.pk for b in waste),
                defaults={
                    "reason": "Distinct: one is a cost saving on rounds, the other is new subscription income.",
                    "resolved_by": pmo,
                },
            )
    del fy  # the transport flag (CS-HTST-01) is left open for PMO to resolve


KPIS = [
    (
        4,
        "First contacts resolved at the front door",
        "Contacts resolved at first point",
        "%",
        True,
        38,
        60,
        Frequency.MONTHLY,
        OutcomeCategory.RESIDENTS,
        [40, 41, 44, 46, 47, 50, 51, 53],
    ),
    (
        8,
        "More people living at home after hospital",
        "At home 91 days after discharge",
        "%",
        True,
        78,
        88,
        Frequency.QUARTERLY,
        OutcomeCategory.RESIDENTS,
        [79, 81, 83, 85],
    ),
    (
        1,
        "Pupils travelling independently",
        "Pupils trained and travelling independently",
        "pupils",
        True,
        120,
        220,
        Frequency.QUARTERLY,
        OutcomeCategory.RESIDENTS,
        [126, 134, 141, 150],
    ),
    (
        3,
        "Transactions completed online",
        "Share of transactions online",
        "%",
        True,
        35,
        70,
        Frequency.MONTHLY,
        OutcomeCategory.SERVICE_QUALITY,
        [37, 40, 44, 47, 52, 55, 58, 61],
    ),
    (
        23,
        "Households prevented from becoming homeless",
        "Preventions per quarter",
        "households",
        True,
        140,
        200,
        Frequency.QUARTERLY,
        OutcomeCategory.RESIDENTS,
        [138, 142, 139, 145],
    ),
    (
        12,
        "Families waiting more than four weeks for early help",
        "Families waiting over 4 weeks",
        "families",
        False,
        210,
        80,
        Frequency.MONTHLY,
        OutcomeCategory.SERVICE_QUALITY,
        [205, 190, 176, 170, 158, 151, 139, 131],
    ),
    (
        32,
        "Fleet carbon emissions",
        "Fleet emissions",
        "tonnes CO2e a quarter",
        False,
        820,
        500,
        Frequency.QUARTERLY,
        OutcomeCategory.ENVIRONMENT,
        [805, 790, 812, 770],
    ),
]

NARRATIVES = [
    (
        14,
        "A single view of each resident",
        OutcomeCategory.CAPABILITY,
        [
            (
                "Matching engine live for council tax, housing and adults' records.",
                "Go-live report to the Digital Board.",
            ),
            (
                "Customer advisers see a resident's open cases across services in one screen.",
                "Demonstrated to CLT; adviser survey.",
            ),
        ],
    ),
    (
        21,
        "Mobile case recording for social workers",
        OutcomeCategory.STAFF,
        [
            (
                "Social workers record visits on tablets; no re-keying at the office.",
                "Practice lead sign-off.",
            ),
        ],
    ),
    (
        5,
        "Libraries as community hubs with partners",
        OutcomeCategory.PARTNERSHIP,
        [
            (
                "Memorandum of understanding signed with the NHS trust and two voluntary groups.",
                "Signed agreement held by legal.",
            ),
        ],
    ),
    (20, "Shared legal service with a neighbouring council", OutcomeCategory.PARTNERSHIP, []),
]


def _seed_outcomes(ctx) -> int:
    users, today = ctx.users, ctx.today
    projects = {
        p.number: p
        for p in Project.objects.filter(
            number__in=[k[0] for k in KPIS] + [n[0] for n in NARRATIVES]
        )
    }
    created = 0
    for number, title, kpi, unit, higher, baseline, target, frequency, category, values in KPIS:
        project = projects.get(number)
        if (
            project is None
            or NonFinancialBenefit.objects.filter(project=project, title=title).exists()
        ):
            continue
        created += 1
        step = 1 if frequency == Frequency.MONTHLY else 3
        baseline_date = today.replace(day=1) - relativedelta(months=step * (len(values) + 1))
        outcome = services.outcome_create(
            project=project,
            title=title,
            owner=project.sponsor,
            category=category,
            kind=OutcomeKind.MEASURED,
            kpi_name=kpi,
            unit=unit,
            higher_is_better=higher,
            baseline_value=Decimal(baseline),
            baseline_date=baseline_date,
            target_value=Decimal(target),
            target_date=baseline_date + relativedelta(months=24),
            frequency=frequency,
            description=f"{kpi}, from {baseline} to {target} {unit}.",
        )
        for i, value in enumerate(values, start=1):
            services.kpi_record_measurement(
                benefit=outcome,
                measured_on=baseline_date + relativedelta(months=step * i),
                value=Decimal(value),
                note="",
                source="Service performance dashboard",
                by=project.project_manager,
                today=today,
            )
    for number, title, category, entries in NARRATIVES:
        project = projects.get(number)
        if (
            project is None
            or NonFinancialBenefit.objects.filter(project=project, title=title).exists()
        ):
            continue
        created += 1
        outcome = services.outcome_create(
            project=project,
            title=title,
            owner=project.sponsor,
            category=category,
            kind=OutcomeKind.NARRATIVE,
            description=f"A new capability from {project.title.lower()}.",
        )
        for i, (description, evidence) in enumerate(entries):
            services.narrative_add(
                benefit=outcome,
                entry_date=today - relativedelta(months=2 * (len(entries) - i)),
                description=description,
                evidence=evidence,
                by=users["pmo"],
                today=today,
            )
    return created


def seed_scale(ctx, projects) -> None:
    """About two benefits per synthetic project, five profile rows each, by
    bulk_create (benchmark data: no history or events)."""
    rng = random.Random(9090)
    fy = money.financial_year_of(ctx.today)
    years = [y for y in money.mtfp_years(ctx.today)][:5]
    directorates = list(Directorate.objects.all())
    owners = [ctx.users[u] for u in OWNERS]
    new = []
    for project in projects:
        for n in range(rng.choice([1, 2, 2, 3])):
            new.append(
                FinancialBenefit(
                    project=project,
                    title=f"Synthetic saving {project.number}-{n + 1}",
                    benefit_type=rng.choice(BenefitType.values),
                    recurrence=rng.choice([Recurrence.RECURRING] * 4 + [Recurrence.ONE_OFF]),
                    mtfp_category=project.mtfp_category or "service_transformation",
                    saving_kind=project.project_type,
                    directorate=rng.choice(directorates),
                    budget_code=f"SYN-{project.number:05d}-{n}",
                    owner=rng.choice(owners),
                    confidence=rng.choice(Confidence.values),
                    status=BenefitStatus.IN_DELIVERY,
                )
            )
    created = FinancialBenefit.objects.bulk_create(new, batch_size=2000)
    rows = []
    for benefit in created:
        full_year = Decimal(rng.randrange(10, 500)) * K
        start = rng.choice(years[1:4])
        for year in years:
            amount = full_year if year == start else Decimal("0.00")
            rows.append(
                BenefitYear(
                    benefit=benefit,
                    year=year,
                    plan=amount,
                    forecast=amount if year != fy else money.to_pence(amount * Decimal("0.9")),
                )
            )
    BenefitYear.objects.bulk_create(rows, batch_size=5000)
    ctx.say(f"benefits scale: {len(created)} synthetic benefits, {len(rows)} profile rows")
