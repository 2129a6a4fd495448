"""Benchmark harness: page timings, query counts, references, exports, the pack.

    .venv/bin/python bench/run.py                      # full scale (needs PostgreSQL)
    .venv/bin/python bench/run.py --projects 200 --repeat 3 --skip-pack   # a quick run

It builds the data with `seed_demo --scale` (on the database in DATABASE_URL),
then for every main page prints the median server time over repeated
requests, the SQL query count and the response size, each beside two
references measured in the same run: the bare SQL that fetches the same rows
(the floor) and Django admin's changelist for the same model (what a team
would otherwise use). Exports and the monthly pack are timed in child
processes so their peak memory (RSS) is their own.

Results go to bench/results.json and a markdown table (printed, and written
to docs/performance.md with the machine it ran on). Budgets are printed, not
asserted: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
# Production-like settings, plain HTTP to the in-process client.
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

BUDGET_PAGE_MS = 150
BUDGET_QUERIES = 15
BUDGET_REGISTER_FLOOR_RATIO = 3


def _setup_django():
    import django

    django.setup()


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm caches, as a server would be
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def build_data(args) -> dict:
    from django.core.management import call_command

    from portfolio.models import Project

    call_command("migrate", verbosity=0)
    # DEBUG is off, so pages need the hashed static files, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)
    existing = Project.objects.count()
    if existing == 0:
        call_command("seed_demo", password=args.password, stdout=open(os.devnull, "w"))
        existing = Project.objects.count()
    missing = args.projects - existing
    if missing > 0:
        started = time.perf_counter()
        call_command(
            "seed_demo", password=args.password, scale=missing, stdout=open(os.devnull, "w")
        )
        print(f"seeded {missing} synthetic projects in {time.perf_counter() - started:.0f}s")
    _analyse()
    return _data_counts()


def _analyse() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would give a
    production database within minutes."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _data_counts() -> dict:
    from django.apps import apps

    wanted = [
        "portfolio.Project",
        "portfolio.StatusUpdate",
        "portfolio.Risk",
        "portfolio.Milestone",
        "prioritisation.Assessment",
        "benefits.FinancialBenefit",
        "benefits.BenefitYear",
        "pmo.ReportRun",
        "partners.Partner",
    ]
    counts = {}
    for label in wanted:
        try:
            counts[label] = apps.get_model(label).objects.count()
        except LookupError:
            continue
    return counts


def register_floor(where: str) -> list[str]:
    """What the register shows, fetched by hand: the 50 rows with their
    current RAG, last update, directorate and people, the total, and the
    counts by stage and RAG above the table."""
    # Fixed text chosen in this file, never input: S608 does not apply.
    latest = "LEFT JOIN portfolio_statusupdate u ON u.project_id = p.id AND u.is_latest"
    people = (
        "JOIN portfolio_directorate d ON d.id = p.lead_directorate_id"
        " LEFT JOIN auth_user pm ON pm.id = p.project_manager_id"
        " LEFT JOIN auth_user s ON s.id = p.sponsor_id"
    )
    columns = (
        "p.id, p.reference, p.title, p.stage, p.forecast_end, u.delivery_confidence,"
        " u.period, d.name, pm.first_name, pm.last_name, s.first_name, s.last_name"
    )
    rows = f"SELECT {columns} FROM portfolio_project p {latest} {people} {where}"  # noqa: S608
    total = f"SELECT COUNT(*) FROM portfolio_project p {where}"  # noqa: S608
    by_stage = f"SELECT p.stage, u.delivery_confidence, COUNT(*) FROM portfolio_project p {latest} {where} GROUP BY 1, 2"  # noqa: S608, E501
    return [rows + " ORDER BY p.number LIMIT 50", total, by_stage]


def pages() -> list[dict]:
    """Every main page, its bare-SQL floor and its admin reference."""
    from portfolio.models import Project

    project = Project.objects.order_by("number").first()
    return [
        {
            "name": "Dashboard",
            "path": "/",
            "admin": "/admin/portfolio/project/",
            "floor": "SELECT stage, COUNT(*) FROM portfolio_project GROUP BY stage",
        },
        {
            "name": "Register",
            "path": "/projects/",
            "admin": "/admin/portfolio/project/",
            "floor": register_floor(""),
        },
        {
            "name": "Register, filtered",
            "path": "/projects/?stage=delivery&q=review",
            "admin": "/admin/portfolio/project/?stage__exact=delivery&q=review",
            "floor": register_floor(
                "WHERE p.stage = 'delivery' AND (p.title ILIKE '%review%'"
                " OR p.reference ILIKE '%review%' OR p.summary ILIKE '%review%')"
            ),
        },
        {
            "name": "Project detail",
            "path": f"/projects/{project.reference}/",
            "admin": f"/admin/portfolio/project/{project.pk}/change/",
            "floor": f"SELECT * FROM portfolio_statusupdate WHERE project_id = {int(project.pk)}",  # noqa: S608
        },
        {
            "name": "Prioritisation grid",
            "path": "/prioritisation/grid/",
            "admin": "/admin/prioritisation/assessment/",
            "floor": "SELECT * FROM prioritisation_assessment WHERE status = 'moderated'",
        },
        {
            "name": "Ranking",
            "path": "/prioritisation/ranking/",
            "admin": "/admin/prioritisation/assessment/",
            "floor": "SELECT * FROM prioritisation_assessment WHERE status = 'moderated'",
        },
        {
            # PMO's ranking carries a phase form on every row (each reader's
            # CSRF token put into the kept render); CLT's has none.
            "name": "Ranking, as CLT",
            "as": "clt",
            "path": "/prioritisation/ranking/",
            "admin": "/admin/prioritisation/assessment/",
            "floor": "SELECT * FROM prioritisation_assessment WHERE status = 'moderated'",
        },
        {
            "name": "Change load",
            "path": "/prioritisation/capacity/",
            "admin": "/admin/portfolio/service/",
            "floor": (
                "SELECT ps.service_id, p.planned_start, p.forecast_end FROM portfolio_project p"
                " JOIN portfolio_project_services ps ON ps.project_id = p.id"
            ),
        },
        {
            "name": "Benefits tracker",
            "path": "/benefits/",
            "admin": "/admin/benefits/financialbenefit/",
            "floor": "SELECT * FROM benefits_financialbenefit ORDER BY id LIMIT 50",
        },
        {
            "name": "Benefits summary",
            "path": "/benefits/summary/",
            "admin": "/admin/benefits/financialbenefit/",
            "floor": "SELECT * FROM benefits_benefityear",
        },
        {
            "name": "Outcomes",
            "path": "/benefits/outcomes/",
            "admin": "/admin/benefits/nonfinancialbenefit/",
            "floor": "SELECT * FROM benefits_nonfinancialbenefit",
        },
        {
            "name": "Reports",
            "path": "/reports/",
            "admin": "/admin/pmo/reportrun/",
            "floor": "SELECT * FROM pmo_reportrun ORDER BY id DESC LIMIT 50",
        },
        {
            "name": "Partners",
            "path": "/partners/",
            "admin": "/admin/partners/partner/",
            "floor": "SELECT * FROM partners_partner",
        },
    ]


def measure_pages(args) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}

    def signed_in(username: str) -> Client:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(get_user_model().objects.get(username=username))
        return clients[username]

    results = []
    for page in pages():
        row = {"page": page["name"], "path": page["path"]}
        # Pages are read as PMO, who sees most, unless the page says; the
        # admin changelist is always PMO's (staff).
        client = signed_in(page.get("as", "pmo"))
        response = client.get(page["path"])
        row["status"] = response.status_code
        if response.status_code != 200:
            print(f"  {page['name']}: HTTP {response.status_code}, not timed")
            results.append(row)
            continue
        # The budgets are judged on a page rendered afresh, as after a write
        # (pmo/datacache.py); the cached figures are what a reader gets while
        # nothing the page reads has changed.
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"])
        row["queries"] = len(queries)
        row["bytes"] = len(response.content)
        row["median_ms"] = _median_ms(
            lambda p=page["path"], c=client: (cache.clear(), c.get(p)), args.repeat
        )
        client.get(page["path"])
        with CaptureQueriesContext(connection) as queries:
            client.get(page["path"])
        row["cached_queries"] = len(queries)
        row["cached_ms"] = _median_ms(lambda p=page["path"], c=client: c.get(p), args.repeat)

        def floor(statements=page["floor"]):
            with connection.cursor() as cursor:
                for sql in [statements] if isinstance(statements, str) else statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        try:
            row["floor_ms"] = _median_ms(floor, args.repeat)
        except Exception as exc:  # a table that this build does not have
            row["floor_error"] = str(exc).splitlines()[0]
        staff = signed_in("pmo")
        admin = staff.get(page["admin"])
        if admin.status_code == 200:
            row["admin_ms"] = _median_ms(lambda a=page["admin"], c=staff: c.get(a), args.repeat)
        row["missed"] = missed_budgets(page, row, row["median_ms"], row["queries"])
        row["missed_cached"] = missed_budgets(page, row, row["cached_ms"], row["cached_queries"])
        row["within_budget"] = not row["missed"]
        print(
            f"  {page['name']}: {row['median_ms']:.0f} ms, {row['queries']} queries "
            f"(cached {row['cached_ms']:.0f} ms, {row['cached_queries']} queries)"
        )
        results.append(row)
    return results


def missed_budgets(page: dict, row: dict, median_ms: float, queries: int) -> list[str]:
    """The page budgets of issue #8 this page misses at this time and query
    count (rendered afresh, or cached), as short labels."""
    missed = []
    if median_ms > BUDGET_PAGE_MS:
        missed.append(f"> {BUDGET_PAGE_MS} ms")
    if queries > BUDGET_QUERIES:
        missed.append(f"> {BUDGET_QUERIES} queries")
    if page["name"].startswith("Register") and "floor_ms" in row:
        if median_ms > BUDGET_REGISTER_FLOOR_RATIO * row["floor_ms"]:
            missed.append(f"> {BUDGET_REGISTER_FLOOR_RATIO}× SQL")
    if "admin_ms" in row and median_ms >= row["admin_ms"]:
        missed.append("slower than admin")
    return missed


def budget_cell(row: dict) -> str:
    if not row["missed"]:
        return "met"
    # A page served from the cache reads fewer queries than one rendered afresh.
    cached = row["cached_queries"] < row["queries"]
    if cached and not row["missed_cached"]:
        return "met when cached; afresh: " + ", ".join(row["missed"])
    return "not met: " + ", ".join(row["missed_cached"] if cached else row["missed"])


# Exports are measured in a child process each, so their peak RSS is their own.
EXPORTS = {
    "register.xlsx": "/projects/export.xlsx",
    "register.csv": "/projects/export.csv",
    "benefits.xlsx": "/benefits/export.xlsx",
}


def _peak_rss_kib() -> int:
    """This process's peak resident memory since it started (VmHWM). Not
    getrusage's ru_maxrss: Linux carries that over from the forked parent
    through exec, so every child reported the benchmark's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_export(name: str) -> None:
    _setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="pmo"))
    baseline = _peak_rss_kib()
    started = time.perf_counter()
    response = client.get(EXPORTS[name])
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = time.perf_counter() - started
    peak = _peak_rss_kib()
    print(
        json.dumps(
            {
                "export": name,
                "status": response.status_code,
                "seconds": round(elapsed, 3),
                "bytes": len(body),
                "peak_rss_mb": round(peak / 1024, 1),
                "baseline_rss_mb": round(baseline / 1024, 1),
            }
        )
    )


def measure_exports() -> list[dict]:
    results = []
    for name in EXPORTS:
        out = subprocess.run(  # noqa: S603 (our own script)
            [sys.executable, __file__, "--child-export", name],
            capture_output=True,
            text=True,
            check=False,
            env=os.environ.copy(),
        )
        try:
            row = json.loads(out.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            row = {"export": name, "error": (out.stderr or out.stdout)[-500:]}
        print(f"  {name}: {row}")
        results.append(row)
    return results


def measure_pack(args) -> dict:
    """Time a monthly pack through a real Celery worker and read its peak RSS."""
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        return {"skipped": "no CELERY_BROKER_URL: the pack needs a real worker"}
    # bench/report_pack.py builds its own 2,000-project portfolio in a fresh
    # database that the worker process shares (a sibling PostgreSQL database
    # of the benchmark's, or an SQLite file), and reads the worker's peak
    # memory from /proc.
    command = [
        sys.executable,
        str(ROOT / "bench" / "report_pack.py"),
        "--projects",
        str(args.pack_projects),
        "--worker",
    ]
    if database_url := _fresh_pack_database():
        command += ["--database-url", database_url]
    out = subprocess.run(  # noqa: S603 (our own script)
        command,
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
    )
    results = ROOT / "bench" / "pack-results.json"
    if out.returncode or not results.exists():
        return {"error": (out.stderr or out.stdout)[-800:]}
    return json.loads(results.read_text())


def _fresh_pack_database() -> str | None:
    """On PostgreSQL, an empty database beside the benchmark's (its name plus
    "_pack") for the pack's own portfolio; None on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    name = connection.settings_dict["NAME"] + "_pack"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = os.environ["DATABASE_URL"]
    return url.rsplit("/", 1)[0] + "/" + name


def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = connection.vendor
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_gb, 1),
        "python": platform.python_version(),
        "database": database,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        "# Performance",
        "",
        f"Measured {m['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, "
        f"Python {m['python']}, {m['database']}, with `bench/run.py --projects "
        f"{report['args']['projects']} --repeat {report['args']['repeat']}`.",
        "",
        "Data: " + ", ".join(f"{v:,} {k.split('.')[-1]}" for k, v in report["data"].items()),
        "",
        f"Budgets: every page ≤ {BUDGET_PAGE_MS} ms median and ≤ {BUDGET_QUERIES} queries; "
        "register ≤ 3× its bare SQL; every page faster than the admin changelist.",
        "",
        "Median ms and Queries are for the page rendered afresh (as after a write to what it "
        "reads); Cached ms and queries are for the same page while its data is unchanged "
        "(pmo/datacache.py; pages that are not cached show the same figures twice).",
        "",
        "| Page | Median ms | Queries | Cached ms | Cached queries | KB | Bare SQL ms | × SQL "
        "| Admin ms | × admin | Budget |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in report["pages"]:
        if "median_ms" not in row:
            lines.append(f"| {row['page']} | HTTP {row['status']} | | | | | | | | | not met |")
            continue
        floor = row.get("floor_ms")
        admin = row.get("admin_ms")
        median = row["median_ms"]
        cells = [
            row["page"],
            f"{median:.1f}",
            str(row["queries"]),
            f"{row['cached_ms']:.1f}",
            str(row["cached_queries"]),
            f"{row['bytes'] / 1024:.0f}",
            f"{floor:.2f}" if floor else "–",
            f"{median / floor:.0f}" if floor else "–",
            f"{admin:.1f}" if admin else "–",
            f"{median / admin:.2f}" if admin else "–",
            budget_cell(row),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| Export | Seconds | MB peak RSS | Size KB |", "| --- | ---: | ---: | ---: |"]
    for row in report["exports"]:
        if "seconds" in row:
            lines.append(
                f"| {row['export']} | {row['seconds']:.2f} | {row['peak_rss_mb']:.0f} | "
                f"{row['bytes'] / 1024:.0f} |"
            )
        else:
            lines.append(f"| {row['export']} | failed | | |")
    pack = report.get("pack", {})
    lines += ["", f"Monthly pack through a real Celery worker: {json.dumps(pack)}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--password", default="bench-password-2026")
    parser.add_argument("--skip-pack", action="store_true")
    parser.add_argument("--pack-projects", type=int, default=2000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--docs", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--child-export", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_export:
        child_export(args.child_export)
        return
    _setup_django()
    report = {"args": {"projects": args.projects, "repeat": args.repeat}}
    report["data"] = build_data(args)
    report["machine"] = machine()
    print("pages:")
    report["pages"] = measure_pages(args)
    print("exports:")
    report["exports"] = measure_exports()
    report["pack"] = {"skipped": "--skip-pack"} if args.skip_pack else measure_pack(args)
    Path(args.out).write_text(json.dumps(report, indent=2, default=str))
    table = markdown(report)
    print(table)
    if args.docs:
        docs = Path(args.docs)
        docs.parent.mkdir(exist_ok=True)
        docs.write_text(table + _written_by_hand(docs))


def _written_by_hand(docs: Path) -> str:
    """The sections after the generated table (## Load test, the budgets not
    met and why), kept when the table is rewritten."""
    existing = docs.read_text() if docs.exists() else ""
    start = existing.find("\n## ")
    return existing[start:] if start >= 0 else ""


if __name__ == "__main__":
    main()
