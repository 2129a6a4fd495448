"""The project register: reference data, projects, monthly updates, RAID,
milestones, gates and dependencies. History is kept by django-simple-history
on everything a PM or PMO edits."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portfolio.rag import RAG

MONEY = {"max_digits": 14, "decimal_places": 2}
User = settings.AUTH_USER_MODEL


class Directorate(models.Model):
    name = models.CharField(max_length=120, unique=True)
    short_name = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=120)
    change_capacity = models.PositiveSmallIntegerField(
        default=3,
        help_text="How many projects this service can absorb at once.",
    )

    class Meta:
        ordering = ["directorate__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["directorate", "name"], name="unique_service_name")
        ]

    def __str__(self) -> str:
        return self.name


class CorporatePriority(models.Model):
    name = models.CharField(max_length=160, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "corporate priorities"

    def __str__(self) -> str:
        return self.name


class Workstream(models.Model):
    name = models.CharField(max_length=160, unique=True)
    lead = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    IDEA = "idea", "Idea"
    DISCOVERY = "discovery", "Discovery"
    BUSINESS_CASE = "business_case", "Business case"
    DELIVERY = "delivery", "Delivery"
    TRANSITION = "transition", "Transition to BAU"
    CLOSED = "closed", "Closed"
    PAUSED = "paused", "Paused"
    STOPPED = "stopped", "Stopped"


# Stages in which a project is live change work that loads a service.
ACTIVE_STAGES = (Stage.DISCOVERY, Stage.BUSINESS_CASE, Stage.DELIVERY, Stage.TRANSITION)
# Stages that expect a monthly highlight report.
REPORTING_STAGES = ACTIVE_STAGES
STAGES_NEEDING_REASON = (Stage.PAUSED, Stage.STOPPED)


class ProjectType(models.TextChoices):
    TRANSFORMATION = "transformation", "Transformation"
    EFFICIENCY = "efficiency", "Efficiency"


class MTFPCategory(models.TextChoices):
    """The savings categories of the London Councils MTFP return."""

    REDUCTION_IN_PROVISION = "reduction_in_provision", "Reduction in provision"
    SERVICE_TRANSFORMATION = "service_transformation", "Service transformation"
    PROCUREMENT = "procurement", "Procurement"
    SHARED_SERVICES = "shared_services", "Shared services"
    COMMERCIAL_INVESTMENTS = "commercialisation_investments", "Commercialisation (investments)"
    COMMERCIAL_TRADING = "commercialisation_trading", "Commercialisation (trading activity)"
    INCOME_GENERATION = "income_generation", "Income generation"


class DeliveryApproach(models.TextChoices):
    TRADITIONAL = "traditional", "Traditional"
    AGILE = "agile", "Agile / test and scale"


class ProjectQuerySet(models.QuerySet):
    def active(self):
        return self.filter(stage__in=ACTIVE_STAGES)

    def reporting(self):
        return self.filter(stage__in=REPORTING_STAGES)

    def update_due(self, period: datetime.date):
        """Reporting projects with no highlight report for `period` (a month)."""
        return self.reporting().exclude(status_updates__period=period)

    def managed_by(self, user):
        return self.filter(project_manager=user)


class Project(models.Model):
    number = models.PositiveIntegerField(unique=True, editable=False)
    reference = models.CharField(max_length=12, unique=True, editable=False)
    title = models.CharField(max_length=200)
    # The id another register gives the project (a GMPP or finance code),
    # so a council's own file matches it on every import.
    external_id = models.CharField(
        "External id",
        max_length=100,
        blank=True,
        help_text="The project's id in another register, such as a finance or GMPP code.",
    )
    summary = models.TextField("Summary and problem statement", blank=True)

    workstream = models.ForeignKey(
        Workstream, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    lead_directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, related_name="led_projects"
    )
    services = models.ManyToManyField(Service, blank=True, related_name="projects")
    priorities = models.ManyToManyField(CorporatePriority, blank=True, related_name="projects")
    sponsor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="sponsored_projects"
    )
    project_manager = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="managed_projects"
    )

    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IDEA)
    stage_reason = models.TextField(blank=True, help_text="Why the project is paused or stopped.")
    project_type = models.CharField(
        "Type", max_length=20, choices=ProjectType.choices, default=ProjectType.TRANSFORMATION
    )
    mtfp_category = models.CharField(
        "MTFP savings category", max_length=40, choices=MTFPCategory.choices, blank=True
    )
    delivery_approach = models.CharField(
        max_length=20, choices=DeliveryApproach.choices, default=DeliveryApproach.TRADITIONAL
    )

    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    forecast_end = models.DateField(null=True, blank=True)

    capital_investment = models.DecimalField(
        "One-off capital investment", **MONEY, default=Decimal("0")
    )
    revenue_investment = models.DecimalField(
        "One-off revenue investment", **MONEY, default=Decimal("0")
    )
    funding_source = models.CharField(max_length=200, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="projects")

    # Optimistic locking: every edit form carries the version it was read at.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    history = HistoricalRecords(excluded_fields=["version"])
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="project_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(capital_investment__gte=0) & Q(revenue_investment__gte=0),
                name="project_investment_not_negative",
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="project_external_id_unique",
                violation_error_message="Another project has this external id.",
            ),
        ]
        indexes = [models.Index(fields=["stage"]), models.Index(fields=["title"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @staticmethod
    def reference_for(number: int) -> str:
        return f"TP-{number:04d}"

    @property
    def total_investment(self) -> Decimal:
        return self.capital_investment + self.revenue_investment

    def clean(self) -> None:
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = "Planned end must be the same as or after the planned start"
        if self.planned_start and self.forecast_end and self.forecast_end < self.planned_start:
            errors["forecast_end"] = "Forecast end must be the same as or after the planned start"
        if self.stage in STAGES_NEEDING_REASON and not self.stage_reason.strip():
            errors["stage_reason"] = f"Enter why the project is {self.get_stage_display().lower()}"
        if self.external_id:
            taken = Project.objects.filter(external_id__iexact=self.external_id).exclude(pk=self.pk)
            holder = taken.values_list("reference", flat=True).first()
            if holder:
                errors["external_id"] = f"{holder} already has the external id {self.external_id}"
        if errors:
            raise ValidationError(errors)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class StatusUpdateQuerySet(models.QuerySet):
    def mark_latest(self, project_ids=None) -> None:
        """Set `is_latest` on each project's newest update (by period) and
        clear it on the rest. Call after writing updates: the register,
        dashboard and pack read the current RAG through this flag (a join)
        rather than finding each project's newest update per row."""
        rows = self.model.objects.all()
        if project_ids is not None:
            rows = rows.filter(project_id__in=list(project_ids))
        newest = self.model.objects.filter(project=OuterRef("project")).order_by("-period")
        latest_ids = rows.annotate(newest=Subquery(newest.values("pk")[:1])).filter(pk=F("newest"))
        # Two statements, so the "one latest per project" constraint holds
        # after each of them.
        rows.filter(is_latest=True).exclude(pk__in=latest_ids.values("pk")).update(is_latest=False)
        rows.filter(is_latest=False, pk__in=latest_ids.values("pk")).update(is_latest=True)


class StatusUpdate(models.Model):
    """The monthly highlight report. One per project per month."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_updates")
    period = models.DateField(help_text="The month reported on (stored as its first day).")
    delivery_confidence = models.CharField(max_length=2, choices=RAG.choices)
    schedule_rag = models.CharField("Schedule", max_length=2, choices=RAG.choices)
    cost_rag = models.CharField("Cost", max_length=2, choices=RAG.choices)
    benefits_rag = models.CharField("Benefits", max_length=2, choices=RAG.choices)
    resources_rag = models.CharField("Resources", max_length=2, choices=RAG.choices)
    risk_rag = models.CharField("Risk", max_length=2, choices=RAG.choices)
    progress = models.TextField("Progress this period")
    next_steps = models.TextField("Plans for next period")
    issues_and_decisions = models.TextField("Issues and decisions needed", blank=True)
    path_to_green = models.TextField(blank=True)
    # Response to Red: a Red update carries an action plan, sent to the
    # sponsor and PMO. Its actions are the path to green.
    red_owner = models.CharField(
        "Response to Red: owner",
        max_length=200,
        blank=True,
        help_text="Who leads the recovery, when delivery confidence is Red.",
    )
    red_review_date = models.DateField(
        "Response to Red: re-review date",
        null=True,
        blank=True,
        help_text="When the Red rating will be reviewed again.",
    )
    honesty_override = models.BooleanField(
        default=False,
        help_text="Set when a green rating was given despite overdue milestones or severe RAID.",
    )
    override_justification = models.TextField(blank=True)
    submitted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    no_change = models.BooleanField(
        "No change confirmed",
        default=False,
        help_text="Submitted with one click as unchanged since the project's previous update.",
    )
    # Derived: the project's newest update. Kept by StatusUpdate.objects.mark_latest().
    is_latest = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords()
    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="one_update_per_month"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_latest=True), name="one_latest_update"
            ),
        ]
        # "Which projects have reported this month?" (updates due) without a scan.
        indexes = [models.Index(fields=["period", "project"], name="update_period_project")]
        get_latest_by = "period"

    def __str__(self) -> str:
        return f"{self.project.reference} {self.period:%b %Y}"

    # The six ratings an update carries, delivery confidence first.
    RATING_FIELDS = (
        "delivery_confidence",
        "schedule_rag",
        "cost_rag",
        "benefits_rag",
        "resources_rag",
        "risk_rag",
    )
    # What a new month's update starts from (copy-forward). The override's
    # justification is not carried: the honesty rule asks for it afresh each
    # month, so a carried Green with an overdue milestone is still refused.
    CARRIED_FIELDS = (
        *RATING_FIELDS,
        "progress",
        "next_steps",
        "issues_and_decisions",
        "path_to_green",
        "red_owner",
    )

    def carried_values(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.CARRIED_FIELDS}


def overdue_milestone(as_at: datetime.date) -> Q:
    """THE definition of an overdue milestone, as at a day: forecast before
    it and not achieved by then. The dashboard, a project's milestones and
    timeline, the notices, the honesty rule and the monthly pack (as at the
    month's end, when a milestone achieved since still counts) all read it."""
    return Q(forecast_date__lt=as_at) & (Q(actual_date__isnull=True) | Q(actual_date__gt=as_at))


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, as_at: datetime.date | None = None):
        return self.filter(overdue_milestone(as_at or timezone.localdate()))

    def with_overdue(self, as_at: datetime.date | None = None):
        """Each milestone with `is_overdue` as at the day, by the same rule."""
        rule = overdue_milestone(as_at or timezone.localdate())
        return self.annotate(is_overdue=models.ExpressionWrapper(rule, models.BooleanField()))


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    baseline_date = models.DateField()
    forecast_date = models.DateField()
    actual_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["forecast_date", "pk"]
        # Overdue milestones (open, forecast in the past), soonest first.
        indexes = [
            models.Index(
                fields=["forecast_date", "id"],
                condition=Q(actual_date__isnull=True),
                name="milestone_open_by_forecast",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def slippage_days(self) -> int:
        """Days late against baseline: actual if achieved, else forecast."""
        return ((self.actual_date or self.forecast_date) - self.baseline_date).days


class RaidStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Risk(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(max_length=200)
    cause = models.TextField(blank=True)
    effect = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    impact = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    score = models.GeneratedField(
        expression=F("likelihood") * F("impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mitigation = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=RaidStatus.choices, default=RaidStatus.OPEN)
    escalated = models.BooleanField("Escalated to portfolio", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.title


class IssuePriority(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Issue(models.Model):
    """A risk that has happened. Its likelihood is certain (5), so its score
    is 5 x impact, comparable with risk scores for the honesty rule."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="issues")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    priority = models.CharField(
        max_length=10, choices=IssuePriority.choices, default=IssuePriority.MEDIUM
    )
    impact = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS, default=3)
    score = models.GeneratedField(
        expression=F("impact") * 5,
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=RaidStatus.choices, default=RaidStatus.OPEN)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-score", "pk"]

    def __str__(self) -> str:
        return self.title


class Assumption(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assumptions")
    description = models.TextField()
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description[:80]


class Decision(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    decision = models.TextField("What was decided")
    decided_by = models.CharField("Decided by (person or board)", max_length=200)
    decided_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return self.decision[:80]


class DependencyKind(models.TextChoices):
    BLOCKS = "blocks", "Blocks"
    INFORMS = "informs", "Informs"


class Dependency(models.Model):
    """`source` blocks or informs `target`; shown on both projects."""

    source = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dependencies_out")
    target = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dependencies_in")
    kind = models.CharField(max_length=10, choices=DependencyKind.choices)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "dependencies"
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_dependency"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="no_self_dependency"),
        ]

    def __str__(self) -> str:
        return f"{self.source.reference} {self.get_kind_display().lower()} {self.target.reference}"


class Gate(models.IntegerChoices):
    STRATEGIC_FIT = 0, "Gate 0: Strategic fit"
    BUSINESS_CASE = 1, "Gate 1: Business case"
    READINESS = 2, "Gate 2: Readiness"
    CLOSURE = 3, "Gate 3: Closure and handover to BAU"


class GateOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "conditions", "Approved with conditions"
    DEFERRED = "deferred", "Deferred"
    REJECTED = "rejected", "Rejected"


APPROVING_OUTCOMES = (GateOutcome.APPROVED, GateOutcome.APPROVED_WITH_CONDITIONS)


class GateDecision(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="gate_decisions")
    gate = models.PositiveSmallIntegerField(choices=Gate.choices)
    decision = models.CharField(max_length=12, choices=GateOutcome.choices, blank=True)
    board = models.CharField(max_length=160)
    decided_on = models.DateField(
        help_text="The date of the board; a future date with no decision is a scheduled gate."
    )
    conditions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "gate"]

    def __str__(self) -> str:
        return f"{self.project.reference} {self.get_gate_display()}"

    @property
    def is_approval(self) -> bool:
        return self.decision in APPROVING_OUTCOMES


class StageOverride(models.Model):
    """A PMO decision to move a project into a stage without the gate that
    normally guards it (Delivery needs gate 1, Closed needs gate 3). Kept as
    its own row so the dashboard, the pack and the History tab can show who
    overrode the gate and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_overrides")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    missing_gate = models.PositiveSmallIntegerField(choices=Gate.choices)
    reason = models.TextField()
    overridden_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    overridden_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-overridden_at"]

    def __str__(self) -> str:
        stage = self.get_stage_display()
        return f"{self.project.reference} into {stage} without gate {self.missing_gate}"


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", "Matching its columns"
    CHECKING = "checking", "Checking the file"
    READY = "ready", "Checked"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Stopped"


WORKING_IMPORT_STATUSES = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


class ImportRun(models.Model):
    """One upload of the project spreadsheet, from check to import. The
    check and the import are Celery tasks (portfolio.tasks), so a large file
    never waits on a web request; the check's outcome is kept here and shown
    on every visit, never run again for a page load. The file's rows stay in
    the staging folder under `token` (portfolio.imports.stage)."""

    token = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=255)
    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.MAPPING
    )
    # When the current step (check or import) began: a step still working
    # after Celery's hard time limit has lost its worker.
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_in_file = models.PositiveIntegerField(default=0)
    # portfolio.import_mapping.Mapping.to_dict(): which column fills which
    # field, and what the file's words mean. Set on the mapping page; the
    # check and the import apply it to the staged columns.
    mapping = models.JSONField(null=True, blank=True)
    # portfolio.imports.ImportOutcome.to_dict() of the check, and the file's
    # sheets, skipped columns and units (Upload.summary()).
    checked = models.JSONField(null=True, blank=True)
    # The names the PMO ticked to add, sent with Confirm.
    create_people = models.JSONField(default=list, blank=True)
    create_directorates = models.JSONField(default=list, blank=True)
    # Import only the rows the check found no problem in (the PMO asked).
    valid_only = models.BooleanField(default=False)
    # Why the last Confirm imported nothing (its errors), shown with the check.
    refused = models.JSONField(default=list, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_working(self) -> bool:
        return self.status in WORKING_IMPORT_STATUSES


class SavedMapping(models.Model):
    """A mapping of a council's spreadsheet, saved by name on the mapping
    page and offered for next month's file: its choices by header, what its
    words mean, its date order and ratings month
    (portfolio.import_mapping.Mapping.remembered)."""

    name = models.CharField(max_length=100, unique=True)
    mapping = models.JSONField()
    saved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at"]

    def __str__(self) -> str:
        return self.name
