"""The default schedule: last month's portfolio pack and benefits report at
07:00 Europe/London on the first working day of each month."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from hypothesis import given
from hypothesis import strategies as st

from pmo import extensions, reports, tasks
from pmo.models import ReportRun, ReportType, RunStatus, Trigger
from tests.reports.factories import ReportRunFactory


@pytest.mark.django_db
def test_the_schedule_exists_after_migrate():
    task = PeriodicTask.objects.get(task="pmo.tasks.scheduled_monthly_reports")

    assert task.enabled
    assert json.loads(task.kwargs) == {"report_types": ["portfolio", "benefits"]}
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month) == ("0", "7", "1-3")
    assert (crontab.day_of_week, crontab.month_of_year) == ("*", "*")
    assert str(crontab.timezone) == "Europe/London"


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 1)))
def test_the_first_working_day_is_always_one_of_the_days_beat_fires(day):
    first = reports.first_working_day(day)

    assert first.weekday() < 5
    assert first.month == day.month and 1 <= first.day <= 3
    assert all((first - datetime.timedelta(days=n)).weekday() >= 5 for n in range(1, first.day))


@pytest.mark.django_db
def test_it_makes_last_months_reports_on_the_first_working_day(
    django_capture_on_commit_callbacks,
):
    # Monday 2 Nov 2026 is the first working day (the 1st is a Sunday).
    with django_capture_on_commit_callbacks(execute=True):
        made = tasks.scheduled_monthly_reports_task.apply(
            kwargs={"report_types": ["portfolio"], "today": "2026-11-02"}
        ).get()

    run = ReportRun.objects.get(pk=made[0])
    assert (run.report_type, run.period) == (ReportType.PORTFOLIO, datetime.date(2026, 10, 1))
    assert run.trigger == Trigger.SCHEDULE and run.publish_on_success
    assert run.status == RunStatus.SUCCEEDED and run.published


@pytest.mark.django_db
@pytest.mark.parametrize("today", ["2026-11-01", "2026-11-03", "2026-12-02"])
def test_it_does_nothing_on_the_other_days_beat_fires(today):
    assert tasks.scheduled_monthly_reports_task.apply(kwargs={"today": today}).get() == []
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_firing_twice_on_the_same_day_makes_one_run():
    kwargs = {"report_types": ["portfolio"], "today": "2026-12-01"}
    tasks.scheduled_monthly_reports_task.apply(kwargs=kwargs)
    tasks.scheduled_monthly_reports_task.apply(kwargs=kwargs)

    assert ReportRun.objects.count() == 1


@pytest.mark.django_db
def test_a_month_already_published_by_hand_is_left_alone():
    ReportRunFactory(period=datetime.date(2026, 11, 1), status=RunStatus.SUCCEEDED, published=True)

    made = tasks.scheduled_monthly_reports_task.apply(
        kwargs={"report_types": ["portfolio"], "today": "2026-12-01"}
    ).get()

    assert made == [] and ReportRun.objects.count() == 1


@pytest.mark.django_db
def test_the_scheduled_benefits_report_fails_clearly_while_the_benefits_section_is_missing(
    monkeypatch, django_capture_on_commit_callbacks
):
    without = {a: f for a, f in extensions.PACK_SECTIONS.items() if a != "benefits"}
    monkeypatch.setattr(extensions, "PACK_SECTIONS", without)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.scheduled_monthly_reports_task.apply(kwargs={"today": "2026-12-01"})

    portfolio = ReportRun.objects.get(report_type=ReportType.PORTFOLIO)
    benefits = ReportRun.objects.get(report_type=ReportType.BENEFITS)
    assert portfolio.published
    assert benefits.status == RunStatus.FAILED and "needs the benefits section" in benefits.error


@pytest.mark.django_db
def test_beats_database_scheduler_loads_the_entry_and_its_task_is_registered(monkeypatch):
    from django_celery_beat import schedulers

    from pmo.celery import app

    # django-celery-beat only loads crontab entries due within two hours.
    seven_am = datetime.datetime(2026, 12, 1, 7, 0, tzinfo=ZoneInfo("Europe/London"))
    monkeypatch.setattr(schedulers, "aware_now", lambda: seven_am)

    entry = next(
        e
        for e in schedulers.DatabaseScheduler(app=app, lazy=True).all_as_schedule().values()
        if e.task == "pmo.tasks.scheduled_monthly_reports"
    )

    assert entry.task in app.tasks  # a typo in the migration would never run
    assert (entry.schedule.minute, entry.schedule.hour) == ({0}, {7})
    assert entry.schedule.day_of_month == {1, 2, 3}
    assert str(entry.schedule.tz) == "Europe/London"


@pytest.mark.django_db
def test_the_sweep_for_abandoned_runs_exists_after_migrate_and_beat_loads_it():
    from django_celery_beat import schedulers

    from pmo.celery import app

    task = PeriodicTask.objects.get(task="pmo.tasks.fail_abandoned_runs")
    entry = next(
        e
        for e in schedulers.DatabaseScheduler(app=app, lazy=True).all_as_schedule().values()
        if e.task == "pmo.tasks.fail_abandoned_runs"
    )

    assert task.enabled and task.crontab is None
    assert (task.interval.every, task.interval.period) == (5, "minutes")
    assert entry.task in app.tasks
    assert entry.schedule.run_every == datetime.timedelta(minutes=5)


@pytest.mark.django_db
def test_the_sweep_records_a_run_whose_worker_died_and_leaves_live_ones(settings):
    now = timezone.now()
    limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    dead = ReportRunFactory(status=RunStatus.RUNNING, started_at=now - limit * 2)
    live = ReportRunFactory(status=RunStatus.RUNNING, started_at=now - limit / 2)
    queued = ReportRunFactory(status=RunStatus.QUEUED)

    assert tasks.fail_abandoned_runs_task.apply().get() == 1

    for run in (dead, live, queued):
        run.refresh_from_db()
    assert dead.status == RunStatus.FAILED and dead.finished_at is not None
    assert f"was not finished after {settings.CELERY_TASK_TIME_LIMIT // 60 + 1} minutes" in (
        dead.error
    )
    assert (live.status, queued.status) == (RunStatus.RUNNING, RunStatus.QUEUED)
