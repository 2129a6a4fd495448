"""Benchmark (not a test): import a register of N projects through the web,
as deployed: gunicorn with the Dockerfile's own command line, a Celery
worker on Redis with docker-compose's concurrency, and an HTTP client that
signs in, uploads, polls the progress bar as the page does, confirms and
polls again. Prints each request's time, the progress seen, the worker's
peak memory and the wall time of the check and the import.

    python bench/import_through_gunicorn.py --rows 5000
    python bench/import_through_gunicorn.py --rows 5000 --database-url postgres://...

Needs Redis (--broker, default redis://127.0.0.1:6379/14). The database is a
fresh SQLite file unless --database-url is given; gunicorn and the worker
share it. Results go to bench/import-gunicorn-results.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_register import DEPARTMENTS, _workbook  # noqa: E402 (needs ROOT on the path)
from bench.report_pack import set_up_database  # noqa: E402
from tests.portfolio.import_files import post_form_values  # noqa: E402 (the browser's form)

PASSWORD = "bench-password-not-for-real-use"  # noqa: S105 (a throwaway database)
POLL_SECONDS = 1.0  # as the page's hx-trigger="every 1s"


def _dockerfile_gunicorn(port: int) -> list[str]:
    """The Dockerfile's CMD, bound to a local port instead of 0.0.0.0:8000."""
    line = next(
        line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")
    )
    command = json.loads(line[4:])
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    return [str(Path(sys.executable).with_name(command[0])), *command[1:]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _peak_rss_mib(root_pid: int) -> float:
    """The largest peak resident size among the worker and its children."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        parent = re.search(r"^PPid:\s+(\d+)", text, re.M)
        pid = int(status.parent.name)
        if pid == root_pid or (parent and int(parent.group(1)) == root_pid):
            hwm = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
            peak = max(peak, int(hwm.group(1)) if hwm else 0)
    return peak / 1024


def _seed(rows: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from pmo.permissions import Role
    from portfolio.models import Directorate

    for name in DEPARTMENTS:
        Directorate.objects.get_or_create(name=name)
    users = get_user_model()
    users.objects.bulk_create(
        [users(username=f"sro{n}", first_name="Sro", last_name=str(n)) for n in range(40)]
    )
    pmo = users.objects.create_user("bench-pmo", password=PASSWORD, first_name="Bench")
    pmo.groups.add(Group.objects.get(name=Role.PMO.value))


def main() -> None:  # noqa: PLR0915 (one script, read top to bottom)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/14")
    options = parser.parse_args()

    import requests

    database_url = set_up_database(options.database_url, "pmo-bench-gunicorn-")
    _seed(options.rows)
    workdir = Path(tempfile.mkdtemp(prefix="pmo-bench-gunicorn-run-"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": options.broker,
        "SECRET_KEY": "bench-" * 12,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": base,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "IMPORT_STAGING_DIR": str(workdir / "import-staging"),
        "EMAIL_URL": "consolemail://",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    print("collecting static files, as the Dockerfile does ...")
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=env, check=True)
    gunicorn_command = _dockerfile_gunicorn(port)
    print("gunicorn:", " ".join(gunicorn_command[1:]))
    celery = str(Path(sys.executable).with_name("celery"))
    logs = {name: (workdir / f"{name}.log").open("w") for name in ("gunicorn", "worker")}
    processes = {
        "gunicorn": subprocess.Popen(
            gunicorn_command, cwd=ROOT, env=env, stdout=logs["gunicorn"], stderr=subprocess.STDOUT
        ),
        "worker": subprocess.Popen(
            [celery, "-A", "pmo", "worker", "--concurrency", "2", "-l", "INFO"],
            cwd=ROOT,
            env=env,
            stdout=logs["worker"],
            stderr=subprocess.STDOUT,
        ),
    }
    figures: dict = {"rows": options.rows, "database": database_url.split(":", 1)[0]}
    try:
        figures.update(_run(requests, base, options.rows, processes["worker"].pid))
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()
    gunicorn_log = (workdir / "gunicorn.log").read_text()
    figures["gunicorn_timeouts"] = gunicorn_log.count("WORKER TIMEOUT")
    figures["server_errors"] = len(re.findall(r'HTTP/1\.1" 5\d\d ', gunicorn_log))
    print(f"gunicorn worker timeouts: {figures['gunicorn_timeouts']}; ", end="")
    print(f"responses 500 or over: {figures['server_errors']}")
    out = ROOT / "bench" / "import-gunicorn-results.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"Written to {out.relative_to(ROOT)}; logs in {workdir}")


def _run(requests, base: str, rows: int, worker_pid: int) -> dict:
    session = requests.Session()
    for _ in range(60):  # gunicorn and the worker starting
        try:
            session.get(f"{base}/login/", timeout=5)
            break
        except requests.ConnectionError:
            time.sleep(0.5)
    login = session.get(f"{base}/login/", timeout=30)
    login.raise_for_status()
    signed_in = session.post(
        f"{base}/login/",
        data={
            "username": "bench-pmo",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/login/"},
        timeout=30,
    )
    assert "Sign out" in signed_in.text, "could not sign in"
    content = _workbook(rows)
    print(f"{rows} rows, {len(content) / 1024:.0f} KiB workbook")
    figures: dict = {}
    longest = [0.0]

    def timed(method, url, **kwargs):
        started = time.perf_counter()
        response = session.request(method, url, timeout=300, **kwargs)
        longest[0] = max(longest[0], time.perf_counter() - started)
        return response, time.perf_counter() - started

    session.get(f"{base}/projects/import/", timeout=30)
    response, seconds = timed(
        "POST",
        f"{base}/projects/import/",
        files={"file": ("register.xlsx", content)},
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/projects/import/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    columns_url = base + response.headers["Location"]
    figures["upload_request_seconds"] = round(seconds, 2)
    print(f"  upload: {seconds:6.2f} s (the request: read and stage the columns)")
    page, seconds = timed("GET", columns_url)
    figures["columns_page_seconds"] = round(seconds, 2)
    print(f" columns: {seconds:6.2f} s to show the columns page, with each value to match")
    response, seconds = timed(
        "POST",
        columns_url,
        data=post_form_values(page.text),
        headers={"Referer": columns_url},
        allow_redirects=False,
    )
    assert response.status_code == 302, "the columns as guessed were refused"
    run_url = base + response.headers["Location"]
    figures["columns_request_seconds"] = round(seconds, 2)
    print(f"   match: {seconds:6.2f} s (the request: apply the mapping, enqueue the check)")

    def follow(step: str) -> float:
        started = time.perf_counter()
        seen = []
        while True:
            poll, _ = timed("GET", run_url, headers={"HX-Request": "true", "PMO-Poll": "1"})
            if poll.headers.get("HX-Refresh") == "true":
                break
            done = re.search(r"(\d+)%: ([\d,]+) of ([\d,]+) done", poll.text)
            if done and done.group(1) not in seen:
                seen.append(done.group(1))
                print(f"    {step} {done.group(0)}")
            time.sleep(POLL_SECONDS)
        figures[f"{step}_progress_seen"] = len(seen)
        return time.perf_counter() - started

    seconds = follow("check")
    figures["check_seconds"] = round(seconds, 1)
    print(f"   check: {seconds:6.1f} s in the worker")
    page, seconds = timed("GET", run_url)
    assert "Confirm and import" in page.text, "the check found problems"
    figures["check_page_seconds"] = round(seconds, 2)
    print(f"    page: {seconds:6.2f} s to show the kept check of {rows} rows")
    confirm, seconds = timed(
        "POST",
        run_url,
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": run_url},
        allow_redirects=False,
    )
    assert confirm.status_code == 302
    figures["confirm_request_seconds"] = round(seconds, 2)
    seconds = follow("import")
    figures["import_seconds"] = round(seconds, 1)
    print(f"  import: {seconds:6.1f} s in the worker")
    done, _ = timed("GET", run_url)
    summary = re.search(r"register\.xlsx imported: [^<]+", done.text)
    assert summary, "the import did not finish"
    print(f"  {summary.group(0)}")
    figures["summary"] = summary.group(0)
    figures["longest_request_seconds"] = round(longest[0], 2)
    figures["worker_peak_mib"] = round(_peak_rss_mib(worker_pid), 1)
    print(f"longest request: {longest[0]:.2f} s; worker peak {figures['worker_peak_mib']:.0f} MiB")
    return figures


if __name__ == "__main__":
    main()
