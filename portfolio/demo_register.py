"""Demo highlight reports, milestones, RAID, gates and dependencies for the
demo council, so the dashboard tells a story: some projects Red or
Amber/Red with a path to green, one Green override with its justification,
overdue and slipped milestones, escalated risks, gates coming up, and some
updates still due this month.

Seeded with get_or_create on natural keys: running it again creates nothing
twice and writes no new history.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from portfolio.models import (
    REPORTING_STAGES,
    Dependency,
    DependencyKind,
    GateDecision,
    GateOutcome,
    Issue,
    IssuePriority,
    Milestone,
    Project,
    RaidStatus,
    Risk,
    Stage,
    StageOverride,
    StatusUpdate,
)
from portfolio.rag import RAG

G, AG, A, AR, R = RAG.GREEN, RAG.AMBER_GREEN, RAG.AMBER, RAG.AMBER_RED, RAG.RED


@dataclass(frozen=True)
class Story:
    """How a project's delivery confidence moved, oldest month first (the
    last entry is the latest month), and what is wrong with it."""

    ratings: tuple[str, ...]
    overdue_milestone: bool = False
    severe_risk: bool = False
    severe_issue: bool = False
    override: str = ""  # a justification: the latest green was given despite the rule
    slipped: bool = False


STEADY = Story((AG, G, G, AG, G, G, G, AG, G, G, G, G))
SLIPPING = Story((G, G, AG, AG, A, A, A, AR, A, AR, AR, AR), slipped=True, severe_risk=True)
RECOVERING = Story((A, AR, R, R, AR, AR, A, A, A, AG, AG, AG), slipped=True)
RED = Story(
    (AG, A, A, AR, AR, R, R, R, AR, R, R, R),
    overdue_milestone=True,
    severe_risk=True,
    severe_issue=True,
    slipped=True,
)
AMBER = Story((AG, AG, A, A, A, A, AG, A, A, A, A, A), slipped=True)
OVERRIDE = Story(
    (G, G, AG, G, G, G, AG, G, G, G, G, G),
    overdue_milestone=True,
    override=(
        "The overdue milestone is the old CRM switch-off, which Cabinet deliberately moved to "
        "after the new contact centre goes live. The re-plan is approved and every delivery "
        "milestone since has been met, so Green is an honest view of delivery."
    ),
)

# Named stories for the demo projects people will open first (by number).
STORIES = {
    1: RED,
    2: SLIPPING,
    3: OVERRIDE,
    4: RECOVERING,
    6: STEADY,
    12: AMBER,
    16: SLIPPING,
    21: RED,
    23: RECOVERING,
    25: AMBER,
}
GENERIC = [STEADY, AMBER, RECOVERING, STEADY, AMBER, SLIPPING]
# Projects whose update for this month is still outstanding.
UPDATE_DUE = {1, 5, 9, 14, 21, 23, 27, 29, 38}

PATHS_TO_GREEN = {
    R: [
        "Recovery plan agreed with the sponsor on {day}: re-sequence the remaining work, "
        "bring in two interim specialists and report weekly to the Transformation Board. "
        "Expect Amber/Red next month and Amber within a quarter.",
        "Re-tender the failed lot through the regional framework (award due in 8 weeks) and "
        "re-profile this year's saving with Finance. CLT asked to confirm the reduced scope.",
    ],
    AR: [
        "Close the two critical risks by the end of next month: confirm the supplier's "
        "resourcing plan and agree the revised savings profile with Finance.",
        "Recruit the two vacant posts (interviews booked) and move go-live back six weeks "
        "with the sponsor's agreement; Amber expected once the new plan is baselined.",
        "Agree the legal position on the lease break with the landlord; until then the "
        "saving for this year is at risk. Decision expected at the next board.",
    ],
    A: [
        "Recover the two-week slip in testing by running user acceptance in parallel.",
        "Complete the data cleanse before cut-over; extra capacity agreed with Digital.",
        "Confirm the benefits baseline with the budget holder, then re-forecast.",
    ],
    AG: [
        "Confirm the final benefits profile with the budget holder.",
        "Sign off the handover plan with the service before the next gate.",
    ],
}


def path_to_green(rating: str, number: int, period: datetime.date) -> str:
    if rating == G:
        return ""
    options = PATHS_TO_GREEN[rating]
    return options[number % len(options)].format(day=f"{period:%-d %b %Y}")


PROGRESS = {
    G: "All planned activity completed on time. Benefits tracking set up with Finance.",
    AG: "Most planned activity completed; one workstream a week behind but recoverable.",
    A: "Progress slower than planned: supplier onboarding took longer than expected.",
    AR: "Key milestone missed and savings at risk; recovery plan drafted for the sponsor.",
    R: "Delivery has stalled: the critical path is blocked and savings will not land this year.",
}
NEXT_STEPS = {
    G: "Continue delivery to plan and prepare the next gate submission.",
    AG: "Complete the outstanding workstream and start benefits baselining.",
    A: "Run testing in parallel and confirm supplier resourcing.",
    AR: "Take the recovery plan to the Transformation Board for approval.",
    R: "Escalate to CLT for a decision on scope, funding and timescale.",
}

MILESTONES = [
    "Discovery report signed off",
    "Outline business case approved",
    "Full business case approved",
    "Supplier appointed",
    "Pilot live",
    "Roll-out complete",
    "Handover to business as usual",
]
RISKS = [
    ("Supplier capacity", "Supplier is stretched across several councils", "Delivery slips"),
    ("Staff capacity in the service", "Frontline pressures", "Changes not adopted"),
    ("Data quality", "Legacy records incomplete", "Benefits cannot be evidenced"),
    ("Savings double counted", "Cross-cutting programme", "MTFP overstated"),
]
BOARD = "Transformation Board"


def _story(project: Project, index: int) -> Story:
    return STORIES.get(project.number, GENERIC[index % len(GENERIC)])


def _months(project: Project, this_month: datetime.date) -> int:
    start = project.planned_start or this_month
    elapsed = (this_month.year - start.year) * 12 + this_month.month - start.month
    return max(3, min(12, elapsed + 1))


def response_to_red(rating: str, project: Project, period: datetime.date) -> dict:
    """A Red update's recovery owner and re-review date, six weeks on."""
    if rating != R:
        return {}
    owner = project.sponsor.get_full_name() if project.sponsor_id else "Head of service"
    return {
        "red_owner": f"{owner} (sponsor)" if project.sponsor_id else owner,
        "red_review_date": period + relativedelta(months=1, days=14),
    }


def seed_updates(ctx, project: Project, story: Story) -> int:
    this_month = ctx.today.replace(day=1)
    count = _months(project, this_month)
    ratings = story.ratings[-count:]
    periods = [this_month - relativedelta(months=count - 1 - i) for i in range(count)]
    if project.number in UPDATE_DUE:
        # This month's report is still outstanding: the story stops last month.
        periods = [p - relativedelta(months=1) for p in periods]
    made = 0
    for i, (period, rating) in enumerate(zip(periods, ratings, strict=True)):
        latest = i == len(periods) - 1
        override = bool(story.override) and latest
        path = path_to_green(rating, project.number, period)
        _, created = StatusUpdate.objects.get_or_create(
            project=project,
            period=period,
            defaults={
                "delivery_confidence": rating,
                "schedule_rag": AR if story.slipped and rating in (A, AR, R) else rating,
                "cost_rag": G if rating in (G, AG) else A,
                "benefits_rag": rating,
                "resources_rag": A if story is SLIPPING else G,
                "risk_rag": R if story.severe_risk and rating in (AR, R) else rating,
                "progress": PROGRESS[rating],
                "next_steps": NEXT_STEPS[rating],
                "issues_and_decisions": (
                    "Decision needed from the sponsor on the revised scope."
                    if rating in (AR, R)
                    else ""
                ),
                "path_to_green": path,
                **response_to_red(rating, project, period),
                "honesty_override": override,
                "override_justification": story.override if override else "",
                "submitted_by": project.project_manager,
                "submitted_at": min(
                    timezone.now(),
                    datetime.datetime.combine(
                        period + datetime.timedelta(days=24), datetime.time(10), tzinfo=datetime.UTC
                    ),
                ),
            },
        )
        made += created
    StatusUpdate.objects.mark_latest([project.pk])
    return made


def seed_milestones(ctx, project: Project, story: Story, rng: random.Random) -> None:
    start = project.planned_start or ctx.today
    end = project.planned_end or start + relativedelta(months=12)
    span = max((end - start).days, 60)
    names = MILESTONES[:3] + MILESTONES[3 : 3 + rng.randint(1, 4)]
    plan = []
    for i, title in enumerate(names):
        baseline = start + datetime.timedelta(days=span * (i + 1) // (len(names) + 1))
        slip = datetime.timedelta(days=rng.choice([14, 28, 42]) if story.slipped else 0)
        forecast = baseline + slip
        plan.append([title, baseline, forecast, forecast if forecast < ctx.today else None])
    due = [row for row in plan if row[3] is not None]
    if story.overdue_milestone:
        if due:
            # The most recent milestone due has been missed and not re-planned.
            due[-1][3] = None
        else:
            plan.append(
                [
                    "Cabinet decision on the new policy",
                    ctx.today - datetime.timedelta(days=60),
                    ctx.today - datetime.timedelta(days=20),
                    None,
                ]
            )
    for title, baseline, forecast, actual in plan:
        Milestone.objects.get_or_create(
            project=project,
            title=title,
            defaults={"baseline_date": baseline, "forecast_date": forecast, "actual_date": actual},
        )


def seed_raid(ctx, project: Project, story: Story, rng: random.Random) -> None:
    owner = project.project_manager
    for title, cause, effect in rng.sample(RISKS, 2):
        Risk.objects.get_or_create(
            project=project,
            title=title,
            defaults={
                "cause": cause,
                "effect": effect,
                "likelihood": rng.randint(2, 3),
                "impact": rng.randint(2, 4),
                "owner": owner,
                "mitigation": "Monthly review with the supplier and the service lead.",
            },
        )
    if story.severe_risk:
        Risk.objects.get_or_create(
            project=project,
            title="Savings will not land in this financial year",
            defaults={
                "cause": "Delivery has slipped past the point where a full-year effect is possible",
                "effect": "MTFP gap for the year",
                "likelihood": 4,
                "impact": 4,
                "owner": project.sponsor,
                "mitigation": "Re-profile savings with Finance; identify in-year mitigations.",
                "escalated": True,
            },
        )
    if story.severe_issue:
        Issue.objects.get_or_create(
            project=project,
            title="Key supplier has withdrawn",
            defaults={
                "description": "The preferred supplier withdrew at contract award.",
                "priority": IssuePriority.CRITICAL,
                "impact": 4,
                "owner": owner,
                "due_date": ctx.today + datetime.timedelta(days=30),
            },
        )
    if story is RECOVERING:
        Issue.objects.get_or_create(
            project=project,
            title="Recruitment to the project team delayed",
            defaults={
                "priority": IssuePriority.MEDIUM,
                "impact": 2,
                "owner": owner,
                "status": RaidStatus.CLOSED,
                "resolution": "Two interim officers started last month.",
            },
        )


def _past(ctx, day: datetime.date) -> datetime.date:
    return min(day, ctx.today - datetime.timedelta(days=7))


def _gate(project: Project, gate: int, decided_on: datetime.date, decision: str, **extra):
    GateDecision.objects.get_or_create(
        project=project,
        gate=gate,
        decision=decision,
        defaults={"board": BOARD, "decided_on": decided_on, **extra},
    )


# Projects that moved on without their gate, with the PMO's recorded reason.
GATE_OVERRIDES = {
    25: (
        "The highways contract expires on 31 March and cannot be extended again. "
        "The PMO agreed to start procurement at risk while the business case is revised."
    ),
}


def seed_gates(ctx, project: Project, rng: random.Random) -> None:
    start = project.planned_start or ctx.today
    stage = project.stage
    soon = ctx.today + datetime.timedelta(days=rng.randint(10, 55))
    if stage in (Stage.DISCOVERY,):
        _gate(project, 0, soon, "", board="Transformation Board")
        return
    if stage == Stage.BUSINESS_CASE:
        _gate(project, 0, _past(ctx, start - relativedelta(months=2)), GateOutcome.APPROVED)
        _gate(project, 1, soon, "")
        return
    if stage not in (Stage.DELIVERY, Stage.TRANSITION, Stage.CLOSED):
        return
    _gate(project, 0, _past(ctx, start - relativedelta(months=3)), GateOutcome.APPROVED)
    gate1_day = _past(ctx, start - relativedelta(months=1))
    if project.number in GATE_OVERRIDES:
        _gate(
            project, 1, gate1_day, GateOutcome.DEFERRED, conditions="Savings case not yet robust."
        )
        StageOverride.objects.get_or_create(
            project=project,
            stage=Stage.DELIVERY,
            missing_gate=1,
            defaults={"reason": GATE_OVERRIDES[project.number], "overridden_by": ctx.users["pmo"]},
        )
    elif project.number % 5 == 2:
        _gate(
            project,
            1,
            gate1_day,
            GateOutcome.APPROVED_WITH_CONDITIONS,
            conditions="Agree the benefits baseline with Finance before claiming a saving.",
        )
    else:
        _gate(project, 1, gate1_day, GateOutcome.APPROVED)
    end = project.forecast_end or project.planned_end or ctx.today
    if stage in (Stage.TRANSITION, Stage.CLOSED):
        _gate(project, 2, _past(ctx, end - relativedelta(months=4)), GateOutcome.APPROVED)
    if stage == Stage.CLOSED:
        _gate(project, 3, _past(ctx, end + relativedelta(months=1)), GateOutcome.APPROVED)
    elif stage == Stage.TRANSITION:
        _gate(project, 3, soon, "")
    elif end - ctx.today < datetime.timedelta(days=240):
        _gate(project, 2, soon, "")


# (source, kind, target, why), by project number.
DEPENDENCIES = [
    (3, DependencyKind.BLOCKS, 14, "The resident record needs the new customer platform."),
    (21, DependencyKind.BLOCKS, 22, "Care technology referrals run through the new case records."),
    (33, DependencyKind.INFORMS, 1, "Travel training numbers drive the transport savings profile."),
    (16, DependencyKind.INFORMS, 5, "Buildings released by the estate review may house hubs."),
    (
        10,
        DependencyKind.INFORMS,
        18,
        "Round optimisation freed capacity for commercial collections.",
    ),
]


def seed_dependencies(projects: dict[int, Project]) -> None:
    for source, kind, target, why in DEPENDENCIES:
        if source in projects and target in projects:
            Dependency.objects.get_or_create(
                source=projects[source],
                target=projects[target],
                kind=kind,
                defaults={"description": why},
            )


def seed(ctx, projects: list[Project]) -> None:
    updates = 0
    for index, project in enumerate(projects):
        rng = random.Random(project.number)
        story = _story(project, index)
        if project.stage in REPORTING_STAGES:
            updates += seed_updates(ctx, project, story)
        if project.stage != Stage.IDEA:
            seed_milestones(ctx, project, story, rng)
            seed_raid(ctx, project, story, rng)
        seed_gates(ctx, project, rng)
    seed_dependencies({p.number: p for p in projects})
    ctx.say(
        f"register: {StatusUpdate.objects.count()} monthly updates ({updates} new), "
        f"{Milestone.objects.count()} milestones, {Risk.objects.count()} risks, "
        f"{GateDecision.objects.count()} gate decisions, {Dependency.objects.count()} dependencies"
    )


def seed_scale(ctx, projects: list[Project]) -> None:
    """Synthetic projects for benchmarks, through bulk paths (no history):
    12 months of updates for reporting projects, about three milestones and
    three risks each, and the gates their stage implies."""
    this_month = ctx.today.replace(day=1)
    periods = [this_month - relativedelta(months=m) for m in range(12)]
    rng = ctx.rng
    updates, milestones, risks, gates = [], [], [], []
    ladder = [G, AG, A, AR, R]
    for project in projects:
        start = project.planned_start or ctx.today
        if project.stage in REPORTING_STAGES:
            level = rng.randint(0, 4)
            skip_current = rng.random() < 0.3
            for period in periods:
                if skip_current and period == this_month:
                    continue
                rating = ladder[level]
                updates.append(
                    StatusUpdate(
                        project=project,
                        period=period,
                        delivery_confidence=rating,
                        schedule_rag=rating,
                        cost_rag=rating,
                        benefits_rag=rating,
                        resources_rag=rating,
                        risk_rag=rating,
                        progress=PROGRESS[rating],
                        next_steps=NEXT_STEPS[rating],
                        path_to_green=path_to_green(rating, project.number, period),
                        **response_to_red(rating, project, period),
                        submitted_by_id=project.project_manager_id,
                    )
                )
                level = max(0, min(4, level + rng.choice([-1, 0, 0, 1])))
        for i in range(3):
            baseline = start + relativedelta(months=3 * (i + 1))
            forecast = baseline + datetime.timedelta(days=rng.choice([0, 0, 14, 30]))
            milestones.append(
                Milestone(
                    project=project,
                    title=MILESTONES[i + 2],
                    baseline_date=baseline,
                    forecast_date=forecast,
                    actual_date=forecast if forecast < ctx.today and rng.random() < 0.9 else None,
                )
            )
            title, cause, effect = RISKS[i]
            risks.append(
                Risk(
                    project=project,
                    title=title,
                    cause=cause,
                    effect=effect,
                    likelihood=rng.randint(1, 5),
                    impact=rng.randint(1, 5),
                    owner_id=project.project_manager_id,
                )
            )
        if project.stage in (Stage.DELIVERY, Stage.TRANSITION, Stage.CLOSED):
            gates.append(
                GateDecision(
                    project=project,
                    gate=1,
                    decision=GateOutcome.APPROVED,
                    board=BOARD,
                    decided_on=_past(ctx, start),
                )
            )
        if project.stage == Stage.CLOSED:
            gates.append(
                GateDecision(
                    project=project,
                    gate=3,
                    decision=GateOutcome.APPROVED,
                    board=BOARD,
                    decided_on=_past(ctx, project.planned_end or ctx.today),
                )
            )
    StatusUpdate.objects.bulk_create(updates, batch_size=5000)
    StatusUpdate.objects.mark_latest()
    Milestone.objects.bulk_create(milestones, batch_size=5000)
    Risk.objects.bulk_create(risks, batch_size=5000)
    GateDecision.objects.bulk_create(gates, batch_size=5000)
    ctx.say(
        f"scale register: {len(updates)} updates, {len(milestones)} milestones, "
        f"{len(risks)} risks, {len(gates)} gate decisions"
    )
