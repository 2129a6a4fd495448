"""Scores for tests, made through the same services the pages use."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from portfolio.models import Project
from prioritisation import services
from prioritisation.models import (
    Assessment,
    AssessmentStatus,
    CalibrationReference,
    CriterionScore,
    Phase,
)
from prioritisation.selectors import active_model, model_rules
from tests.portfolio.factories import ProjectFactory, UserFactory


def levels_for(model, impact: int = 3, risk: int = 3, **overrides) -> dict[str, int]:
    """Every impact criterion at `impact`, every risk criterion at `risk`,
    with per-code overrides."""
    return {
        c.code: overrides.get(c.code, impact if c.dimension == "impact" else risk)
        for c in model.criteria.all()
    }


def score(
    project: Project,
    *,
    impact: int = 3,
    risk: int = 3,
    moderate: bool = True,
    submit: bool = True,
    by=None,
    **overrides,
) -> Assessment:
    model = active_model()
    by = by or UserFactory(username="scorer")
    levels = levels_for(model, impact, risk, **overrides)
    entries = {
        c.pk: services.LevelEntry(levels[c.code], f"Because {c.name.lower()} is {levels[c.code]}.")
        for c in model.criteria.all()
    }
    assessment = services.assessment_save(
        project=project, by=by, entries=entries, submit=submit or moderate
    )
    if moderate:
        assessment = services.assessment_moderate(assessment=assessment, by=by)
    return assessment


def bulk_scored_projects(count: int, *, directorate=None, workstream=None, services_=()):
    """`count` projects, each with a current moderated assessment and a
    phase, through bulk paths (for query-count tests at 1,000 projects)."""
    first = (
        ProjectFactory(lead_directorate=directorate, workstream=workstream)
        if directorate
        else ProjectFactory()
    )
    directorate, workstream = first.lead_directorate, first.workstream
    start = first.number + 1
    projects = [first] + list(
        Project.objects.bulk_create(
            [
                Project(
                    number=n,
                    reference=Project.reference_for(n),
                    title=f"Bulk project {n}",
                    lead_directorate=directorate,
                    workstream=workstream,
                    stage="delivery",
                    planned_start=datetime.date(2026, 1, 1),
                    planned_end=datetime.date(2028, 12, 31),
                    revenue_investment=Decimal(n * 1000),
                )
                for n in range(start, start + count - 1)
            ]
        )
    )
    ProjectFactory.reset_sequence(start + count)
    model = active_model()
    rules = model_rules(model)
    criteria = list(model.criteria.all())
    assessments, level_sets = [], []
    for i, project in enumerate(projects):
        levels = {c.code: (i + c.order) % 5 + 1 for c in criteria}
        impact, risk, tier = rules.score(levels)
        assessments.append(
            Assessment(
                project=project,
                model=model,
                status=AssessmentStatus.MODERATED,
                impact=impact,
                risk=risk,
                tier=int(tier),
                is_current=True,
            )
        )
        level_sets.append(levels)
    created = Assessment.objects.bulk_create(assessments)
    CriterionScore.objects.bulk_create(
        [
            CriterionScore(assessment=a, criterion=c, level=levels[c.code], rationale="Bulk.")
            for a, levels in zip(created, level_sets, strict=True)
            for c in criteria
        ]
    )
    Phase.objects.bulk_create(
        [Phase(project=p, phase="now", reason="Bulk.") for p in projects[::2]]
    )
    through = Project.services.through
    through.objects.bulk_create(
        [through(project_id=p.pk, service_id=s.pk) for p in projects for s in services_]
    )
    return projects


class CalibrationReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalibrationReference

    project = factory.SubFactory(ProjectFactory)
    expected_tier = 3
