"""Writes for prioritisation. Views, the demo loader and admin actions call
these, so each rule is written once."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from portfolio.models import Project
from prioritisation import defaults, notices
from prioritisation.models import (
    Assessment,
    AssessmentStatus,
    CalibrationReference,
    Criterion,
    CriterionScore,
    ModelStatus,
    Phase,
    PhaseChoice,
    PriorityRange,
    ScoringModel,
)
from prioritisation.scoring import quarter_start
from prioritisation.selectors import active_model, model_rules


class ConflictError(Exception):
    """Someone else saved the same record since this form was opened."""


@dataclass(frozen=True)
class LevelEntry:
    level: int
    rationale: str


# --- Assessments -------------------------------------------------------------


@transaction.atomic
def assessment_save(
    *,
    project: Project,
    by,
    entries: Mapping[int, LevelEntry],
    submit: bool = False,
    assessment: Assessment | None = None,
    expected_version: int | None = None,
    assessed_on: datetime.date | None = None,
) -> Assessment:
    """Create or update an open (draft or submitted) assessment against the
    active model. `entries` maps criterion id to its level and rationale;
    every criterion of the model needs both."""
    model = active_model()
    if assessment is not None:
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if expected_version is not None and assessment.version != expected_version:
            raise ConflictError(
                "Someone else saved this assessment while you were editing it. "
                "Your scores are shown below; check theirs on the Scores tab before saving again."
            )
        if not assessment.is_open:
            raise ValidationError("A moderated assessment cannot be changed; start a new one.")
        if assessment.model_id != model.pk:
            assessment = None  # made under a replaced version: start afresh on the active one
    criteria = list(model.criteria.all())
    errors = {}
    for criterion in criteria:
        entry = entries.get(criterion.pk)
        if entry is None or entry.level not in (1, 2, 3, 4, 5):
            errors[f"level_{criterion.pk}"] = f"Select a score for {criterion.name}"
        if entry is None or not entry.rationale.strip():
            errors[f"rationale_{criterion.pk}"] = f"Enter the rationale for {criterion.name}"
    if errors:
        raise ValidationError(errors)
    levels = {c.code: entries[c.pk].level for c in criteria}
    impact, risk, tier = model_rules(model).score(levels)
    if assessment is None:
        # The assessor is whoever started the assessment; a PMO officer who
        # adjusts it while moderating is recorded as the moderator instead.
        assessment = Assessment(project=project, model=model, assessor=by)
    else:
        assessment.version += 1
    assessment.impact, assessment.risk, assessment.tier = impact, risk, int(tier)
    assessment.assessed_on = assessed_on or timezone.localdate()
    if submit:
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at = timezone.now()
    assessment.full_clean()
    assessment.save()
    existing = {s.criterion_id: s for s in assessment.scores.all()}
    for criterion in criteria:
        entry = entries[criterion.pk]
        score = existing.get(criterion.pk) or assessment.scores.model(
            assessment=assessment, criterion=criterion
        )
        score.level, score.rationale = entry.level, entry.rationale.strip()
        score.full_clean()
        score.save()
    if submit:
        notices.assessment_submitted(assessment, by)
    return assessment


@transaction.atomic
def assessment_moderate(*, assessment: Assessment, by, note: str = "") -> Assessment:
    """PMO confirms the scores. The assessment becomes the project's current
    one, replacing the previous current assessment (which is kept)."""
    assessment = (
        Assessment.objects.select_for_update().select_related("model").get(pk=assessment.pk)
    )
    if assessment.status == AssessmentStatus.MODERATED:
        raise ValidationError("This assessment has already been moderated.")
    if assessment.model.status != ModelStatus.ACTIVE:
        raise ValidationError(
            f"This assessment uses version {assessment.model.number}, which is no longer "
            "active. Score the project again against the active model."
        )
    Assessment.objects.filter(project_id=assessment.project_id, is_current=True).update(
        is_current=False
    )
    assessment.status = AssessmentStatus.MODERATED
    assessment.moderated_by = by
    assessment.moderated_at = timezone.now()
    assessment.moderation_note = note.strip()
    assessment.is_current = True
    assessment.version += 1
    assessment.full_clean()
    assessment.save()
    return assessment


# --- Scoring model versions ------------------------------------------------


@transaction.atomic
def scoring_model_create_draft(*, by) -> ScoringModel:
    """Copy the active version into a new draft. Only one draft at a time, so
    two officers never edit rival drafts."""
    if ScoringModel.objects.filter(status=ModelStatus.DRAFT).exists():
        raise ValidationError("There is already a draft. Edit or activate it first.")
    source = active_model()
    number = (ScoringModel.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = ScoringModel(
        number=number,
        status=ModelStatus.DRAFT,
        impact_threshold=source.impact_threshold,
        risk_threshold=source.risk_threshold,
        based_on=source,
        created_by=by,
    )
    draft.full_clean()
    draft.save()
    Criterion.objects.bulk_create(
        [
            Criterion(
                model=draft,
                **{
                    f.name: getattr(c, f.name)
                    for f in Criterion._meta.concrete_fields
                    if f.name not in ("id", "model")
                },
            )
            for c in source.criteria.all()
        ]
    )
    PriorityRange.objects.bulk_create(
        [
            PriorityRange(
                model=draft,
                tier=r.tier,
                name=r.name,
                governance_route=r.governance_route,
                reporting_cadence=r.reporting_cadence,
            )
            for r in source.ranges.all()
        ]
    )
    return draft


def _refuse_unless_draft(model: ScoringModel) -> None:
    if model.status != ModelStatus.DRAFT:
        raise ValidationError(
            f"Version {model.number} is {model.get_status_display().lower()} and cannot be "
            "edited. Create a new draft to change the model."
        )


@transaction.atomic
def scoring_model_update_draft(
    *,
    model: ScoringModel,
    by,
    expected_revision: int,
    impact_threshold: Decimal,
    risk_threshold: Decimal,
    change_note: str,
    criteria: Mapping[int, Mapping[str, object]],
    ranges: Mapping[int, Mapping[str, str]],
) -> ScoringModel:
    """Save the PMO's edits to a draft: thresholds, each criterion's weight,
    guidance and descriptors, and each range's name, route and cadence."""
    model = ScoringModel.objects.select_for_update().get(pk=model.pk)
    _refuse_unless_draft(model)
    if model.revision != expected_revision:
        raise ConflictError(
            "Someone else saved this draft while you were editing it. Your changes are shown "
            "below; review them and save again."
        )
    model.impact_threshold = impact_threshold
    model.risk_threshold = risk_threshold
    model.change_note = change_note.strip()
    model.revision += 1
    model.full_clean()
    model.save()
    for criterion in model.criteria.all():
        for field, value in criteria.get(criterion.pk, {}).items():
            setattr(criterion, field, value)
        criterion.full_clean()
        criterion.save()
    for priority_range in model.ranges.all():
        for field, value in ranges.get(priority_range.tier, {}).items():
            setattr(priority_range, field, value)
        priority_range.full_clean()
        priority_range.save()
    return model


def activation_problems(model: ScoringModel) -> list[str]:
    """Why a draft cannot go live yet, in words the PMO can act on."""
    problems = []
    if model.status != ModelStatus.DRAFT:
        problems.append(f"Version {model.number} is not a draft.")
    for criterion in model.criteria.all():
        missing = criterion.missing_levels
        if missing:
            levels = ", ".join(str(level) for level in missing)
            noun = "level" if len(missing) == 1 else "levels"
            problems.append(f"{criterion.name} has no descriptor for {noun} {levels}.")
    for priority_range in model.ranges.all():
        if not priority_range.name.strip():
            problems.append(f"Tier {priority_range.tier} has no name.")
    return problems


@transaction.atomic
def scoring_model_activate(*, model: ScoringModel, by) -> tuple[ScoringModel, int]:
    """Make a draft the active version and carry every project's current
    scores forward to it.

    Past assessments keep the version they were made with. Each project with
    a current (moderated) assessment gets a new moderated assessment under
    the new version, with the same levels and rationales rescored by the new
    weights and thresholds, so the grid moves exactly as the what-if preview
    said. Returns the model and how many projects were carried forward.
    """
    model = ScoringModel.objects.select_for_update().get(pk=model.pk)
    problems = activation_problems(model)
    if problems:
        raise ValidationError(problems)
    previous = ScoringModel.objects.select_for_update().filter(status=ModelStatus.ACTIVE).first()
    if previous is not None:
        previous.status = ModelStatus.RETIRED
        previous.save(update_fields=["status"])
    model.status = ModelStatus.ACTIVE
    model.activated_at = timezone.now()
    model.activated_by = by
    model.full_clean()
    model.save()
    carried = _carry_forward(model, previous, by) if previous else 0
    return model, carried


def _carry_forward(model: ScoringModel, previous: ScoringModel, by) -> int:
    rules = model_rules(model)
    criteria = {c.code: c for c in model.criteria.all()}
    current = list(Assessment.objects.filter(is_current=True).prefetch_related("scores__criterion"))
    if not current:
        return 0
    today = timezone.localdate()
    now = timezone.now()
    new = []
    for old in current:
        levels = {s.criterion.code: s.level for s in old.scores.all()}
        impact, risk, tier = rules.score(levels)
        new.append(
            Assessment(
                project_id=old.project_id,
                model=model,
                status=AssessmentStatus.MODERATED,
                impact=impact,
                risk=risk,
                tier=int(tier),
                assessor=old.assessor,
                assessed_on=today,
                submitted_at=now,
                moderated_by=by,
                moderated_at=now,
                moderation_note=(
                    f"Carried forward from version {old.model.number} when version "
                    f"{model.number} was activated."
                ),
            )
        )
    Assessment.objects.filter(pk__in=[a.pk for a in current]).update(is_current=False)
    for assessment in new:
        assessment.is_current = True
    created = Assessment.objects.bulk_create(new, batch_size=2000)
    CriterionScore.objects.bulk_create(
        [
            CriterionScore(
                assessment=fresh,
                criterion=criteria[s.criterion.code],
                level=s.level,
                rationale=s.rationale,
            )
            for old, fresh in zip(current, created, strict=True)
            for s in old.scores.all()
        ],
        batch_size=5000,
    )
    return len(created)


# --- Phasing and calibration ------------------------------------------------


@transaction.atomic
def phase_set(
    *,
    project: Project,
    phase: str,
    reason: str,
    by,
    target_quarter: datetime.date | None = None,
    expected_version: int | None = None,
) -> Phase:
    """Set a project's phase. `expected_version` is the phase's version when
    the form was shown (0 if it had none), so two officers phasing the same
    project at once cannot silently overwrite each other."""
    if phase == PhaseChoice.QUARTER:
        if target_quarter is None:
            raise ValidationError({"phase": "Choose the target quarter"})
        target_quarter = quarter_start(target_quarter)
    else:
        target_quarter = None
    record = Phase.objects.select_for_update().filter(project=project).first()
    current_version = record.version if record else 0
    if expected_version is not None and expected_version != current_version:
        shown = f"{record.label} ({record.reason})" if record else "no phase"
        raise ConflictError(
            f"Someone else changed this project's phase to {shown} while you were editing. "
            "Check it and save again."
        )
    if record is None:
        record = Phase(project=project)
    else:
        record.version += 1
    record.phase = phase
    record.target_quarter = target_quarter
    record.reason = reason.strip()
    record.set_by = by
    record.set_at = timezone.now()
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def calibration_mark(
    *, project: Project, expected_tier: int, note: str, by
) -> CalibrationReference:
    reference, _ = CalibrationReference.objects.update_or_create(
        project=project,
        defaults={
            "expected_tier": expected_tier,
            "note": note.strip(),
            "marked_by": by,
            "marked_at": timezone.now(),
        },
    )
    reference.full_clean()
    return reference


@transaction.atomic
def calibration_remove(*, reference: CalibrationReference) -> None:
    reference.delete()


@transaction.atomic
def scoring_model_ensure_default(**kwargs) -> ScoringModel | None:
    """Create version 1 from prioritisation/defaults.py when no model exists.

    The data migration does this on a fresh install; this also runs after
    every migrate and flush (post_migrate, like the roles), so a test
    database emptied by a transactional test still has an active model.
    """
    if ScoringModel._meta.db_table not in connection.introspection.table_names():
        return None  # migrated backwards past the prioritisation tables
    if ScoringModel.objects.exists():
        return None
    model = ScoringModel.objects.create(
        number=1,
        status=ModelStatus.ACTIVE,
        impact_threshold=defaults.IMPACT_THRESHOLD,
        risk_threshold=defaults.RISK_THRESHOLD,
        change_note="Default model, after Luton's prioritisation tool.",
        activated_at=timezone.now(),
    )
    for order, (code, dimension, name, guidance, weight, descriptors) in enumerate(
        defaults.CRITERIA, start=1
    ):
        Criterion.objects.create(
            model=model,
            code=code,
            dimension=dimension,
            name=name,
            guidance=guidance,
            weight=weight,
            order=order,
            **{f"descriptor_{level}": text for level, text in enumerate(descriptors, start=1)},
        )
    for tier, name, route, cadence in defaults.RANGES:
        PriorityRange.objects.create(
            model=model, tier=tier, name=name, governance_route=route, reporting_cadence=cadence
        )
    return model
