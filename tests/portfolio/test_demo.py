import pytest

from portfolio import demo, services
from portfolio.demo import DemoContext
from portfolio.models import GateDecision, Milestone, Project, Risk, Stage, StatusUpdate
from portfolio.rag import honesty_problems
from portfolio.selectors import current_period, green_overrides, red_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx():
    from django.utils import timezone

    context = DemoContext(today=timezone.localdate(), password="demo-password-123")
    demo.seed(context)
    return context


def test_every_reporting_project_has_three_to_twelve_months_of_updates(ctx):
    for project in Project.objects.reporting():
        assert 3 <= project.status_updates.count() <= 12, project


def test_the_story_has_reds_with_paths_to_green_an_override_and_updates_due(ctx):
    reds = list(red_projects())
    assert reds and all(p.path_to_green for p in reds)
    assert green_overrides().count() == 1
    assert Project.objects.update_due(current_period()).exists()
    assert Milestone.objects.overdue().exists()
    assert Risk.objects.filter(score__gte=15, escalated=True).exists()


def test_every_current_rating_is_honest_or_carries_its_justification(ctx):
    for project in Project.objects.reporting():
        latest = project.status_updates.first()
        problems = honesty_problems(latest.delivery_confidence, **services.honesty_counts(project))
        assert not problems or latest.honesty_override, project


def test_delivery_and_closed_projects_passed_their_gates_or_were_overridden(ctx):
    for project in Project.objects.filter(stage__in=[Stage.DELIVERY, Stage.CLOSED]):
        gate = 1 if project.stage == Stage.DELIVERY else 3
        passed = project.gate_decisions.filter(gate=gate, decision__in=["approved", "conditions"])
        assert passed.exists() or project.stage_overrides.exists(), project


def test_seeding_twice_creates_nothing_twice(ctx):
    counts = [m.objects.count() for m in (StatusUpdate, Milestone, Risk, GateDecision)]
    history = StatusUpdate.history.count()
    demo.seed(DemoContext(today=ctx.today, password="demo-password-123"))
    assert [m.objects.count() for m in (StatusUpdate, Milestone, Risk, GateDecision)] == counts
    assert StatusUpdate.history.count() == history


def test_scale_adds_updates_milestones_and_risks_for_synthetic_projects(ctx):
    created = demo.seed_scale(ctx, 50)
    reporting = [
        p for p in created if p.stage in ("discovery", "business_case", "delivery", "transition")
    ]
    assert Milestone.objects.filter(project__in=created).count() == 150
    assert Risk.objects.filter(project__in=created).count() == 150
    assert StatusUpdate.objects.filter(project__in=reporting).count() >= 11 * len(reporting)
