"""Benchmark (not a test): time the monthly portfolio pack for N projects and
report peak memory.

    python bench/report_pack.py --projects 2000            # in-process task
    CELERY_BROKER_URL=redis://127.0.0.1:6379/15 \\
        python bench/report_pack.py --projects 2000 --worker  # a real worker

It builds its own database (a fresh SQLite file unless --database-url is
given; a worker process can share a file, unlike the in-memory test DB), adds
N synthetic projects with two months of highlight reports, milestones, risks
and gates through bulk_create, then generates the pack. With --worker it
starts `celery -A pmo worker -P solo` and reads the worker's peak resident
memory (VmHWM) from /proc. Results go to bench/pack-results.json (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _configure(database_url: str, media_root: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = media_root
    os.environ.setdefault("SECRET_KEY", "benchmark-only-key-" + "x" * 40)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def set_up_database(database_url: str | None, prefix: str) -> str:
    """Django on the given database, or on a fresh SQLite file, migrated;
    returns the URL used."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    database_url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    _configure(database_url, str(workdir / "media"))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return database_url


def _seed(count: int, period: datetime.date) -> None:
    import random

    from django.contrib.auth import get_user_model

    from pmo.reports import next_month, previous_month
    from portfolio.models import (
        Directorate,
        GateDecision,
        Milestone,
        Project,
        Risk,
        Stage,
        StatusUpdate,
    )

    rng = random.Random(2040)
    user, _ = get_user_model().objects.get_or_create(username="bench.pm")
    directorates = [
        Directorate.objects.get_or_create(name=f"Bench directorate {n}")[0] for n in range(6)
    ]
    stages = [Stage.DISCOVERY, Stage.BUSINESS_CASE, Stage.DELIVERY, Stage.DELIVERY, Stage.CLOSED]
    start = (Project.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    projects = Project.objects.bulk_create(
        [
            Project(
                number=n,
                reference=Project.reference_for(n),
                title=f"Bench project {n}",
                lead_directorate=rng.choice(directorates),
                stage=rng.choice(stages),
                project_manager=user,
                capital_investment=Decimal(rng.randint(0, 500_000)),
                revenue_investment=Decimal(rng.randint(0, 200_000)),
            )
            for n in range(start, start + count)
        ],
        batch_size=500,
    )
    ratings = ["G", "AG", "A", "AR", "R"]
    updates, milestones, risks, gates = [], [], [], []
    for project in projects:
        for month in (previous_month(period), period):
            if rng.random() < 0.9:
                updates.append(
                    StatusUpdate(
                        project=project,
                        period=month,
                        delivery_confidence=rng.choice(ratings),
                        schedule_rag="A",
                        cost_rag="G",
                        benefits_rag="A",
                        resources_rag="G",
                        risk_rag="A",
                        progress="Progress made this month.",
                        next_steps="Next steps.",
                        path_to_green="Recovery plan agreed." if rng.random() < 0.7 else "",
                        honesty_override=rng.random() < 0.03,
                        override_justification="Board accepted the slip.",
                        submitted_by=user,
                    )
                )
        for _ in range(2):
            day = period + datetime.timedelta(days=rng.randint(-60, 60))
            milestones.append(
                Milestone(project=project, title="Milestone", baseline_date=day, forecast_date=day)
            )
        risks.append(
            Risk(
                project=project,
                title="Delivery risk",
                likelihood=rng.randint(1, 5),
                impact=rng.randint(1, 5),
                escalated=rng.random() < 0.1,
            )
        )
        if rng.random() < 0.05:
            gates.append(
                GateDecision(
                    project=project,
                    gate=1,
                    board="Transformation Board",
                    decided_on=next_month(period).replace(day=10),
                )
            )
    for model, rows in (
        (StatusUpdate, updates),
        (Milestone, milestones),
        (Risk, risks),
        (GateDecision, gates),
    ):
        model.objects.bulk_create(rows, batch_size=1000)
    StatusUpdate.objects.mark_latest()


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--worker", action="store_true", help="use a real Celery worker")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    options = parser.parse_args()

    database_url = set_up_database(options.database_url, "pmo-bench-")

    from pmo import reports, tasks
    from pmo.models import ReportRun

    period = datetime.date(2026, 10, 1)
    seeded = time.perf_counter()
    _seed(options.projects, period)
    print(f"Seeded {options.projects} projects in {time.perf_counter() - seeded:.1f}s")

    result = {"projects": options.projects, "database": database_url.split(":", 1)[0]}
    if options.worker:
        broker = os.environ.get("CELERY_BROKER_URL")
        if not broker:
            sys.exit("--worker needs CELERY_BROKER_URL (for example redis://127.0.0.1:6379/15)")
        celery = Path(sys.executable).with_name("celery")
        worker = subprocess.Popen(  # noqa: S603 (our own celery binary, fixed arguments)
            [str(celery), "-A", "pmo", "worker", "-P", "solo", "-l", "WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env=os.environ.copy(),
        )  # fmt: skip
        try:
            time.sleep(3)  # let the worker connect before the clock starts
            started = time.perf_counter()
            run = reports.report_run_request(report_type="portfolio", period=period)
            while True:
                run.refresh_from_db()
                if run.is_finished or worker.poll() is not None:
                    break
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            peak_kib = _peak_rss_kib(worker.pid)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        result["mode"] = "celery worker on the broker"
    else:
        run = reports.report_run_request(report_type="portfolio", period=period, enqueue=False)
        started = time.perf_counter()
        tasks.generate_report_task.apply(args=[run.pk])
        elapsed = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["mode"] = "in-process task (no broker)"
        run = ReportRun.objects.get(pk=run.pk)

    result.update(
        status=run.status,
        error=run.error,
        seconds=round(elapsed, 2),
        peak_memory_mib=round(peak_kib / 1024, 1),
        files={fmt: Path(f.path).stat().st_size for fmt, _label, f in run.files()},
    )
    print(json.dumps(result, indent=2))
    (ROOT / "bench" / "pack-results.json").write_text(json.dumps(result, indent=2))
    if run.status != "succeeded":
        sys.exit(1)


if __name__ == "__main__":
    main()
