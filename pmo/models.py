"""Report runs: one row per attempt to produce a monthly pack, kept forever
as the archive. The pack's figures are frozen in the run's files and its
snapshot, so a published month reads the same next year."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReportType(models.TextChoices):
    PORTFOLIO = "portfolio", "Monthly portfolio pack"
    BENEFITS = "benefits", "Benefits-realisation report"
    CLT = "clt", "CLT prioritisation pack"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


# The report's name inside a sentence ("the CLT prioritisation pack for ...").
IN_A_SENTENCE: dict[str, str] = {
    ReportType.PORTFOLIO: "monthly portfolio pack",
    ReportType.BENEFITS: "benefits-realisation report",
    ReportType.CLT: "CLT prioritisation pack",
}

FINISHED_STATUSES = (RunStatus.SUCCEEDED, RunStatus.FAILED)

# The packs CLT and councillors read, so they come as slides and a PDF too.
PRESENTED_REPORTS = (ReportType.PORTFOLIO, ReportType.CLT)


class Trigger(models.TextChoices):
    USER = "user", "A person, from the reports page"
    SCHEDULE = "schedule", "The monthly schedule"
    COMMAND = "command", "The generate_report command"


def report_file_path(run: ReportRun, extension: str) -> str:
    """reports/portfolio/2026-11/v2/portfolio-pack-2026-11-v2.xlsx: one folder
    per version, so a regenerated pack never overwrites an earlier one."""
    stem = f"{run.report_type}-pack-{run.period:%Y-%m}-v{run.version}"
    return f"reports/{run.report_type}/{run.period:%Y-%m}/v{run.version}/{stem}.{extension}"


def abandoned_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """A run still running after this moment has lost its worker: Celery's
    hard time limit kills any task that runs longer, and a minute is allowed
    for the kill. Read by the run page (to say so, without writing) and by
    the periodic sweep that records it (pmo.tasks.fail_abandoned_runs_task)."""
    limit = getattr(settings, "CELERY_TASK_TIME_LIMIT", 20 * 60)
    return (now or timezone.now()) - datetime.timedelta(seconds=limit + 60)


def abandoned_message(minutes: int) -> str:
    return (
        f"The report worker stopped without finishing: the report was not finished after "
        f"{minutes} minutes. Generate the report again; if it fails again, tell the system "
        "administrator."
    )


class ReportRunQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def for_period(self, report_type: str, period: datetime.date):
        return self.filter(report_type=report_type, period=period)

    def abandoned(self, now: datetime.datetime | None = None):
        return self.filter(status=RunStatus.RUNNING, started_at__lt=abandoned_cutoff(now))


class ReportRun(models.Model):
    report_type = models.CharField("Report", max_length=20, choices=ReportType.choices)
    period = models.DateField(help_text="The month reported on (stored as its first day).")
    version = models.PositiveIntegerField()

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("Progress (%)", default=0)
    step = models.CharField("Current step", max_length=200, default="Waiting for a worker")
    error = models.TextField(blank=True, help_text="Why the run failed, in words PMO can act on.")
    attempts = models.PositiveSmallIntegerField(default=0)

    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.USER)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_runs",
    )
    schedule_name = models.CharField(max_length=200, blank=True)
    # The day a scheduled run was made for; unique per report, so a schedule
    # that fires twice (or a beat message delivered twice) makes one run.
    scheduled_for = models.DateField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    publish_on_success = models.BooleanField(default=False)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    html_file = models.FileField(max_length=300, blank=True)
    xlsx_file = models.FileField(max_length=300, blank=True)
    csv_file = models.FileField(max_length=300, blank=True)
    # The packs CLT read (portfolio and CLT) also come as slides and a PDF.
    pptx_file = models.FileField(max_length=300, blank=True)
    pdf_file = models.FileField(max_length=300, blank=True)
    # The pack as rendered at generation time: the page shows this, never
    # today's figures, so a published month reads the same forever.
    snapshot = models.TextField(blank=True)
    figures = models.JSONField(default=dict, blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "report_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "period"],
                condition=Q(published=True),
                name="one_published_run_per_type_and_period",
            ),
            models.UniqueConstraint(
                fields=["report_type", "period", "version"], name="unique_report_version"
            ),
            models.UniqueConstraint(
                fields=["report_type", "period", "scheduled_for"],
                condition=Q(scheduled_for__isnull=False),
                name="one_scheduled_run_per_day",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="report_progress_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(status="succeeded"),
                name="only_succeeded_runs_are_published",
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_report_type_display()} {self.period:%B %Y} v{self.version}"

    @property
    def name_in_sentence(self) -> str:
        return IN_A_SENTENCE[self.report_type]

    @property
    def period_label(self) -> str:
        return f"{self.period:%B %Y}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_abandoned(self) -> bool:
        """Still marked running, but its worker is gone (see abandoned_cutoff).
        The sweep marks it failed within minutes; until then pages say so."""
        return (
            self.status == RunStatus.RUNNING
            and self.started_at is not None
            and self.started_at < abandoned_cutoff()
        )

    @property
    def abandoned_error(self) -> str:
        # Read only while is_abandoned, so the run has started.
        assert self.started_at is not None
        minutes = int((timezone.now() - self.started_at).total_seconds() // 60)
        return abandoned_message(minutes)

    @property
    def started_by_label(self) -> str:
        if self.trigger == Trigger.SCHEDULE:
            return f"Schedule: {self.schedule_name}" if self.schedule_name else "Schedule"
        if self.trigger == Trigger.COMMAND:
            return "Command line"
        if self.requested_by is None:
            return "Unknown user"
        return self.requested_by.get_full_name() or self.requested_by.username

    def files(self) -> list[tuple[str, str, models.fields.files.FieldFile]]:
        """(format, label, file) for each output file written."""
        candidates = [
            ("html", "HTML snapshot", self.html_file),
            ("xlsx", "Excel workbook (XLSX)", self.xlsx_file),
            ("csv", "CSV file", self.csv_file),
            ("pptx", "PowerPoint slides (PPTX)", self.pptx_file),
            ("pdf", "PDF document (tagged for screen readers)", self.pdf_file),
        ]
        return [(fmt, label, f) for fmt, label, f in candidates if f]

    # State changes of one run. The task calls these under select_for_update.
    def mark_running(self) -> None:
        self.status = RunStatus.RUNNING
        self.started_at = timezone.now()
        self.finished_at = None
        self.error = ""
        self.attempts += 1
        self.progress = 0
        self.step = "Starting"


class DataVersion(models.Model):
    """How many committed writes each table has had: the cache key of every
    rendered page that reads it (pmo/datacache.py). Moved on after commit."""

    db_table = models.CharField(max_length=100, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.db_table} v{self.version}"


class NoticeKind(models.TextChoices):
    """What a notice tells someone. The label is the preferences page's."""

    UPDATE_DUE = "update_due", "A monthly update is due"
    UPDATE_OVERDUE = "update_overdue", "A monthly update is overdue"
    MODERATION = "moderation", "A score awaits moderation"
    SIGN_OFF = "sign_off", "Actuals await sign-off"
    GATE = "gate", "A gate decision is needed"
    PACK = "pack", "A pack is published"
    MILESTONE_OVERDUE = "milestone_overdue", "A milestone is overdue"
    RED = "red", "A project is reported Red"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Straight away"
    DIGEST = "digest", "In one e-mail each morning (daily digest)"
    OFF = "off", "Do not e-mail me"


class NotificationPreference(models.Model):
    """How one user wants one kind of notice. No row means the kind's
    default (pmo.notifications.default_delivery)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.delivery}"


class Notice(models.Model):
    """One e-mail notice to one person about one event, kept as the notice
    log. The event key names the event ("update-due:12:2026-11"), and the
    constraint one_notice_per_event_and_person makes sending idempotent: an
    event raised twice, or a reminder run fired twice, records nothing new."""

    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    event_key = models.CharField(max_length=200)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    email = models.EmailField("Sent to")
    subject = models.CharField(max_length=250)
    body = models.TextField(help_text="Paragraphs separated by blank lines.")
    link = models.URLField(max_length=500, help_text="The exact page the notice is about.")
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the last attempt to send failed.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="one_notice_per_event_and_person"
            )
        ]
        indexes = [
            models.Index(
                fields=["delivery", "created_at"],
                condition=Q(sent_at__isnull=True),
                name="notice_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.email}"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]
