"""The report pages: the archive by role, Generate now with its progress,
the pack, downloads and publishing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo import extensions, reports, tasks
from pmo.models import ReportRun, ReportType, RunStatus
from pmo.permissions import Role
from tests.portfolio.factories import ProjectFactory, StatusUpdateFactory
from tests.reports.factories import ReportRunFactory

OCTOBER = datetime.date(2026, 10, 1)


def _generated(publish=False, report_type=ReportType.PORTFOLIO):
    run = reports.report_run_request(
        report_type=report_type, period=OCTOBER, publish=publish, enqueue=False
    )
    tasks.generate_report_task.apply(args=[run.pk])
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_generate_now_queues_the_run_and_it_completes_in_process(
    client_as, roles, django_capture_on_commit_callbacks
):
    StatusUpdateFactory(period=OCTOBER, delivery_confidence="R")
    client = client_as(Role.FINANCE)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/generate/", {"report_type": "portfolio", "period": "2026-10"}
        )

    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{run.pk}/"
    assert run.requested_by == roles[Role.FINANCE]
    assert run.status == RunStatus.SUCCEEDED and not run.published
    assert run.started_by_label == roles[Role.FINANCE].get_full_name()


@pytest.mark.django_db
def test_generate_now_with_htmx_answers_with_the_progress_fragment(client_as):
    client = client_as(Role.PMO)

    response = client.post(
        "/reports/generate/",
        {"report_type": "portfolio", "period": "2026-10"},
        headers={"HX-Request": "true"},
    )

    run = ReportRun.objects.get()
    body = response.content.decode()
    assert response.status_code == 200
    assert f'hx-get="/reports/{run.pk}/"' in body and 'hx-trigger="every 1s"' in body
    assert "<progress" in body and "0%: Waiting for a worker" in body
    assert "<html" not in body


@pytest.mark.django_db
def test_polling_a_finished_run_stops_and_offers_the_downloads(client_as):
    run = _generated()

    response = client_as(Role.PMO).get(f"/reports/{run.pk}/", headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "hx-trigger" not in body
    assert "is ready" in body
    assert f"/reports/{run.pk}/download/xlsx/" in body


@pytest.mark.django_db
def test_a_month_outside_the_offered_ones_is_refused_with_a_clear_error(client_as):
    response = client_as(Role.PMO).post(
        "/reports/generate/", {"report_type": "portfolio", "period": "1999-01"}
    )

    assert response.status_code == 200
    assert "Choose a month within the last 24 months" in response.content.decode()
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_finance_cannot_ask_for_publication(client_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_as(Role.FINANCE).post(
            "/reports/generate/", {"report_type": "portfolio", "period": "2026-10", "publish": "on"}
        )

    run = ReportRun.objects.get()
    assert not run.publish_on_success and not run.published


@pytest.mark.django_db
def test_the_failure_is_shown_on_the_run_page(client_as, monkeypatch):
    without = {a: f for a, f in extensions.PACK_SECTIONS.items() if a != "prioritisation"}
    monkeypatch.setattr(extensions, "PACK_SECTIONS", without)
    run = _generated(report_type=ReportType.CLT)

    response = client_as(Role.PMO).get(f"/reports/{run.pk}/")

    body = response.content.decode()
    assert run.status == RunStatus.FAILED
    assert "could not be produced" in body
    assert "it needs the prioritisation section" in body


@pytest.mark.django_db
def test_the_pack_page_shows_the_frozen_snapshot_not_todays_figures(client_as):
    project = ProjectFactory(title="Library hubs")
    StatusUpdateFactory(project=project, period=OCTOBER, delivery_confidence="R")
    run = _generated()
    project.title = "Renamed since"
    project.save()

    body = client_as(Role.PMO).get(f"/reports/{run.pk}/").content.decode()

    assert "Monthly portfolio pack: October 2026" in body
    assert "Library hubs" in body and "Renamed since" not in body
    assert "Publish version 1" in body


@pytest.mark.django_db
def test_the_archive_shows_other_roles_only_published_reports_meant_for_them(client_as):
    published = ReportRunFactory(status=RunStatus.SUCCEEDED, published=True)
    draft = ReportRunFactory(status=RunStatus.SUCCEEDED, period=datetime.date(2026, 9, 1))
    finance_only = ReportRunFactory(
        report_type=ReportType.BENEFITS, status=RunStatus.SUCCEEDED, published=True
    )

    def listed(role):
        runs = client_as(role).get("/reports/").context["runs"]
        return {run.pk for run in runs}

    assert listed(Role.PMO) == {published.pk, draft.pk, finance_only.pk}
    assert listed(Role.PROJECT_MANAGER) == {published.pk}
    assert listed(Role.CLT) == {published.pk, finance_only.pk}


@pytest.mark.django_db
def test_a_viewer_can_read_a_published_pack_but_not_a_draft(client_as):
    run = _generated()
    viewer = client_as(Role.VIEWER)
    assert viewer.get(f"/reports/{run.pk}/").status_code == 403

    reports.report_run_publish(run=run)

    assert viewer.get(f"/reports/{run.pk}/").status_code == 200
    response = viewer.get(f"/reports/{run.pk}/download/csv/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="portfolio-pack-2026-10-v1.csv"'
    )


@pytest.mark.django_db
def test_pmo_publishes_a_run_and_the_month_closes(client_as, roles):
    run = _generated()

    response = client_as(Role.PMO).post(f"/reports/{run.pk}/publish/", follow=True)

    run.refresh_from_db()
    assert run.published and run.published_by == roles[Role.PMO]
    assert reports.period_is_locked(OCTOBER)
    assert "October 2026 is now closed to changes" in response.content.decode()


@pytest.mark.django_db
def test_publishing_a_second_version_is_refused_with_the_reason(client_as):
    first = _generated(publish=True)
    second = _generated()

    response = client_as(Role.PMO).post(f"/reports/{second.pk}/publish/", follow=True)

    second.refresh_from_db()
    assert first.published and not second.published
    assert "Version 1 of the October 2026 monthly portfolio pack is already published" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_an_unknown_download_format_is_not_found(client_as):
    run = _generated()
    assert client_as(Role.PMO).get(f"/reports/{run.pk}/download/docx/").status_code == 404


def test_the_pack_downloads_as_slides_and_pdf(client_as):
    run = _generated()
    slides = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    for fmt, content_type, magic in (
        ("pptx", slides, b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
    ):
        response = client_as(Role.PMO).get(f"/reports/{run.pk}/download/{fmt}/")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].endswith(f'.{fmt}"')
        assert b"".join(response.streaming_content).startswith(magic)


def _writes(queries) -> list[str]:
    """The statements among captured queries that change the database."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]


@pytest.mark.django_db
def test_reading_the_archive_and_the_run_pages_writes_nothing_even_for_an_abandoned_run(
    client_as,
):
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    abandoned = ReportRunFactory(status=RunStatus.RUNNING, progress=40, started_at=long_ago)
    running = ReportRunFactory(status=RunStatus.RUNNING, started_at=timezone.now())
    finished = _generated()
    client = client_as(Role.PMO)
    client.get("/reports/")  # the first request after sign-in may touch the session

    with CaptureQueriesContext(connection) as queries:
        pages = [
            client.get("/reports/"),
            client.get("/reports/", headers={"HX-Request": "true"}),
            *(client.get(f"/reports/{run.pk}/") for run in (abandoned, running, finished)),
            *(
                client.get(f"/reports/{run.pk}/", headers={"HX-Request": "true"})
                for run in (abandoned, running)
            ),
        ]

    assert [page.status_code for page in pages] == [200] * len(pages)
    assert _writes(queries.captured_queries) == []
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.error) == (RunStatus.RUNNING, "")


@pytest.mark.django_db
def test_the_run_page_says_a_run_abandoned_by_its_worker_was_not_finished(client_as):
    started = timezone.now() - datetime.timedelta(minutes=45)
    run = ReportRunFactory(status=RunStatus.RUNNING, progress=40, started_at=started)
    client = client_as(Role.PMO)

    page = client.get(f"/reports/{run.pk}/").content.decode()
    poll = client.get(f"/reports/{run.pk}/", headers={"HX-Request": "true"})
    archive = client.get("/reports/").content.decode()

    assert "could not be produced" in page
    assert "was not finished after 45 minutes" in page
    assert "<progress" not in page and "hx-trigger" not in page  # no bar that never moves
    assert "was not finished after 45 minutes" in poll.content.decode()
    assert poll["HX-Trigger"] == '{"report-runs-changed": {}}'
    assert "Stopped" in archive


@pytest.mark.django_db
def test_a_run_still_within_the_time_limit_keeps_its_progress_bar(client_as, settings):
    started = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    run = ReportRunFactory(status=RunStatus.RUNNING, progress=40, started_at=started)

    poll = client_as(Role.PMO).get(f"/reports/{run.pk}/", headers={"HX-Request": "true"})

    body = poll.content.decode()
    assert "<progress" in body and 'hx-trigger="every 1s"' in body
    assert "HX-Trigger" not in poll


@pytest.mark.django_db
def test_generate_now_with_htmx_asks_the_archive_to_show_the_new_run(client_as):
    client = client_as(Role.PMO)
    before = client.get("/reports/").content.decode()
    assert "There are no reports for you to read yet" in before
    assert 'hx-trigger="report-runs-changed from:body"' in before

    response = client.post(
        "/reports/generate/",
        {"report_type": "portfolio", "period": "2026-10"},
        headers={"HX-Request": "true"},
    )
    archive = client.get("/reports/", headers={"HX-Request": "true"})

    run = ReportRun.objects.get()
    assert response["HX-Trigger"] == '{"report-runs-changed": {}}'
    body = archive.content.decode()
    assert body.lstrip().startswith('<div id="report-archive"')
    assert "<html" not in body and "Generate now" not in body
    assert f'href="/reports/{run.pk}/"' in body and "Queued" in body
    assert "There are no reports" not in body


@pytest.mark.django_db
def test_the_last_poll_of_a_finished_run_asks_the_archive_to_refresh(client_as):
    run = _generated()

    poll = client_as(Role.PMO).get(f"/reports/{run.pk}/", headers={"HX-Request": "true"})

    assert poll["HX-Trigger"] == '{"report-runs-changed": {}}'
