"""The register's background work: reminders (run by Celery beat) and the
project import's check and import steps (portfolio/import_runs.py)."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from portfolio import import_runs, notices

logger = logging.getLogger(__name__)

# A 5,000-row register checks in about a minute (bench/import_register.py).
IMPORT_SOFT_TIME_LIMIT = 15 * 60
IMPORT_TIME_LIMIT = settings.CELERY_TASK_TIME_LIMIT


@shared_task(name="portfolio.tasks.send_reminders", acks_late=True)
def send_reminders_task(today: str | None = None) -> dict[str, int]:
    """Beat fires this at 07:00 each day (see pmo's migration 0006): updates
    due and overdue, milestones overdue and gate boards near. Safe to run
    twice: each notice is recorded once per event and person."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return notices.send_reminders(day)


def _run_import_step(step, run_id: int) -> str:
    """Run a check or an import; whatever stops it is recorded on the run
    for the PMO to read, never left as a page that polls for ever."""
    try:
        step(run_id)
    except SoftTimeLimitExceeded:
        import_runs.fail(
            run_id,
            f"The file took longer than {IMPORT_SOFT_TIME_LIMIT // 60} minutes to "
            "process, so nothing was imported. Split it into smaller files.",
        )
        return "failed"
    except Exception as exc:
        logger.exception("event=import_error run=%s", run_id)
        import_runs.fail(
            run_id,
            f"Nothing was imported: the import stopped with an error ({type(exc).__name__}). "
            "Upload the file again; if it stops again, tell the system administrator.",
        )
        return "failed"
    return "done"


@shared_task(
    name="portfolio.tasks.check_import",
    acks_late=True,
    soft_time_limit=IMPORT_SOFT_TIME_LIMIT,
    time_limit=IMPORT_TIME_LIMIT,
)
def check_import_task(run_id: int) -> str:
    return _run_import_step(import_runs.check, run_id)


@shared_task(
    name="portfolio.tasks.import_checked",
    acks_late=True,
    soft_time_limit=IMPORT_SOFT_TIME_LIMIT,
    time_limit=IMPORT_TIME_LIMIT,
)
def import_checked_task(run_id: int) -> str:
    return _run_import_step(import_runs.import_checked, run_id)
