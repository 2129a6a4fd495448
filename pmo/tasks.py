"""Celery tasks for the monthly packs: thin wrappers over pmo.reports.

Delivery is at-least-once (acks_late: a message is redelivered if the worker
dies before acknowledging it), so a task must be safe to receive twice. The
run row is the lock: the task claims it with select_for_update, moving it
from queued to running, and a second delivery that finds it running or
finished does nothing.
"""

from __future__ import annotations

import datetime
import logging
import random

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.utils import timezone

from pmo import notifications, reports
from pmo.models import ReportRun, ReportType, RunStatus, Trigger

logger = logging.getLogger(__name__)

SOFT_TIME_LIMIT = 10 * 60
HARD_TIME_LIMIT = 12 * 60
MAX_RETRIES = 4
# Worth trying again: the database or the file store was briefly away.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)
VISIBILITY_TIMEOUT = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)


def _drop_broken_connections() -> None:
    """After a database error, let Django reconnect on the next query (Data
    Hub's lesson: workers must not hold dead connections). Inside an atomic
    block (a test, or a caller's transaction) the connection is not ours."""
    if not connection.in_atomic_block:
        close_old_connections()


def retry_countdown(retries: int) -> int:
    """Exponential backoff with jitter: about 30s, 60s, 120s, 240s. Always
    well under the broker's visibility timeout, or Redis would hand the
    waiting message to a second worker as if the first had died."""
    countdown = min(30 * 2**retries, 600) + random.randint(0, 10)  # noqa: S311
    return min(countdown, VISIBILITY_TIMEOUT // 2)


class ReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Anything that escaped the task body (retries exhausted, a bug):
        record it on the run so the page shows it."""
        run_id = args[0] if args else kwargs.get("run_id")
        if run_id is None:
            return
        message = _readable(exc)
        updated = (
            ReportRun.objects.filter(pk=run_id)
            .exclude(status=RunStatus.SUCCEEDED)
            .update(
                status=RunStatus.FAILED,
                error=message,
                step="Failed",
                finished_at=timezone.now(),
            )
        )
        if updated:
            logger.error("event=report_failed run=%s task=%s error=%r", run_id, task_id, message)


def _readable(exc: BaseException) -> str:
    if isinstance(exc, reports.ReportError):
        return str(exc)
    if isinstance(exc, SoftTimeLimitExceeded):
        return (
            f"The report took longer than {SOFT_TIME_LIMIT // 60} minutes and was stopped. "
            "Try again outside busy hours; if it happens again, tell the system administrator."
        )
    if isinstance(exc, TRANSIENT_ERRORS):
        return (
            "The report could not be written because the database or file store was "
            f"unavailable, after {MAX_RETRIES + 1} attempts ({type(exc).__name__}: {exc}). "
            "Generate it again later."
        )
    return (
        f"The report stopped because of an unexpected error ({type(exc).__name__}: {exc}). "
        "The details are in the worker log; tell the system administrator."
    )


def _claim(run_id: int, task) -> ReportRun | None:
    """Move the run from queued to running, or return None if another
    delivery has it (running) or it is already finished."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            logger.warning("event=report_missing run=%s", run_id)
            return None
        redelivered = bool((task.request.delivery_info or {}).get("redelivered"))
        if run.status == RunStatus.RUNNING and redelivered:
            # The broker gives a message back only when its worker was lost
            # (reject_on_worker_lost) or the visibility timeout passed, which
            # the hard time limit rules out for a live worker: the first
            # attempt is dead, so this delivery takes the run over.
            logger.warning("event=report_takeover run=%s attempts=%s", run_id, run.attempts)
        elif run.status != RunStatus.QUEUED:
            logger.info(
                "event=report_duplicate_delivery run=%s status=%s redelivered=%s",
                run_id,
                run.status,
                redelivered,
            )
            return None
        run.mark_running()
        run.save(
            update_fields=["status", "started_at", "finished_at", "error", "attempts", "progress"]
            + ["step"]
        )
    return run


def _finish(run: ReportRun) -> ReportRun:
    with transaction.atomic():
        locked = ReportRun.objects.select_for_update().get(pk=run.pk)
        for name in ("html_file", "xlsx_file", "csv_file", "pptx_file", "pdf_file"):
            setattr(locked, name, getattr(run, name).name)
        locked.snapshot, locked.figures = run.snapshot, run.figures
        locked.status = RunStatus.SUCCEEDED
        locked.progress = 100
        locked.step = "Done"
        locked.finished_at = timezone.now()
        locked.save()
        # Published in the same transaction, so no reader ever sees a run
        # that asked to be published as succeeded but not yet published.
        if locked.publish_on_success:
            try:
                reports.report_run_publish(run=locked, user=locked.requested_by)
            except ValidationError as exc:
                note = " ".join(exc.messages)
                ReportRun.objects.filter(pk=locked.pk).update(
                    step=f"Done, not published: {note}"[:200]
                )
                logger.warning("event=report_not_published run=%s reason=%r", locked.pk, note)
    locked.refresh_from_db()
    return locked


@shared_task(
    bind=True,
    base=ReportTask,
    name="pmo.tasks.generate_report",
    acks_late=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=HARD_TIME_LIMIT,
)
def generate_report_task(self, run_id: int) -> str:
    _drop_broken_connections()
    run = _claim(run_id, self)
    if run is None:
        return "skipped"
    logger.info(
        "event=report_started run=%s type=%s period=%s version=%s attempt=%s",
        run.pk,
        run.report_type,
        f"{run.period:%Y-%m}",
        run.version,
        run.attempts,
    )
    record = reports.progress_recorder(run.pk)
    try:
        reports.generate(run, record)
    except reports.ReportError as exc:
        _fail(run, str(exc))
        return "failed"
    except SoftTimeLimitExceeded as exc:
        _fail(run, _readable(exc))
        return "failed"
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            _fail(run, _readable(exc))
            return "failed"
        countdown = retry_countdown(self.request.retries)
        _drop_broken_connections()
        ReportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.QUEUED, step=f"Waiting to try again in {countdown} seconds"
        )
        logger.warning(
            "event=report_retry run=%s retries=%s countdown=%s error=%r",
            run.pk,
            self.request.retries,
            countdown,
            exc,
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
    except DatabaseError as exc:
        logger.exception("event=report_error run=%s", run.pk)
        _fail(run, _readable(exc))
        return "failed"
    finished = _finish(run)
    # Started when it was claimed, finished by _finish.
    assert finished.started_at is not None and finished.finished_at is not None
    logger.info(
        "event=report_succeeded run=%s published=%s seconds=%.1f",
        finished.pk,
        finished.published,
        (finished.finished_at - finished.started_at).total_seconds(),
    )
    return "succeeded"


def _fail(run: ReportRun, message: str) -> None:
    _drop_broken_connections()
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error=message, step="Failed", finished_at=timezone.now()
    )
    logger.error("event=report_failed run=%s error=%r", run.pk, message)


@shared_task(name="pmo.tasks.scheduled_monthly_reports", acks_late=True)
def scheduled_monthly_reports_task(
    report_types: list[str] | None = None, today: str | None = None
) -> list[int]:
    """Beat fires this at 07:00 on days 1-3 of each month (see the data
    migration); it acts only on the month's first working day, and makes
    last month's reports, published. A month already published is left
    alone; a second firing on the same day makes nothing (constraint
    one_scheduled_run_per_day)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    if day != reports.first_working_day(day):
        logger.info("event=schedule_skipped day=%s reason=not_first_working_day", day)
        return []
    reports.fail_abandoned_runs()
    period = reports.previous_month(day)
    run_ids = []
    for report_type in report_types or [ReportType.PORTFOLIO, ReportType.BENEFITS]:
        if ReportRun.objects.for_period(report_type, period).published().exists():
            logger.info(
                "event=schedule_skipped type=%s period=%s reason=already_published",
                report_type,
                f"{period:%Y-%m}",
            )
            continue
        if ReportRun.objects.for_period(report_type, period).filter(scheduled_for=day).exists():
            logger.info("event=schedule_skipped type=%s reason=already_run_today", report_type)
            continue
        try:
            run = reports.report_run_request(
                report_type=report_type,
                period=period,
                trigger=Trigger.SCHEDULE,
                publish=True,
                schedule_name="Monthly packs, first working day 07:00",
                scheduled_for=day,
            )
        except IntegrityError:
            logger.info("event=schedule_skipped type=%s reason=concurrent_firing", report_type)
            continue
        run_ids.append(run.pk)
    return run_ids


@shared_task(name="pmo.tasks.fail_abandoned_runs", acks_late=True)
def fail_abandoned_runs_task() -> int:
    """Beat fires this every few minutes (see the data migration): a run
    whose worker was killed is recorded as failed here, in the worker, so
    no page has to write when it is read."""
    return reports.fail_abandoned_runs()


@shared_task(name="pmo.tasks.send_notices", acks_late=True)
def send_notices_task(event_key: str | None = None) -> int:
    """Send the straight-away e-mail notices of one event once it commits,
    or, from beat every 15 minutes with no key, any still unsent (the mail
    server or broker was away). Each notice is locked while it is sent, so
    a second delivery of this message sends nothing twice."""
    _drop_broken_connections()
    return notifications.send_immediate(event_key)


@shared_task(name="pmo.tasks.send_digests", acks_late=True)
def send_digests_task() -> int:
    """Beat fires this at 07:30 each day: one e-mail per person with the
    notices they asked to have as a daily digest."""
    _drop_broken_connections()
    return notifications.send_digests()
