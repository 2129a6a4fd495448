"""The report task: idempotent under redelivery, retried on transient
errors, and every failure recorded on the run in words PMO can read."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, OperationalError, transaction

from pmo import extensions, reports, tasks
from pmo.models import ReportRun, ReportType, RunStatus, Trigger
from pmo.spreadsheets import Column
from tests.portfolio.factories import ProjectFactory, StatusUpdateFactory
from tests.reports.factories import ReportRunFactory

OCTOBER = datetime.date(2026, 10, 1)


def _request(publish=True, report_type=ReportType.PORTFOLIO):
    return reports.report_run_request(
        report_type=report_type, period=OCTOBER, publish=publish, enqueue=False
    )


@pytest.mark.django_db
def test_delivering_the_task_twice_gives_one_published_run_with_the_same_figures():
    StatusUpdateFactory(period=OCTOBER, delivery_confidence="R")
    StatusUpdateFactory(period=OCTOBER, delivery_confidence="G")
    run = _request()

    first = tasks.generate_report_task.apply(args=[run.pk]).get()
    run.refresh_from_db()
    figures, files = run.figures, [f.name for _fmt, _label, f in run.files()]
    second = tasks.generate_report_task.apply(args=[run.pk]).get()

    assert (first, second) == ("succeeded", "skipped")
    assert ReportRun.objects.count() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.published and run.attempts == 1
    assert run.figures == figures
    assert [f.name for _fmt, _label, f in run.files()] == files
    assert run.figures["portfolio-exceptions"]["red_and_amber_red"] == 1
    assert ReportRun.objects.published().count() == 1


@pytest.mark.django_db
def test_a_delivery_while_another_worker_runs_it_does_nothing():
    run = ReportRunFactory(status=RunStatus.RUNNING, progress=40, step="Collecting")

    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "skipped"

    run.refresh_from_db()
    assert (run.status, run.progress, run.step) == (RunStatus.RUNNING, 40, "Collecting")


@pytest.mark.django_db
def test_regenerating_makes_a_new_version_and_never_overwrites_the_published_one():
    ProjectFactory()
    first = _request()
    tasks.generate_report_task.apply(args=[first.pk])
    second = _request()
    tasks.generate_report_task.apply(args=[second.pk])

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.published and not second.published
    assert second.status == RunStatus.SUCCEEDED
    assert "Version 1" in second.step and "already published" in second.step
    assert first.xlsx_file.name != second.xlsx_file.name
    assert first.xlsx_file.storage.exists(first.xlsx_file.name)
    assert second.figures == first.figures


@pytest.mark.django_db
def test_the_database_refuses_two_published_runs_for_one_month():
    ReportRunFactory(status=RunStatus.SUCCEEDED, published=True)
    with pytest.raises(IntegrityError):
        ReportRunFactory(status=RunStatus.SUCCEEDED, published=True)


@pytest.mark.django_db
def test_a_missing_app_section_fails_the_run_with_a_message_pmo_can_read(monkeypatch):
    without = {a: f for a, f in extensions.PACK_SECTIONS.items() if a != "benefits"}
    monkeypatch.setattr(extensions, "PACK_SECTIONS", without)
    run = _request(report_type=ReportType.BENEFITS)

    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "failed"

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and not run.published
    assert run.error == (
        "The benefits-realisation report cannot be produced yet: it needs the benefits section, "
        "which this version of the service does not include. No figures were produced."
    )
    assert run.finished_at is not None and run.files() == []


@pytest.mark.django_db
def test_a_transient_database_error_is_retried_then_succeeds(monkeypatch):
    ProjectFactory()
    real_generate = reports.generate
    calls = []

    def flaky(run, progress):
        calls.append(run.pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_generate(run, progress)

    monkeypatch.setattr(reports, "generate", flaky)
    run = _request(publish=False)

    tasks.generate_report_task.apply(args=[run.pk])

    run.refresh_from_db()
    assert len(calls) == 2
    assert run.status == RunStatus.SUCCEEDED and run.attempts == 2 and run.error == ""


@pytest.mark.django_db
def test_when_retries_run_out_the_failure_is_recorded(monkeypatch):
    def down(run, progress):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(reports, "generate", down)
    run = _request(publish=False)

    tasks.generate_report_task.apply(args=[run.pk])

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.attempts == tasks.MAX_RETRIES + 1
    assert run.error.startswith(
        "The report could not be written because the database or file store was unavailable"
    )


@pytest.mark.django_db
def test_an_unexpected_error_is_recorded_on_the_run(monkeypatch):
    def broken(run, progress):
        raise KeyError("stage")

    monkeypatch.setattr(reports, "generate", broken)
    run = _request(publish=False)

    tasks.generate_report_task.apply(args=[run.pk])

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "unexpected error (KeyError" in run.error and "system administrator" in run.error


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_shown_as_failed(settings):
    started = datetime.datetime(2026, 11, 1, 7, 0, tzinfo=datetime.UTC)
    run = ReportRunFactory(status=RunStatus.RUNNING, started_at=started)

    assert reports.fail_abandoned_runs(now=started + datetime.timedelta(hours=1)) == 1

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "stopped without finishing" in run.error


@pytest.mark.parametrize("retries", range(10))
def test_every_retry_countdown_is_shorter_than_the_visibility_timeout(settings, retries):
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert 0 < tasks.retry_countdown(retries) < timeout
    assert tasks.SOFT_TIME_LIMIT < tasks.HARD_TIME_LIMIT < timeout


@pytest.mark.django_db
def test_progress_is_saved_as_the_pack_is_assembled(monkeypatch):
    ProjectFactory()
    seen = []
    real = reports.progress_recorder

    def spy(run_id):
        record = real(run_id)

        def both(percent, step):
            record(percent, step)
            run = ReportRun.objects.get(pk=run_id)
            seen.append((run.status, run.progress, run.step))

        return both

    monkeypatch.setattr(reports, "progress_recorder", spy)
    run = _request(publish=False)
    tasks.generate_report_task.apply(args=[run.pk])

    assert [s[1] for s in seen] == sorted(s[1] for s in seen)
    assert all(status == RunStatus.RUNNING for status, _p, _s in seen)
    assert ("running", 80, "Writing the Excel workbook") in seen
    run.refresh_from_db()
    assert (run.progress, run.step, run.trigger) == (100, "Done", Trigger.USER)


def _delivery(redelivered):
    return SimpleNamespace(request=SimpleNamespace(delivery_info={"redelivered": redelivered}))


@pytest.mark.django_db
def test_a_message_given_back_after_its_worker_died_takes_the_run_over():
    run = ReportRunFactory(status=RunStatus.RUNNING, attempts=1)

    assert tasks._claim(run.pk, _delivery(redelivered=False)) is None
    claimed = tasks._claim(run.pk, _delivery(redelivered=True))

    assert claimed is not None
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 2)


@pytest.mark.django_db
def test_a_redelivered_message_for_a_finished_run_does_nothing():
    run = ReportRunFactory(status=RunStatus.SUCCEEDED, published=True)

    assert tasks._claim(run.pk, _delivery(redelivered=True)) is None


@pytest.mark.django_db
def test_sections_from_every_app_are_assembled_in_order(monkeypatch):
    """The contract: each app's reporting.pack_sections(kind, period)."""
    ProjectFactory()
    benefits = SimpleNamespace(
        pack_sections=lambda kind, period: [
            reports.Section(
                key="benefits-position",
                title="Benefits",
                template="reports/_status_tag.html",
                context={"run": SimpleNamespace(status="queued")},
                tables=[reports.Table("Benefits", [Column("Saving")], [["£1"]])],
                figures={"savings": "1.00"},
            )
        ]
    )
    registered = {**extensions.PACK_SECTIONS, "benefits": benefits.pack_sections}
    del registered["prioritisation"]
    monkeypatch.setattr(extensions, "PACK_SECTIONS", registered)
    run = _request(publish=False)

    tasks.generate_report_task.apply(args=[run.pk])

    run.refresh_from_db()
    order = [
        "portfolio-overview",
        "portfolio-exceptions",
        "portfolio-ahead",
        "partners",
        "benefits-position",
    ]
    assert set(run.figures) == set(order)  # jsonb keeps no key order; the pack does
    positions = [
        run.snapshot.index(f'<section class="pmo-pack__section" id="{key}"') for key in order
    ]
    assert positions == sorted(positions)
    assert run.figures["benefits-position"] == {"savings": "1.00"}


@pytest.mark.django_db(transaction=True)
def test_a_run_is_marked_succeeded_and_published_in_one_transaction(monkeypatch):
    # Otherwise a reader (the reports page, or a poll) can see a run that
    # asked to be published as succeeded but not published.
    StatusUpdateFactory(period=OCTOBER)
    run = _request()
    seen = []
    publish = reports.report_run_publish

    def watching_publish(**kwargs):
        seen.append(transaction.get_connection().in_atomic_block)
        return publish(**kwargs)

    monkeypatch.setattr(reports, "report_run_publish", watching_publish)

    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "succeeded"

    run.refresh_from_db()
    assert seen == [True]
    assert run.status == RunStatus.SUCCEEDED and run.published
