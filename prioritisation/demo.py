"""Demo scores, phases and a calibration set for Thamesford Council.

Levels are derived from each demo project's own facts (its services, its
corporate priorities, its investment, its stage and slippage), so the grid
looks like a real portfolio: a few big, risky corporate programmes and a
long tail of smaller service-led changes. Rationales quote those facts.

Idempotent: a project that already has any assessment is left alone, a
phase the PMO has set is never overwritten, and the calibration set and the
demo draft are created once.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from portfolio.models import Project, ProjectType, Stage
from prioritisation import services
from prioritisation.models import (
    Assessment,
    AssessmentStatus,
    CalibrationReference,
    Criterion,
    CriterionScore,
    ModelStatus,
    Phase,
    PhaseChoice,
    ScoringModel,
)
from prioritisation.scoring import Tier, add_quarters
from prioritisation.selectors import active_model, model_rules

STATUTORY_WORDS = (
    "SEND",
    "social care",
    "safeguard",
    "statutory",
    "care act",
    "homeless",
    "transport",
    "children",
    "duty",
)


def _clamp(level: int) -> int:
    return max(1, min(5, level))


def _levels(project: Project, rng) -> dict[str, tuple[int, str]]:
    """(level, rationale) per criterion code, from the project's facts."""
    services = list(project.services.all())
    directorates = {s.directorate_id for s in services}
    priorities = [p.name for p in project.priorities.all()]
    investment_k = int(project.total_investment / 1000)
    text = f"{project.title} {project.summary}".lower()
    transformation = project.project_type == ProjectType.TRANSFORMATION
    statutory = any(word.lower() in text for word in STATUTORY_WORDS)
    slipped_months = 0
    if project.forecast_end and project.planned_end and project.forecast_end > project.planned_end:
        slipped_months = round((project.forecast_end - project.planned_end).days / 30)
    thin_capacity = [s.name for s in services if s.change_capacity <= 1]

    alignment = _clamp(len(priorities) + 2 + (1 if transformation else 0))
    if len(directorates) > 1:
        breadth = 4 + (1 if len(services) >= 4 else 0)
    else:
        breadth = _clamp(len(services) + 1)
    statutory_level = 4 if statutory else rng.choice([1, 2, 2, 3])
    residents = _clamp(
        (3 if transformation else 2) + (1 if statutory else 0) + rng.choice([-1, 0, 0, 1])
    )
    financial = (
        5
        if investment_k > 1500
        else 4
        if investment_k > 600
        else 3
        if investment_k > 250
        else 2
        if investment_k > 80
        else 1
    )
    complexity = _clamp(
        (3 if transformation else 2) + (1 if len(services) >= 3 else 0) + rng.choice([-1, 0, 0, 1])
    )
    # Delivery risk varies independently of impact: some small changes are
    # hard (thin teams, old systems), some big ones are well rehearsed.
    risk_shift = rng.choice([-1, -1, 0, 1, 1, 2])
    complexity = _clamp(complexity + risk_shift)
    non_delivery = _clamp(
        2
        + risk_shift
        + (1 if transformation else 0)
        + rng.choice([-1, 0, 0, 1])
        + (1 if slipped_months else 0)
        + (1 if slipped_months >= 2 else 0)
        + (1 if project.stage == Stage.PAUSED else 0)
    )
    failure = _clamp((4 if statutory else 2) + (1 if investment_k > 600 else 0))
    resources = _clamp(2 + (2 if thin_capacity else 0) + rng.choice([0, 1, 1]) + risk_shift)
    dependencies = _clamp(len(services) + rng.choice([-1, 0, 0]))

    service_names = ", ".join(s.name for s in services) or "no named service"
    priority_text = " and ".join(f"'{p}'" for p in priorities) or "no corporate priority"
    return {
        "alignment": (
            alignment,
            f"Delivers {priority_text}; {'a transformation project' if transformation else 'an efficiency within existing resources'}.",
        ),
        "breadth": (
            breadth,
            f"Changes {len(services)} service{'s' if len(services) != 1 else ''} ({service_names}) in {len(directorates) or 1} directorate{'s' if len(directorates) > 1 else ''}.",
        ),
        "statutory": (
            statutory_level,
            "Needed to meet a statutory duty in the service's legislation; the inspection plan refers to it."
            if statutory
            else "No statutory driver; discretionary improvement.",
        ),
        "residents": (
            residents,
            "Residents who rely on these services see a direct change in how they are supported."
            if residents >= 3
            else "Mostly internal; residents notice little change.",
        ),
        "financial": (
            financial,
            f"One-off investment of £{investment_k:,}k; the business case's annual saving is in the same band.",
        ),
        "complexity": (
            complexity,
            f"{'New operating model' if transformation else 'Process change'} across {len(services)} service{'s' if len(services) != 1 else ''}.",
        ),
        "non_delivery": (
            non_delivery,
            f"Forecast end has slipped {slipped_months} month{'s' if slipped_months != 1 else ''} against plan."
            if slipped_months
            else "On plan at the last highlight report.",
        ),
        "failure_impact": (
            failure,
            "Failure would risk a statutory duty or a significant overspend."
            if failure >= 4
            else "Failure would be contained within the service budget.",
        ),
        "resources": (
            resources,
            f"Change capacity is thin in {', '.join(thin_capacity)}."
            if thin_capacity
            else "The service has a named lead and most of the skills needed.",
        ),
        "dependencies": (
            dependencies,
            f"Relies on {len(services) - 1} other service change{'s' if len(services) != 2 else ''} landing on time."
            if len(services) > 1
            else "Stands alone.",
        ),
    }


def _entries(model, levels) -> dict[int, services.LevelEntry]:
    return {c.pk: services.LevelEntry(*levels[c.code]) for c in model.criteria.all()}


def seed(ctx) -> None:
    model = active_model()
    pmo = ctx.users["pmo"]
    projects = list(
        Project.objects.filter(number__lte=200)
        .exclude(title__startswith="Synthetic project")
        .select_related("project_manager", "sponsor")
        .prefetch_related("services", "priorities")
        .order_by("number")
    )
    scored = 0
    for index, project in enumerate(projects):
        if Assessment.objects.filter(project=project).exists():
            continue
        levels = _levels(project, ctx.rng)
        assessor = project.project_manager or pmo
        if index % 6 == 0:
            # An earlier moderated assessment, so the Scores tab shows history.
            earlier = {
                code: (_clamp(level + ctx.rng.choice([-1, 1])), f"Initial view: {why}")
                for code, (level, why) in levels.items()
            }
            first = services.assessment_save(
                project=project,
                by=assessor,
                entries=_entries(model, earlier),
                submit=True,
                assessed_on=ctx.today - relativedelta(months=6),
            )
            services.assessment_moderate(
                assessment=first, by=pmo, note="Moderated at the spring panel."
            )
        assessment = services.assessment_save(
            project=project,
            by=assessor,
            entries=_entries(model, levels),
            submit=project.stage != Stage.IDEA,
            assessed_on=ctx.today - datetime.timedelta(days=index),
        )
        if project.stage == Stage.IDEA:
            pass  # a PM's draft, not yet submitted
        elif project.stage == Stage.DISCOVERY and index % 2:
            pass  # submitted, awaiting moderation
        else:
            services.assessment_moderate(
                assessment=assessment, by=pmo, note="Moderated at the monthly scoring panel."
            )
        scored += 1
    _seed_phases(ctx, projects)
    _seed_calibration(ctx)
    _seed_draft(ctx)
    ctx.say(
        f"prioritisation: {scored} projects scored, "
        f"{Assessment.objects.filter(is_current=True).count()} with a moderated score, "
        f"{Phase.objects.count()} phased, {CalibrationReference.objects.count()} reference projects"
    )


PHASE_REASONS = {
    PhaseChoice.NOW: "Under way and funded in the MTFP.",
    PhaseChoice.NEXT: "Ready to start once the current wave of change in these services lands.",
    PhaseChoice.LATER: "High risk for its impact; revisit after the services affected have absorbed current changes.",
    PhaseChoice.QUARTER: "Timed to follow the new contract start.",
}


def _seed_phases(ctx, projects) -> None:
    pmo = ctx.users["pmo"]
    current = dict(Assessment.objects.filter(is_current=True).values_list("project_id", "tier"))
    for index, project in enumerate(projects):
        if Phase.objects.filter(project=project).exists():
            continue
        if project.stage in (Stage.DELIVERY, Stage.TRANSITION, Stage.BUSINESS_CASE):
            phase = PhaseChoice.NOW
        elif current.get(project.pk) == Tier.REVIEW_OR_PHASE_LATER:
            phase = PhaseChoice.LATER
        elif project.stage == Stage.DISCOVERY:
            phase = PhaseChoice.NEXT if index % 2 else PhaseChoice.NOW
        elif project.stage == Stage.IDEA:
            phase = PhaseChoice.QUARTER if index % 3 == 0 else PhaseChoice.LATER
        else:
            continue
        services.phase_set(
            project=project,
            phase=phase,
            target_quarter=add_quarters(ctx.today, 2) if phase == PhaseChoice.QUARTER else None,
            reason=PHASE_REASONS[phase],
            by=pmo,
        )


def _seed_calibration(ctx) -> None:
    if CalibrationReference.objects.exists():
        return
    pmo = ctx.users["pmo"]
    for tier in Tier:
        for assessment in (
            Assessment.objects.filter(is_current=True, tier=tier)
            .select_related("project")
            .order_by("project__number")[:2]
        ):
            services.calibration_mark(
                project=assessment.project,
                expected_tier=int(tier),
                note=f"Agreed at the CLT calibration session: a clear example of tier {int(tier)}.",
                by=pmo,
            )


def _seed_draft(ctx) -> None:
    """A draft version 2 that gives financial benefit more weight and raises
    the risk threshold, so the what-if preview has movers to show."""
    if ScoringModel.objects.exclude(status=ModelStatus.ACTIVE).exists():
        return
    draft = services.scoring_model_create_draft(by=ctx.users["pmo"])
    Criterion.objects.filter(model=draft, code="financial").update(weight=Decimal("4"))
    ScoringModel.objects.filter(pk=draft.pk).update(
        risk_threshold=Decimal("55"),
        change_note="Proposal: weight financial benefit more heavily and raise the risk threshold to 55.",
    )


def seed_scale(ctx, projects) -> None:
    """Scores (most moderated) and some phases for synthetic projects, in bulk."""
    model = active_model()
    rules = model_rules(model)
    criteria = list(model.criteria.all())
    rng = ctx.rng
    pmo = ctx.users["pmo"]
    assessments, level_sets = [], []
    for project in projects:
        levels = {c.code: rng.randint(1, 5) for c in criteria}
        impact, risk, tier = rules.score(levels)
        moderated = rng.random() < 0.85
        assessments.append(
            Assessment(
                project_id=project.pk,
                model=model,
                status=AssessmentStatus.MODERATED if moderated else AssessmentStatus.DRAFT,
                impact=impact,
                risk=risk,
                tier=int(tier),
                assessor=project.project_manager,
                assessed_on=ctx.today,
                moderated_by=pmo if moderated else None,
                is_current=moderated,
            )
        )
        level_sets.append(levels)
    created = Assessment.objects.bulk_create(assessments, batch_size=2000)
    CriterionScore.objects.bulk_create(
        [
            CriterionScore(
                assessment=assessment,
                criterion=c,
                level=levels[c.code],
                rationale="Synthetic score for benchmarks.",
            )
            for assessment, levels in zip(created, level_sets, strict=True)
            for c in criteria
        ],
        batch_size=5000,
    )
    choices = [PhaseChoice.NOW, PhaseChoice.NOW, PhaseChoice.NEXT, PhaseChoice.LATER]
    Phase.objects.bulk_create(
        [
            Phase(project_id=p.pk, phase=rng.choice(choices), reason="Synthetic phase.", set_by=pmo)
            for p in projects
            if rng.random() < 0.6
        ],
        batch_size=2000,
    )
    ctx.say(f"prioritisation scale: {len(created)} synthetic assessments")
