"""Strategic partners: who they are, the contracts they work under, their
engagements on projects and workstreams (with the cost profile and the
knowledge they are meant to hand over), and the periodic partnership reviews.

Leaders say reliance on a partner should fall as internal confidence grows,
and that partnerships should be reviewed regularly; the models keep what is
needed to show both.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from benefits.money import fy_label

MONEY = {"max_digits": 14, "decimal_places": 2}
User = settings.AUTH_USER_MODEL


class PartnerType(models.TextChoices):
    PRIVATE_CONSULTANCY = "private_consultancy", "Private consultancy"
    PUBLIC_SECTOR = "public_sector", "Public-sector body or joint venture"
    VOLUNTARY_COMMUNITY = "voluntary_community", "Voluntary or community organisation"
    ACADEMIC = "academic", "Academic"


class Partner(models.Model):
    name = models.CharField("Organisation", max_length=200, unique=True)
    partner_type = models.CharField("Type", max_length=30, choices=PartnerType.choices)
    contacts = models.TextField(
        blank=True, help_text="Names, roles, email addresses and phone numbers, one a line."
    )
    notes = models.TextField(blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        "Review every (months)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="Partnerships are reviewed quarterly unless agreed otherwise.",
    )

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def next_review_due(self, last_review: datetime.date | None) -> datetime.date | None:
        if last_review is None:
            return None
        return last_review + relativedelta(months=self.review_interval_months)


class ProcurementRoute(models.TextChoices):
    OPEN_TENDER = "open_tender", "Open tender"
    FRAMEWORK = "framework", "Framework call-off"
    DIRECT_AWARD = "direct_award", "Direct award"
    PUBLIC_PUBLIC = "public_public", "Public-public co-operation (Regulation 12)"
    GRANT = "grant", "Grant agreement"
    OTHER = "other", "Other"


class Contract(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=200, blank=True)
    procurement_route = models.CharField(max_length=20, choices=ProcurementRoute.choices)
    value = models.DecimalField("Contract value", **MONEY)
    start_date = models.DateField()
    end_date = models.DateField()
    social_value_commitments = models.TextField(blank=True)

    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["start_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="contract_end_not_before_start"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="contract_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": "Contract end date must be the same as or after its start date"}
            )
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": "Contract value must be £0 or more"})


class BreakClause(models.Model):
    """A point at which the council may end the contract early, provided it
    gives notice by `notice_date`: missing that date locks in another term."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="break_clauses")
    break_date = models.DateField()
    notice_date = models.DateField("Notice must be given by")
    terms = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["break_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notice_date__lte=F("break_date")), name="break_notice_before_break"
            ),
        ]

    def __str__(self) -> str:
        return f"Break {self.break_date:%d %b %Y} (notice by {self.notice_date:%d %b %Y})"

    def clean(self) -> None:
        errors = {}
        if self.notice_date and self.break_date and self.notice_date > self.break_date:
            errors["notice_date"] = "The notice date must be on or before the break date"
        contract = getattr(self, "contract", None) if self.contract_id else None
        if contract and self.break_date and contract.start_date and contract.end_date:
            if not contract.start_date <= self.break_date <= contract.end_date:
                errors["break_date"] = (
                    f"The break date must fall within the contract "
                    f"({contract.start_date:%d %b %Y} to {contract.end_date:%d %b %Y})"
                )
        if errors:
            raise ValidationError(errors)


class EngagementRole(models.TextChoices):
    CAPACITY = "capacity", "Capacity"
    SPECIALIST = "specialist", "Specialist expertise"
    CHALLENGE = "challenge", "Independent challenge"
    DIAGNOSTIC = "diagnostic", "Diagnostic"
    DELIVERY = "delivery", "Delivery"


class KnowledgeTransferStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    TRANSFERRED = "transferred", "Transferred"


class EngagementQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(start_date__lte=day, end_date__gte=day)


class Engagement(models.Model):
    """A partner working on one project or one workstream."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="engagements")
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements",
        help_text="The contract the work is called off under, if any.",
    )
    title = models.CharField(max_length=200)
    project = models.ForeignKey(
        "portfolio.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_engagements",
    )
    workstream = models.ForeignKey(
        "portfolio.Workstream",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_engagements",
    )
    role = models.CharField(max_length=20, choices=EngagementRole.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    deliverables = models.TextField(blank=True)
    exit_date = models.DateField(
        "Exit or handover date",
        null=True,
        blank=True,
        help_text="When the work is handed to council staff, if different from the end date.",
    )

    kt_skills = models.TextField("Skills to transfer", blank=True)
    kt_counterpart = models.CharField(
        "Internal counterpart",
        max_length=200,
        blank=True,
        help_text="The council officer who will take the skills on.",
    )
    kt_status = models.CharField(
        "Knowledge transfer status",
        max_length=20,
        choices=KnowledgeTransferStatus.choices,
        default=KnowledgeTransferStatus.PLANNED,
    )
    kt_evidence = models.TextField("Knowledge transfer evidence", blank=True)

    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])
    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="engagement_end_not_before_start"
            ),
            # A partner works on a project or on a workstream, never both or neither.
            models.CheckConstraint(
                condition=(Q(project__isnull=False) & Q(workstream__isnull=True))
                | (Q(project__isnull=True) & Q(workstream__isnull=False)),
                name="engagement_on_project_or_workstream",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def supports(self):
        return self.project or self.workstream

    def is_active(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.project_id and self.workstream_id:
            errors["workstream"] = "Choose a project or a workstream, not both"
        elif not self.project_id and not self.workstream_id:
            errors["project"] = "Choose the project or the workstream the partner works on"
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "Engagement end date must be the same as or after its start date"
        contract = self.contract if self.contract_id else None
        if contract is not None:
            if self.partner_id and contract.partner_id != self.partner_id:
                errors["contract"] = "Choose one of this partner's contracts"
            elif (
                self.start_date
                and self.end_date
                and (self.start_date < contract.start_date or self.end_date > contract.end_date)
            ):
                errors["end_date" if self.start_date >= contract.start_date else "start_date"] = (
                    f"The engagement must fall within contract {contract.reference}, which runs "
                    f"from {contract.start_date.day} {contract.start_date:%b %Y} to "
                    f"{contract.end_date.day} {contract.end_date:%b %Y}"
                )
        if self.exit_date and self.start_date and self.exit_date < self.start_date:
            errors["exit_date"] = "The exit or handover date must be on or after the start date"
        if self.kt_status == KnowledgeTransferStatus.TRANSFERRED and not self.kt_evidence.strip():
            errors["kt_evidence"] = "Enter the evidence that the skills were transferred"
        if errors:
            raise ValidationError(errors)


class EngagementCost(models.Model):
    """One financial year of an engagement's cost profile.

    Internal cost is the council's own staff time on the same work. Keeping
    both lets the reliance trend show the partner's share falling as council
    staff take the work on.
    """

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="costs")
    financial_year = models.PositiveSmallIntegerField(
        help_text="The calendar year the financial year starts in (2025 for 2025/26)."
    )
    partner_cost = models.DecimalField(**MONEY, default=Decimal("0"))
    internal_cost = models.DecimalField("Internal staff cost", **MONEY, default=Decimal("0"))

    class Meta:
        ordering = ["financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "financial_year"], name="one_cost_line_per_year"
            ),
            models.CheckConstraint(
                condition=Q(partner_cost__gte=0) & Q(internal_cost__gte=0),
                name="engagement_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{fy_label(self.financial_year)}: £{self.partner_cost:,.2f}"


RATING_VALIDATORS = [
    MinValueValidator(1, "Ratings run from 1 (poor) to 5 (excellent)"),
    MaxValueValidator(5, "Ratings run from 1 (poor) to 5 (excellent)"),
]
RATING_FIELDS = (
    ("delivery", "Delivery"),
    ("value_for_money", "Value for money"),
    ("relationship", "Relationship, trust and openness"),
    ("knowledge_transfer", "Knowledge transfer"),
    ("social_value", "Social value"),
)


class PartnershipReview(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="reviews")
    review_date = models.DateField()
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    delivery = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    value_for_money = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    relationship = models.PositiveSmallIntegerField(
        "Relationship, trust and openness", validators=RATING_VALIDATORS
    )
    knowledge_transfer = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    social_value = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    narrative = models.TextField(help_text="How the partnership is working, in plain words.")
    agreed_actions = models.TextField(blank=True)

    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-review_date", "-pk"]
        get_latest_by = "review_date"
        constraints = [
            models.CheckConstraint(
                condition=Q(delivery__range=(1, 5))
                & Q(value_for_money__range=(1, 5))
                & Q(relationship__range=(1, 5))
                & Q(knowledge_transfer__range=(1, 5))
                & Q(social_value__range=(1, 5)),
                name="review_ratings_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} review {self.review_date:%d %b %Y}"

    @property
    def ratings(self) -> dict[str, int]:
        return {name: getattr(self, name) for name, _ in RATING_FIELDS}

    def clean_fields(self, exclude=None) -> None:
        # A narrative of spaces is no narrative. Checked here rather than in
        # clean() so a form that already reported the field does not repeat it.
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.error_dict
        if "narrative" not in (exclude or ()) and "narrative" not in errors:
            if not (self.narrative or "").strip():
                errors["narrative"] = [
                    ValidationError("Enter a narrative: say how the partnership is working")
                ]
        if errors:
            raise ValidationError(errors)
