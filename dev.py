#!/usr/bin/env python3.11
"""The README's two set-up commands, with nothing but Python 3.11 needed.

    python3.11 dev.py demo   # venv, install, migrate, demo council, serve on :8000
    python3.11 dev.py test   # venv, install, the whole test suite
    python3.11 dev.py bench  # venv, install, bench/run.py (needs DATABASE_URL)

The virtualenv lives in .venv and is reinstalled only when requirements.lock
changes. Extra arguments after `test` go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".requirements.sha256"


def run(*args: str | os.PathLike, env: dict | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)  # noqa: S603
    if result.returncode:
        sys.exit(result.returncode)


def ensure_venv() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Python 3.11 is required (this is {sys.version.split()[0]}).")
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", LOCK)
        STAMP.write_text(wanted)


def demo() -> None:
    ensure_venv()
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    run(PYTHON, "manage.py", "migrate", "--no-input", env=env)
    run(PYTHON, "manage.py", "seed_demo", *sys.argv[2:], env=env)
    print("Serving the demo council at http://127.0.0.1:8000 (Ctrl+C to stop)", flush=True)
    os.execve(str(PYTHON), [str(PYTHON), "manage.py", "runserver", "127.0.0.1:8000"], env)  # noqa: S606


def test() -> None:
    ensure_venv()
    os.chdir(ROOT)
    os.execv(str(PYTHON), [str(PYTHON), "-m", "pytest", *sys.argv[2:]])  # noqa: S606


def bench() -> None:
    """bench/run.py with its arguments (see its docstring)."""
    ensure_venv()
    os.chdir(ROOT)
    os.execv(str(PYTHON), [str(PYTHON), "bench/run.py", *sys.argv[2:]])  # noqa: S606


COMMANDS = {"demo": demo, "test": test, "bench": bench}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]]()
