"""Benchmark (not a test): import a council's register of N projects from an
XLSX file, as the web page does (read, preview, confirm), then import the
same file again; print each step's time and the process's peak memory.

    python bench/import_register.py --rows 5000
    python bench/import_register.py --rows 5000 --database-url postgres://...

It builds its own database (a fresh SQLite file unless --database-url is
given) with the directorates and people the file names, and a workbook in a
published portfolio's shape: costs under a "(£m)" header, acronym
departments, a delivery confidence (some "Exempt") and a path to green.
Results go to bench/import-results.json (git-ignored). The web request that
waits for these steps must outlast them: see the gunicorn timeout in the
Dockerfile and docker-compose.yml.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report_pack import set_up_database  # noqa: E402 (needs ROOT on the path)

DEPARTMENTS = ["HMRC", "MOD", "DfE", "DHSC", "Place", "Children's Services"]
RATINGS = ["Green", "Amber/Green", "Amber", "Amber/Red", "Exempt"]


def _workbook(rows: int) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Projects")
    sheet.append(["Project register, as published"])
    sheet.append(
        ["Project name", "Department", "SRO", "Capital (£m)", "Revenue £k", "DCA", "Path to green"]
    )
    for n in range(rows):
        rating = RATINGS[n % len(RATINGS)]
        sheet.append(
            [
                f"Project {n:05d}",
                DEPARTMENTS[n % len(DEPARTMENTS)],
                f"sro{n % 40}",
                round(0.25 + (n % 97) * 1.5, 2),
                (n % 13) * 10,
                rating,
                "" if rating in ("Green", "Exempt") else "Re-plan the remaining work",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    options = parser.parse_args()

    database_url = set_up_database(options.database_url, "pmo-bench-import-")

    from django.contrib.auth import get_user_model

    from portfolio import import_mapping, imports
    from portfolio.models import Directorate, Project

    for name in DEPARTMENTS:
        Directorate.objects.get_or_create(name=name)
    user_model = get_user_model()
    importer = user_model.objects.create(username="bench-pmo", first_name="Bench")
    user_model.objects.bulk_create(
        [user_model(username=f"sro{n}", first_name="Sro", last_name=str(n)) for n in range(40)]
    )
    content = _workbook(options.rows)
    print(f"{options.rows} rows, {len(content) / 1024:.0f} KiB workbook")

    figures = {"rows": options.rows, "database": database_url.split(":", 1)[0]}

    def step(name, fn):
        started = time.perf_counter()
        value = fn()
        figures[f"{name}_seconds"] = round(time.perf_counter() - started, 2)
        figures[f"{name}_peak_mib"] = round(_peak_mib(), 1)
        print(f"{name:>8}: {figures[f'{name}_seconds']:7.2f} s   peak {_peak_mib():6.0f} MiB")
        return value

    upload = step("read", lambda: import_mapping.read_upload("register.xlsx", content))
    preview = step("preview", lambda: imports.run_import(upload, user=importer, commit=False))
    assert not preview.errors, preview.errors[:3]
    done = step("confirm", lambda: imports.run_import(upload, user=importer, commit=True))
    assert done.committed and Project.objects.count() == options.rows, done.summary()
    again = step("again", lambda: imports.run_import(upload, user=importer, commit=True))
    assert len(again.unchanged) == options.rows, again.summary()
    print(f"confirm: {done.summary()}; again: {again.summary()}")

    out = ROOT / "bench" / "import-results.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
