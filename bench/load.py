"""Load test: gunicorn (2 x cores workers) on PostgreSQL at benchmark scale,
Locust headless against 127.0.0.1 only, 50 users for 60 s by default.

    DATABASE_URL=postgres://... .venv/bin/python bench/load.py [--users 50] [--seconds 60]

Needs Redis on 127.0.0.1:6379 (the shared page cache, as in docker.env), or
CACHE_URL set to another.

Run bench/run.py first on the same database to build the data. Prints req/s,
p50/p95/p99 and errors, and counts the monthly updates Locust posted against
the database afterwards: every accepted POST must be there (0 lost writes).
Bounded in users and time; it only ever talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
SERVER_ENV = {
    "SECRET_KEY": "load-" + "x" * 60,
    "DEBUG": "0",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "CSRF_TRUSTED_ORIGINS": "http://127.0.0.1",
    "LOG_LEVEL": "WARNING",
    # The load comes from one address; throttling is for sign-in guessing.
    "AXES_FAILURE_LIMIT": "1000",
    # As docker.env: the workers share rendered pages through Redis.
    "CACHE_URL": "redis://127.0.0.1:6379/12",
}
os.environ.update({k: v for k, v in SERVER_ENV.items() if k not in os.environ})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_references(limit: int) -> list[str]:
    import django

    django.setup()
    from django.core.management import call_command

    from portfolio.models import Project
    from portfolio.selectors import current_period

    call_command("collectstatic", interactive=False, verbosity=0)

    return list(
        Project.objects.update_due(current_period())
        .order_by("-number")
        .values_list("reference", flat=True)[:limit]
    )


def updates_in_database(references: list[str]) -> int:
    from portfolio.models import StatusUpdate
    from portfolio.selectors import current_period

    return StatusUpdate.objects.filter(
        project__reference__in=references, period=current_period()
    ).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--password", default="bench-password-2026")
    parser.add_argument("--out", default=str(ROOT / "bench" / "load-results.json"))
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 600:
        sys.exit("Keep the load bounded: 1-200 users for 1-600 seconds.")

    workdir = Path(tempfile.mkdtemp(prefix="pmo-load-"))
    references_file = workdir / "references.txt"
    posted_file = workdir / "posted.txt"
    references_file.write_text("\n".join(free_references(5000)))
    posted_file.write_text("")
    port = free_port()
    workers = 2 * (os.cpu_count() or 1)
    env = {**os.environ, **SERVER_ENV}
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "pmo.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(60):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        prefix = workdir / "locust"
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(max(1, args.users // 5)),
                "--run-time",
                f"{args.seconds}s",
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            check=False,
            env={
                **env,
                "PMO_LOAD_PASSWORD": args.password,
                "PMO_LOAD_REFERENCES": str(references_file),
                "PMO_LOAD_POSTED": str(posted_file),
            },
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    with open(f"{prefix}_stats.csv") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    posted = [line for line in posted_file.read_text().splitlines() if line]
    stored = updates_in_database(posted)
    result = {
        "users": args.users,
        "seconds": args.seconds,
        "gunicorn_workers": workers,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "updates_posted": len(posted),
        "updates_in_database": stored,
        "lost_writes": len(posted) - stored,
    }
    print(json.dumps(result, indent=2))
    Path(args.out).write_text(json.dumps(result, indent=2))
    targets = (
        result["requests_per_second"] >= 150
        and result["p95_ms"] <= 300
        and result["failures"] == 0
        and result["lost_writes"] == 0
    )
    print(
        "Targets (>=150 req/s, p95 <= 300 ms, 0 errors, 0 lost writes):",
        "met" if targets else "not met",
    )


if __name__ == "__main__":
    main()
