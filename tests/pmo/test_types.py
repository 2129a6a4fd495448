"""mypy (with django-stubs) finds no type error in pmo/ and the apps'
services and selectors: the scope and settings are [tool.mypy] in
pyproject.toml. By hand:

    SECRET_KEY=any-50-characters-or-more... .venv/bin/mypy

(the settings want a key outside the tests). A wrong stub is silenced in
place with `# type: ignore[code]` and its reason.
"""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("pmo", "portfolio", "prioritisation", "benefits")


def test_mypy_reports_no_errors():
    # The plugin loads pmo.settings, which outside pytest wants a real
    # SECRET_KEY; mypy only reads it, so any long one does.
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY") or "type-check-" + "x" * 50}
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found"), result.stdout


def test_every_services_and_selectors_module_is_type_checked():
    """A new app's (or subpackage's) services.py and selectors.py join the
    scope, rather than staying unchecked because nobody listed them."""
    files = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"])
    modules = {
        str(path.relative_to(ROOT))
        for app in APPS
        for name in ("services.py", "selectors.py")
        for path in (ROOT / app).rglob(name)
    }
    assert modules, "no services.py or selectors.py found"
    unchecked = {
        module for module in modules if module not in files and module.split("/")[0] not in files
    }
    assert not unchecked, f"add these to [tool.mypy] files in pyproject.toml: {sorted(unchecked)}"
