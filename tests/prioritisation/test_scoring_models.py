"""Scoring model versions: the seeded default, drafts, editing, activation,
the what-if preview and the calibration set."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pmo.permissions import Role
from prioritisation import services
from prioritisation.models import Assessment, Criterion, ModelStatus, ScoringModel
from prioritisation.scoring import Tier
from prioritisation.selectors import active_model, what_if_preview
from tests.portfolio.factories import ProjectFactory
from tests.prioritisation.factories import CalibrationReferenceFactory, score

pytestmark = pytest.mark.django_db


def _post_data(model, **changes):
    """The draft edit form as the page would submit it, with `changes`."""
    data = {
        "revision": model.revision,
        "impact_threshold": model.impact_threshold,
        "risk_threshold": model.risk_threshold,
        "change_note": "",
    }
    for c in model.criteria.all():
        data[f"weight_{c.pk}"] = c.weight
        data[f"guidance_{c.pk}"] = c.guidance
        for level in range(1, 6):
            data[f"descriptor_{c.pk}_{level}"] = c.descriptor(level)
    for r in model.ranges.all():
        data[f"name_{r.tier}"] = r.name
        data[f"governance_{r.tier}"] = r.governance_route
        data[f"cadence_{r.tier}"] = r.reporting_cadence
    data.update(changes)
    return data


def test_the_default_model_exists_after_migrate():
    model = active_model()
    assert model.number == 1
    criteria = list(model.criteria.all())
    assert [c.name for c in criteria if c.dimension == "impact"] == [
        "Alignment with corporate priorities",
        "Breadth of change",
        "Legal or statutory implication",
        "Residents and outcomes affected",
        "Size of financial benefit",
    ]
    assert [c.name for c in criteria if c.dimension == "risk"] == [
        "Complexity",
        "Risk of non-delivery",
        "Impact of failure",
        "Resources and skills available",
        "Dependencies on other work",
    ]
    assert all(not c.missing_levels for c in criteria)
    assert [(r.tier, r.name, r.governance_route) for r in model.ranges.all()][:3] == [
        (1, "Major corporate", "Corporate Leadership Team (CLT)"),
        (2, "Strategic priority", "Transformation Board"),
        (3, "Service-led", "Service management team"),
    ]
    assert model.ranges.get(tier=4).name == "Review or phase later"


def test_a_weight_of_zero_cannot_be_saved():
    criterion = active_model().criteria.first()
    criterion.weight = Decimal(0)
    with pytest.raises(ValidationError, match="Weight must be more than 0"):
        criterion.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.filter(pk=criterion.pk).update(weight=Decimal(0))


def test_only_one_version_can_be_active():
    draft = services.scoring_model_create_draft(by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoringModel.objects.filter(pk=draft.pk).update(status=ModelStatus.ACTIVE)


def test_a_draft_copies_the_active_version_and_only_one_draft_is_allowed(roles):
    draft = services.scoring_model_create_draft(by=roles[Role.PMO])
    active = active_model()
    assert draft.number == 2 and draft.status == ModelStatus.DRAFT and draft.based_on == active
    assert [(c.code, c.weight, c.descriptor_3) for c in draft.criteria.all()] == [
        (c.code, c.weight, c.descriptor_3) for c in active.criteria.all()
    ]
    assert draft.ranges.count() == 4
    with pytest.raises(ValidationError, match="already a draft"):
        services.scoring_model_create_draft(by=roles[Role.PMO])


def test_pmo_edits_weights_thresholds_descriptors_and_range_names_on_a_draft(client_as):
    client = client_as(Role.PMO)
    draft = services.scoring_model_create_draft(by=None)
    financial = draft.criteria.get(code="financial")
    response = client.post(
        f"/prioritisation/models/{draft.number}/",
        _post_data(
            draft,
            impact_threshold="60",
            **{
                f"weight_{financial.pk}": "4.5",
                f"descriptor_{financial.pk}_5": "Over £3m a year.",
                "name_4": "Phase later",
                "governance_4": "CLT phasing review",
            },
        ),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    financial.refresh_from_db()
    assert draft.impact_threshold == Decimal(60) and draft.revision == 2
    assert financial.weight == Decimal("4.5")
    assert financial.descriptor_5 == "Over £3m a year."
    assert draft.ranges.get(tier=4).name == "Phase later"
    # The active version is untouched.
    assert active_model().criteria.get(code="financial").weight == Decimal(3)


def test_weights_must_be_positive_and_thresholds_within_0_to_100(client_as):
    client = client_as(Role.PMO)
    draft = services.scoring_model_create_draft(by=None)
    complexity = draft.criteria.get(code="complexity")
    response = client.post(
        f"/prioritisation/models/{draft.number}/",
        _post_data(
            draft, impact_threshold="101", risk_threshold="-5", **{f"weight_{complexity.pk}": "0"}
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Weight for Complexity must be more than 0" in page
    assert "Impact threshold must be between 0 and 100" in page
    assert "Risk threshold must be between 0 and 100" in page
    complexity.refresh_from_db()
    draft.refresh_from_db()
    assert complexity.weight == Decimal(2) and draft.impact_threshold == Decimal(50)


def test_an_active_model_cannot_be_edited(client_as):
    client = client_as(Role.PMO)
    active = active_model()
    with pytest.raises(ValidationError, match="cannot be edited"):
        services.scoring_model_update_draft(
            model=active,
            by=None,
            expected_revision=active.revision,
            impact_threshold=Decimal(10),
            risk_threshold=Decimal(10),
            change_note="",
            criteria={},
            ranges={},
        )
    response = client.post(
        "/prioritisation/models/1/", _post_data(active, impact_threshold="10"), follow=True
    )
    assert "Version 1 is active and cannot be edited" in response.content.decode()
    active.refresh_from_db()
    assert active.impact_threshold == Decimal(50)


def test_a_stale_draft_edit_is_refused_and_keeps_the_officers_input(client_as):
    client = client_as(Role.PMO)
    draft = services.scoring_model_create_draft(by=None)
    stale = _post_data(draft, impact_threshold="65")
    ScoringModel.objects.filter(pk=draft.pk).update(revision=2, impact_threshold=Decimal(40))
    response = client.post(f"/prioritisation/models/{draft.number}/", stale)
    page = response.content.decode()
    assert "Someone else saved this draft" in page
    assert 'value="65"' in page
    draft.refresh_from_db()
    assert draft.impact_threshold == Decimal(40)


def test_activation_is_refused_with_a_reason_when_descriptors_are_missing(client_as):
    client = client_as(Role.PMO)
    draft = services.scoring_model_create_draft(by=None)
    draft.criteria.filter(code="complexity").update(descriptor_2="", descriptor_4=" ")
    response = client.post(f"/prioritisation/models/{draft.number}/activate/", follow=True)
    assert (
        "Version 2 was not activated: Complexity has no descriptor for levels 2, 4."
        in response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.status == ModelStatus.DRAFT
    assert active_model().number == 1


def test_activation_retires_the_old_version_and_carries_current_scores_forward(roles):
    pmo = roles[Role.PMO]
    borderline = ProjectFactory()
    old_assessment = score(borderline, impact=3, risk=2, financial=4)  # impact 56.3
    clear = ProjectFactory()
    score(clear, impact=5, risk=1)
    assert old_assessment.tier == Tier.STRATEGIC_PRIORITY
    draft = services.scoring_model_create_draft(by=pmo)
    ScoringModel.objects.filter(pk=draft.pk).update(impact_threshold=Decimal(60))
    draft.refresh_from_db()
    preview = what_if_preview(draft)
    assert [(m.project, m.before.tier, m.after.tier) for m in preview.movers] == [
        (borderline, Tier.STRATEGIC_PRIORITY, Tier.SERVICE_LED)
    ]

    model, carried = services.scoring_model_activate(model=draft, by=pmo)

    assert carried == 2
    assert ScoringModel.objects.get(number=1).status == ModelStatus.RETIRED
    assert ScoringModel.objects.filter(status=ModelStatus.ACTIVE).get() == model
    old_assessment.refresh_from_db()
    assert old_assessment.model.number == 1 and not old_assessment.is_current
    current = Assessment.objects.get(project=borderline, is_current=True)
    assert current.model == model and current.tier == Tier.SERVICE_LED
    assert current.impact == old_assessment.impact
    assert [s.rationale for s in current.scores.all()] == [
        s.rationale for s in old_assessment.scores.all()
    ]
    assert Assessment.objects.filter(project=borderline).count() == 2


def test_the_preview_page_lists_movers_with_counts_before_and_after(client_as):
    client = client_as(Role.PMO)
    mover = ProjectFactory(title="Waste round redesign")
    score(mover, impact=3, risk=2, financial=4)
    score(ProjectFactory(), impact=5, risk=1)
    draft = services.scoring_model_create_draft(by=None)
    ScoringModel.objects.filter(pk=draft.pk).update(impact_threshold=Decimal(60))
    response = client.get(f"/prioritisation/models/{draft.number}/")
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [row.project for row in preview.movers] == [mover]
    counts = {
        before.tier: (n_before, n_after) for before, _, n_before, n_after, _ in preview.counts
    }
    assert counts[Tier.STRATEGIC_PRIORITY] == (2, 1)
    assert counts[Tier.SERVICE_LED] == (0, 1)
    page = response.content.decode()
    assert "1 project would change range" in page
    assert "Waste round redesign" in page


def test_the_preview_lists_where_the_draft_disagrees_with_the_calibration_set(client_as):
    client = client_as(Role.PMO)
    agreed = ProjectFactory()
    score(agreed, impact=5, risk=1)
    disputed = ProjectFactory(title="Libraries review")
    score(disputed, impact=3, risk=2, financial=4)
    CalibrationReferenceFactory(project=agreed, expected_tier=2)
    CalibrationReferenceFactory(project=disputed, expected_tier=2)
    draft = services.scoring_model_create_draft(by=None)
    ScoringModel.objects.filter(pk=draft.pk).update(impact_threshold=Decimal(60))
    response = client.get(f"/prioritisation/models/{draft.number}/")
    preview = response.context["preview"]
    assert [row.reference.project for row in preview.disagreements] == [disputed]
    assert "The draft disagrees with 1 of 2 reference projects" in response.content.decode()


def test_pmo_marks_a_reference_project_with_an_expected_range(client_as):
    client = client_as(Role.PMO)
    project = ProjectFactory()
    response = client.post(
        "/prioritisation/calibration/",
        {"reference": project.reference.lower(), "expected_tier": "1", "note": "Flagship."},
    )
    assert response.status_code == 302
    assert project.calibration.expected_tier == 1
    response = client.post(
        "/prioritisation/calibration/", {"reference": "TP-9999", "expected_tier": ""}
    )
    page = response.content.decode()
    assert "There is no project with the reference TP-9999" in page
    assert "Choose the range you expect" in page
