"""bandit finds no medium or high severity issue in the application code.

A false positive is silenced in place with `# nosec BXXX: reason`.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_reports_no_medium_or_high_findings():
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [
            sys.executable,
            "-m",
            "bandit",
            "-r",
            "pmo",
            "portfolio",
            "benefits",
            "prioritisation",
            "-ll",
            "-q",
            "-c",
            "pyproject.toml",
            "-f",
            "txt",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Issue:" not in result.stdout, result.stdout
