"""Benefits: financial savings profiled by financial year, the actuals that
realise them, finance sign-off, project costs, and non-financial outcomes.

Money is entered incremental (the new saving first achieved in a year); the
budget effect is computed in benefits.money, never stored or typed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from benefits.money import fy_label, mtfp_years
from portfolio.models import Directorate, MTFPCategory, Project, ProjectType, Service

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")
User = settings.AUTH_USER_MODEL


class BenefitType(models.TextChoices):
    CASHABLE = "cashable", "Cashable saving"
    NON_CASHABLE = "non_cashable", "Non-cashable efficiency"
    COST_AVOIDANCE = "cost_avoidance", "Cost avoidance"
    INCOME = "income", "Income generation"


class Recurrence(models.TextChoices):
    RECURRING = "recurring", "Recurring"
    ONE_OFF = "one_off", "One-off"


class Confidence(models.TextChoices):
    SECURE = "secure", "Secure"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    NOT_IDENTIFIED = "not_identified", "Not yet identified"


class BenefitStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    VALIDATED = "validated", "Validated"
    IN_DELIVERY = "in_delivery", "In delivery"
    REALISED = "realised", "Realised"
    WRITTEN_OFF = "written_off", "Written off"


class FinancialBenefitQuerySet(models.QuerySet):
    def counted(self):
        """Benefits that count in portfolio totals: a benefit marked as the
        same saving as another is shown under its project but counted once,
        under the benefit it duplicates."""
        return self.filter(duplicate_of__isnull=True)

    def for_directorate(self, directorate_id):
        """A central project's saving banked in a service budget shows under
        both the delivering and the benefiting directorate."""
        return self.filter(
            Q(directorate_id=directorate_id) | Q(project__lead_directorate_id=directorate_id)
        )


class FinancialBenefit(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="financial_benefits"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    benefit_type = models.CharField(
        "Type", max_length=20, choices=BenefitType.choices, default=BenefitType.CASHABLE
    )
    recurrence = models.CharField(
        max_length=10, choices=Recurrence.choices, default=Recurrence.RECURRING
    )
    mtfp_category = models.CharField(
        "MTFP savings category", max_length=40, choices=MTFPCategory.choices
    )
    saving_kind = models.CharField(
        "Transformation or efficiency",
        max_length=20,
        choices=ProjectType.choices,
        default=ProjectType.TRANSFORMATION,
    )
    is_disbenefit = models.BooleanField(
        "This is a dis-benefit (a cost the change adds)",
        default=False,
        help_text="Only a dis-benefit may have negative amounts.",
    )
    # Where the saving lands, which may differ from the delivering project.
    directorate = models.ForeignKey(
        Directorate,
        verbose_name="Benefiting directorate",
        on_delete=models.PROTECT,
        related_name="benefits",
    )
    service = models.ForeignKey(
        Service,
        verbose_name="Benefiting service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="benefits",
    )
    budget_code = models.CharField(
        "Budget code (cost centre)", max_length=30, blank=True, db_index=True
    )
    owner = models.ForeignKey(
        User,
        verbose_name="Benefit owner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_benefits",
        help_text="Accountable for the saving: normally the budget holder.",
    )
    baseline_value = models.DecimalField(**MONEY, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    baseline_source = models.CharField(max_length=200, blank=True)
    measurement_method = models.TextField("Method of measurement", blank=True)
    evidence = models.TextField("Evidence", blank=True)
    confidence = models.CharField(
        max_length=20, choices=Confidence.choices, default=Confidence.ON_TRACK
    )
    status = models.CharField(
        max_length=20, choices=BenefitStatus.choices, default=BenefitStatus.IDENTIFIED
    )
    fte_proposed = models.DecimalField(
        "FTE reduction proposed", max_digits=7, decimal_places=2, default=ZERO
    )
    fte_confirmed = models.DecimalField(
        "FTE reduction confirmed",
        max_digits=7,
        decimal_places=2,
        default=ZERO,
        help_text="Only posts proven to be unnecessary and released count as realised.",
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        help_text="The same saving claimed by another project: shown here, counted there.",
    )
    plan_approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    plan_approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    written_off_reason = models.TextField(blank=True, editable=False)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])
    objects = FinancialBenefitQuerySet.as_manager()

    class Meta:
        ordering = ["project__number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte_proposed__gte=0) & Q(fte_confirmed__gte=0),
                name="benefit_fte_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"B-{self.pk:05d}" if self.pk else "New benefit"

    @property
    def is_recurring(self) -> bool:
        return self.recurrence == Recurrence.RECURRING

    @property
    def plan_is_approved(self) -> bool:
        return self.plan_approved_at is not None

    @property
    def is_written_off(self) -> bool:
        return self.status == BenefitStatus.WRITTEN_OFF

    def clean(self) -> None:
        errors = {}
        if (
            self.service_id
            and self.directorate_id
            and self.service.directorate_id != self.directorate_id
        ):
            errors["service"] = "Choose a service in the benefiting directorate"
        if self.fte_confirmed and self.fte_confirmed > self.fte_proposed:
            errors["fte_confirmed"] = "Confirmed FTE cannot be more than the FTE proposed"
        if self.duplicate_of_id and self.duplicate_of_id == self.pk:
            errors["duplicate_of"] = "A benefit cannot duplicate itself"
        if errors:
            raise ValidationError(errors)


def validate_amount(benefit: FinancialBenefit, amount: Decimal, field: str) -> None:
    """The one rule for signs: only a dis-benefit may go below zero."""
    if amount is not None and amount < 0 and not benefit.is_disbenefit:
        raise ValidationError(
            {field: "Enter an amount of £0 or more, or mark the benefit as a dis-benefit"}
        )


def validate_year(year: int, field: str, today: datetime.date | None = None) -> None:
    years = mtfp_years(today or timezone.localdate())
    if year not in years:
        raise ValidationError(
            {
                field: f"{fy_label(year)} is outside the MTFP range "
                f"({fy_label(years[0])} to {fy_label(years[-1])})"
            }
        )


# The profile rows that carry money. Most of a profile is zeros (the MTFP
# years before a saving starts or after it ends), which no sum needs.
YEAR_WITH_MONEY = ~Q(plan=0) | ~Q(forecast=0)


class BenefitYear(models.Model):
    """One financial year of a benefit's profile, all amounts incremental.

    The actual is not stored here: it is the sum of the recorded actuals, so
    it can never disagree with the ledger.
    """

    benefit = models.ForeignKey(FinancialBenefit, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(
        help_text="The calendar year the financial year starts."
    )
    plan = models.DecimalField(**MONEY, default=ZERO)
    forecast = models.DecimalField(**MONEY, default=ZERO)
    signed_off_amount = models.DecimalField(**MONEY, null=True, blank=True, editable=False)
    signed_off_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    signed_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    sign_off_note = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["benefit", "year"]
        constraints = [
            models.UniqueConstraint(fields=["benefit", "year"], name="one_profile_row_per_year"),
        ]
        indexes = [
            # The summary's waterfall (selectors.waterfall_for_year) reads
            # only these rows, by benefit, from the index alone.
            models.Index(
                fields=["benefit"],
                include=["year", "plan", "forecast"],
                condition=YEAR_WITH_MONEY,
                name="benefityear_with_money",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benefit} {fy_label(self.year)}"

    @property
    def label(self) -> str:
        return fy_label(self.year)

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


class BenefitActual(models.Model):
    """A realised amount for one month, with its evidence. Entries are never
    edited: a correction after sign-off is a new adjustment with a reason."""

    benefit = models.ForeignKey(FinancialBenefit, on_delete=models.CASCADE, related_name="actuals")
    month = models.DateField(
        help_text="The month the saving was realised (stored as its first day)."
    )
    year = models.PositiveSmallIntegerField(editable=False)
    amount = models.DecimalField(**MONEY)
    evidence = models.TextField("Evidence note")
    is_adjustment = models.BooleanField(default=False, editable=False)
    reason = models.TextField("Reason for the adjustment", blank=True)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["benefit", "month", "pk"]
        indexes = [models.Index(fields=["benefit", "year"])]

    def __str__(self) -> str:
        return f"{self.benefit} {self.month:%b %Y}"


class BenefitEventKind(models.TextChoices):
    CREATED = "created", "Created"
    PLAN_APPROVED = "plan_approved", "Plan approved"
    REBASELINED = "rebaselined", "Re-baselined"
    REPROFILED = "reprofiled", "Re-profiled"
    FORECAST_CHANGED = "forecast_changed", "Forecast changed"
    WRITTEN_OFF = "written_off", "Written off"
    ACTUAL_RECORDED = "actual_recorded", "Actual recorded"
    ADJUSTMENT = "adjustment", "Adjustment after sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
    EDITED = "edited", "Details edited"
    MARKED_DUPLICATE = "marked_duplicate", "Marked as a duplicate"


class BenefitEvent(models.Model):
    """The benefit's story in its users' words: who changed what and why."""

    benefit = models.ForeignKey(FinancialBenefit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=BenefitEventKind.choices)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    detail = models.TextField(blank=True)
    by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d %b %Y}"


class DoubleCountResolution(models.Model):
    """PMO's answer to a double-counting flag: the benefits that share a budget
    code in a year are distinct savings. A new claimant re-opens the flag,
    because the resolution records exactly which benefits it covered."""

    budget_code = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField()
    benefit_ids = models.CharField(max_length=500, help_text="Sorted ids, comma separated.")
    reason = models.TextField()
    resolved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["budget_code", "year", "benefit_ids"], name="one_resolution_per_flag"
            )
        ]

    def __str__(self) -> str:
        return f"{self.budget_code} {fy_label(self.year)}"


class ProjectCost(models.Model):
    """A project's investment in one financial year (money spent that year)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cost_years")
    year = models.PositiveSmallIntegerField()
    capital_one_off = models.DecimalField("One-off capital", **MONEY, default=ZERO)
    revenue_one_off = models.DecimalField("One-off revenue", **MONEY, default=ZERO)
    revenue_ongoing = models.DecimalField("Ongoing revenue", **MONEY, default=ZERO)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="one_cost_row_per_year"),
            models.CheckConstraint(
                condition=Q(capital_one_off__gte=0)
                & Q(revenue_one_off__gte=0)
                & Q(revenue_ongoing__gte=0),
                name="project_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} {fy_label(self.year)}"

    @property
    def total(self) -> Decimal:
        return self.capital_one_off + self.revenue_one_off + self.revenue_ongoing


# --- Non-financial benefits ------------------------------------------------


class OutcomeCategory(models.TextChoices):
    RESIDENTS = "residents", "Residents and outcomes"
    SERVICE_QUALITY = "service_quality", "Service quality"
    STAFF = "staff", "Staff"
    CAPABILITY = "capability", "Capability"
    ENVIRONMENT = "environment", "Environment"
    PARTNERSHIP = "partnership", "Partnership"


class OutcomeKind(models.TextChoices):
    MEASURED = "measured", "Measured (a KPI)"
    NARRATIVE = "narrative", "Narrative (a new capability)"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUALLY = "annually", "Annually"


class NonFinancialBenefit(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="non_financial_benefits"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_outcomes"
    )
    category = models.CharField(max_length=20, choices=OutcomeCategory.choices)
    kind = models.CharField(max_length=10, choices=OutcomeKind.choices)
    kpi_name = models.CharField("KPI name", max_length=200, blank=True)
    unit = models.CharField(max_length=40, blank=True, help_text="For example %, days, people.")
    higher_is_better = models.BooleanField(default=True)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project__number", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.kind != OutcomeKind.MEASURED:
            return
        errors = {}
        for name in ("kpi_name", "baseline_value", "baseline_date", "target_value", "target_date"):
            if getattr(self, name) in (None, ""):
                errors[name] = f"Enter the {self._meta.get_field(name).verbose_name} of the KPI"
        if not self.frequency:
            errors["frequency"] = "Choose how often the KPI is measured"
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = "The target date must be after the baseline date"
        if errors:
            raise ValidationError(errors)


class KpiMeasurement(models.Model):
    benefit = models.ForeignKey(
        NonFinancialBenefit, on_delete=models.CASCADE, related_name="measurements"
    )
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["benefit", "measured_on", "pk"]

    def __str__(self) -> str:
        return f"{self.benefit} {self.measured_on}"


class NarrativeEntry(models.Model):
    benefit = models.ForeignKey(
        NonFinancialBenefit, on_delete=models.CASCADE, related_name="entries"
    )
    entry_date = models.DateField()
    description = models.TextField("What the new capability is")
    evidence = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["benefit", "-entry_date", "-pk"]
        verbose_name_plural = "narrative entries"

    def __str__(self) -> str:
        return f"{self.benefit} {self.entry_date}"
