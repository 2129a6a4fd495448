"""seed_demo's prioritisation data: plausible, varied and idempotent."""

import datetime

import pytest

from portfolio import demo as portfolio_demo
from portfolio.demo import DemoContext
from prioritisation import demo
from prioritisation.models import (
    Assessment,
    AssessmentStatus,
    CalibrationReference,
    CriterionScore,
    ModelStatus,
    Phase,
    ScoringModel,
)

pytestmark = pytest.mark.django_db


def _ctx():
    return DemoContext(today=datetime.date(2026, 11, 25), password="demo-password-1")


def test_the_demo_scores_every_demo_project_and_running_it_again_adds_nothing():
    ctx = _ctx()
    portfolio_demo.seed(ctx)
    demo.seed(ctx)
    counts = (
        Assessment.objects.count(),
        CriterionScore.objects.count(),
        Phase.objects.count(),
        CalibrationReference.objects.count(),
    )
    assert Assessment.objects.values("project").distinct().count() == 40
    statuses = set(Assessment.objects.values_list("status", flat=True))
    assert statuses == {
        AssessmentStatus.DRAFT,
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.MODERATED,
    }
    assert Assessment.objects.filter(is_current=True).count() >= 30
    assert set(Assessment.objects.filter(is_current=True).values_list("tier", flat=True)) == {
        1,
        2,
        3,
        4,
    }
    assert not CriterionScore.objects.filter(rationale="").exists()
    assert CalibrationReference.objects.count() >= 4
    assert ScoringModel.objects.filter(status=ModelStatus.DRAFT).count() == 1

    again = _ctx()
    portfolio_demo.seed(again)
    demo.seed(again)

    assert counts == (
        Assessment.objects.count(),
        CriterionScore.objects.count(),
        Phase.objects.count(),
        CalibrationReference.objects.count(),
    )


def test_seed_scale_scores_synthetic_projects_in_bulk():
    ctx = _ctx()
    portfolio_demo.seed(ctx)
    projects = portfolio_demo.seed_scale(ctx, 50)
    demo.seed_scale(ctx, projects)
    assert Assessment.objects.filter(project__in=projects).count() == 50
    assert CriterionScore.objects.filter(assessment__project__in=projects).count() == 500
    current = Assessment.objects.filter(project__in=projects, is_current=True)
    assert 30 <= current.count() <= 50
    assert not current.exclude(status=AssessmentStatus.MODERATED).exists()
