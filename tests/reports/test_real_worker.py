"""A real Celery worker on Redis: eager mode hides serialisation and
transaction bugs, so this test starts `celery -A pmo worker` as a separate
process, enqueues a pack the way the pages do, and waits for its files.

Needs Redis (CELERY_BROKER_URL, default redis://127.0.0.1:6379/15) and a
database the worker process can share: PostgreSQL (DATABASE_URL). With
SQLite the test database lives in memory, so the test skips; CI runs it on
PostgreSQL and turns the skip into a failure.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from pmo import reports
from pmo.celery import app as celery_app
from pmo.models import ReportRun, ReportType, RunStatus
from pmo.permissions import Role
from pmo.tasks import generate_report_task
from portfolio.models import ImportRun, ImportStatus, Project
from tests.portfolio.factories import DirectorateFactory, ProjectFactory, StatusUpdateFactory
from tests.portfolio.import_files import csv_file, post_form_values

pytestmark = [
    # Meant to keep these tests on one xdist process, but under -n auto they
    # were seen on two; each worker's own queue (QUEUE) is what keeps them apart.
    pytest.mark.xdist_group("real_celery_worker"),
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"
# Each test's worker reads a queue of its own, and the test sends there: two
# pytest-xdist processes' workers must never take each other's tasks (a
# shared queue made this file fail at random under -n auto).
QUEUE = f"pmo-real-worker-{os.getpid()}"
TIMEOUT_SECONDS = 60
# Enough rows that the check takes a few seconds, for the page to poll.
ROWS = 400


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db.get('HOST') or 'localhost'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.fixture
def broker():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgres://...): the worker process must share the "
            f"test database, and the {connection.vendor} test database is private to this process"
        )
    try:
        with celery_app.connection_for_write(BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
            conn.default_channel.queue_purge(QUEUE)
    except Exception as exc:  # kombu raises transport-specific errors
        pytest.skip(f"Redis broker not reachable at {BROKER_URL}: {exc}")
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(broker_url=BROKER_URL, task_always_eager=False, task_default_queue=QUEUE)
    _reset_producer_pool()
    yield BROKER_URL
    celery_app.conf.update(saved)
    _reset_producer_pool()


def _reset_producer_pool():
    # The app caches its connection and producer pools on first use; drop
    # them (as Celery does after a fork) so the next send uses the broker URL
    # set above.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def staging(tmp_path, settings):
    """The import staging folder, shared with the worker as in production."""
    settings.IMPORT_STAGING_DIR = tmp_path / "import-staging"
    return settings.IMPORT_STAGING_DIR


@pytest.fixture
def worker(broker, media_root, staging, tmp_path):
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(media_root),
        "IMPORT_STAGING_DIR": str(staging),
        "SECRET_KEY": "real-worker-test-key-" * 3,  # settings require 50+ characters
        "DEBUG": "0",
    }
    celery = Path(sys.executable).with_name("celery")
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(celery), "-A", "pmo", "worker", "-Q", QUEUE, "-P", "solo", "-l", "INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield process, log
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_real_worker_generates_the_pack_and_writes_its_files(worker):
    process, log = worker
    project = ProjectFactory()
    StatusUpdateFactory(project=project, period=datetime.date(2026, 10, 1))

    # The pages' path: the row is committed, then on_commit sends the message.
    run = reports.report_run_request(
        report_type=ReportType.PORTFOLIO, period=datetime.date(2026, 10, 1), publish=True
    )
    # At-least-once delivery: the same message may arrive twice.
    generate_report_task.delay(run.pk)

    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished or process.poll() is not None:
            break
        time.sleep(0.5)
    worker_output = log.read_text()
    assert run.status == RunStatus.SUCCEEDED, (run.status, run.step, run.error, worker_output)
    assert run.published and run.progress == 100
    for _fmt, _label, handle in run.files():
        assert Path(handle.path).stat().st_size > 0
    assert [fmt for fmt, _label, _handle in run.files()] == ["html", "xlsx", "csv", "pptx", "pdf"]
    assert f"event=report_succeeded run={run.pk}" in worker_output
    assert ReportRun.objects.count() == 1 and run.attempts == 1
    # The duplicate was received and did nothing (it may still be in flight).
    while time.monotonic() < deadline and "event=report_duplicate_delivery" not in worker_output:
        time.sleep(0.5)
        worker_output = log.read_text()
    assert f"event=report_duplicate_delivery run={run.pk} status=" in worker_output
    run.refresh_from_db()
    assert run.attempts == 1 and run.published


def _wait_for(run, statuses, process) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        run.refresh_from_db()
        if run.status in statuses:
            return
        time.sleep(0.2)


def test_a_real_worker_checks_and_imports_an_upload_while_the_page_shows_progress(
    worker, client_as
):
    """The page's path end to end with a broker: the upload returns at once,
    the worker checks the file while the page polls its progress, and
    Confirm has the worker import it. The columns are taken as the page
    matched them."""
    process, log = worker
    DirectorateFactory(name="Place")
    rows = [["Title", "Directorate", "Capital (£k)", "RAG", "Path to green"]]
    rows += [[f"Hub {n:04d}", "Place", str(n), "Amber", "Re-plan"] for n in range(ROWS)]
    pmo = client_as(Role.PMO)

    response = pmo.post(
        "/projects/import/", {"file": SimpleUploadedFile("register.csv", csv_file(rows))}
    )

    assert response.status_code == 302
    columns = response["Location"]
    response = pmo.post(columns, post_form_values(pmo.get(columns).content.decode()))
    assert response.status_code == 302, response.content.decode()[:2000]
    url = response["Location"]
    run = ImportRun.objects.get()
    fragments = []
    while not fragments or "hx-trigger" in fragments[-1]:
        poll = pmo.get(url, headers={"HX-Request": "true"})
        if poll.get("HX-Refresh") == "true" or process.poll() is not None:
            break
        fragments.append(poll.content.decode())
        time.sleep(0.2)
    assert fragments, "the check finished before the page could show its progress"
    assert "Checking" in fragments[0] and "<progress" in fragments[0]
    _wait_for(run, {ImportStatus.READY, ImportStatus.FAILED}, process)
    assert run.status == ImportStatus.READY, (run.status, run.error, log.read_text())
    page = pmo.get(url).content.decode()
    assert "Confirm and import" in page, run.checked["outcome"]["errors"][:3]
    assert page.count("Create</strong>") == ROWS
    assert Project.objects.count() == 0

    pmo.post(url, {})
    _wait_for(run, {ImportStatus.IMPORTED, ImportStatus.FAILED, ImportStatus.READY}, process)

    assert run.status == ImportStatus.IMPORTED, (run.status, run.refused, log.read_text())
    assert run.summary.startswith(f"register.csv imported: {ROWS} rows created, 0 updated")
    assert Project.objects.count() == ROWS
    assert Project.objects.get(title="Hub 0250").capital_investment == 250_000
    assert "Success" in pmo.get(url).content.decode()
    assert f"event=import_finished run={run.pk} status=imported" in log.read_text()
