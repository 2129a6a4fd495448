"""The register's scheduled work, run by Celery beat."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from portfolio import notices


@shared_task(name="portfolio.tasks.send_reminders", acks_late=True)
def send_reminders_task(today: str | None = None) -> dict[str, int]:
    """Beat fires this at 07:00 each day (see pmo's migration 0006): updates
    due and overdue, milestones overdue and gate boards near. Safe to run
    twice: each notice is recorded once per event and person."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return notices.send_reminders(day)
