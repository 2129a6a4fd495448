"""Prioritisation: versioned scoring models, assessments, phases and the
calibration set.

A ScoringModel version is a draft (editable), active (exactly one; frozen)
or retired (kept, because past assessments refer to it). Criteria keep the
same `code` across versions, so a project's levels can be rescored under a
draft for the what-if preview and carried forward when the draft goes live.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from prioritisation.scoring import LEVELS, QUADRANTS, Tier, quarter_label

User = settings.AUTH_USER_MODEL
SCORE = {"max_digits": 4, "decimal_places": 1}
THRESHOLD_VALIDATORS = [
    MinValueValidator(Decimal(0), "Thresholds must be between 0 and 100"),
    MaxValueValidator(Decimal(100), "Thresholds must be between 0 and 100"),
]


class ModelStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class Dimension(models.TextChoices):
    IMPACT = "impact", "Impact"
    RISK = "risk", "Risk"


class TierChoices(models.IntegerChoices):
    TIER_1 = 1, "Tier 1"
    TIER_2 = 2, "Tier 2"
    TIER_3 = 3, "Tier 3"
    TIER_4 = 4, "Tier 4"


class ScoringModelQuerySet(models.QuerySet):
    def active(self) -> ScoringModel:
        return self.get(status=ModelStatus.ACTIVE)


class ScoringModel(models.Model):
    number = models.PositiveIntegerField("Version", unique=True)
    status = models.CharField(max_length=10, choices=ModelStatus.choices, default="draft")
    impact_threshold = models.DecimalField(
        max_digits=5, decimal_places=1, validators=THRESHOLD_VALIDATORS
    )
    risk_threshold = models.DecimalField(
        max_digits=5, decimal_places=1, validators=THRESHOLD_VALIDATORS
    )
    change_note = models.TextField(
        "What changed and why", blank=True, help_text="Shown to everyone on the models page."
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Optimistic locking for the draft edit form.
    revision = models.PositiveIntegerField(default=1)

    objects = ScoringModelQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="active"), name="one_active_scoring_model"
            ),
            models.CheckConstraint(
                condition=Q(impact_threshold__gte=0, impact_threshold__lte=100)
                & Q(risk_threshold__gte=0, risk_threshold__lte=100),
                name="scoring_thresholds_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} ({self.get_status_display().lower()})"


class Criterion(models.Model):
    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(max_length=40, help_text="Stays the same across versions.")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    name = models.CharField(max_length=120)
    guidance = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), "Weight must be more than 0")],
    )
    order = models.PositiveSmallIntegerField(default=0)
    descriptor_1 = models.TextField("Level 1", blank=True)
    descriptor_2 = models.TextField("Level 2", blank=True)
    descriptor_3 = models.TextField("Level 3", blank=True)
    descriptor_4 = models.TextField("Level 4", blank=True)
    descriptor_5 = models.TextField("Level 5", blank=True)

    class Meta:
        ordering = ["model", "dimension", "order", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="unique_criterion_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def descriptor(self, level: int) -> str:
        return getattr(self, f"descriptor_{level}")

    @property
    def descriptors(self) -> list[tuple[int, str]]:
        return [(level, self.descriptor(level)) for level in LEVELS]

    @property
    def missing_levels(self) -> list[int]:
        return [level for level in LEVELS if not self.descriptor(level).strip()]


class PriorityRange(models.Model):
    """What a tier is called and how it is governed, per model version."""

    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="ranges")
    tier = models.PositiveSmallIntegerField(choices=TierChoices.choices)
    name = models.CharField(max_length=80)
    governance_route = models.CharField(max_length=160, blank=True)
    reporting_cadence = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["model", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["model", "tier"], name="unique_range_per_model")
        ]

    def __str__(self) -> str:
        return f"Tier {self.tier}: {self.name}"

    @property
    def quadrant(self) -> str:
        return QUADRANTS[Tier(self.tier)]


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    MODERATED = "moderated", "Moderated"


class Assessment(models.Model):
    """One scoring of one project against one model version. Every assessment
    is kept; the project's current one is its latest moderated assessment,
    flagged `is_current` by the moderation service so pages read it with one
    indexed filter instead of a "latest per project" subquery."""

    project = models.ForeignKey(
        "portfolio.Project", on_delete=models.CASCADE, related_name="assessments"
    )
    model = models.ForeignKey(ScoringModel, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(
        max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    impact = models.DecimalField(**SCORE)
    risk = models.DecimalField(**SCORE)
    tier = models.PositiveSmallIntegerField(choices=TierChoices.choices)
    assessor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    assessed_on = models.DateField(default=datetime.date.today)
    submitted_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.TextField(blank=True)
    is_current = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_current=True), name="one_current_assessment"
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(status="moderated"),
                name="only_moderated_is_current",
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=0, impact__lte=100) & Q(risk__gte=0, risk__lte=100),
                name="assessment_scores_0_to_100",
            ),
        ]
        indexes = [
            models.Index(fields=["is_current", "tier"]),
            # The ranking's order (higher impact, then lower risk) over current
            # scores: RANK() OVER and a page's LIMIT read it in order instead
            # of sorting the whole portfolio for every page.
            models.Index(
                fields=["-impact", "risk"],
                condition=Q(is_current=True),
                name="current_priority_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} v{self.model.number} {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status != AssessmentStatus.MODERATED


class CriterionScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rationale = models.TextField()

    class Meta:
        ordering = ["criterion__dimension", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="criterion_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.level}"


class PhaseChoice(models.TextChoices):
    NOW = "now", "Now"
    NEXT = "next", "Next"
    LATER = "later", "Later"
    QUARTER = "quarter", "Target quarter"


class Phase(models.Model):
    """When the PMO has decided a project should run. Lower priority means
    phasing later, not rejecting (DOMAIN.md)."""

    project = models.OneToOneField(
        "portfolio.Project", on_delete=models.CASCADE, related_name="phase"
    )
    phase = models.CharField(max_length=10, choices=PhaseChoice.choices)
    target_quarter = models.DateField(
        null=True, blank=True, help_text="First day of the quarter, for a target quarter."
    )
    reason = models.TextField()
    set_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    # Optimistic locking for the inline form on the ranking.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(phase="quarter", target_quarter__isnull=False)
                | (~Q(phase="quarter") & Q(target_quarter__isnull=True)),
                name="target_quarter_only_for_quarter_phase",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.phase == PhaseChoice.QUARTER and self.target_quarter:
            return quarter_label(self.target_quarter)
        return self.get_phase_display()


class CalibrationReference(models.Model):
    """A reference project whose range the PMO is confident of: a draft model
    that puts it elsewhere is flagged before anyone relies on the draft."""

    project = models.OneToOneField(
        "portfolio.Project", on_delete=models.CASCADE, related_name="calibration"
    )
    expected_tier = models.PositiveSmallIntegerField("Expected range", choices=TierChoices.choices)
    note = models.TextField("Why this range", blank=True)
    marked_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project__number"]

    def __str__(self) -> str:
        return f"{self.project.reference}: Tier {self.expected_tier}"
