"""`pip install .` builds: pyproject.toml names the apps as the packages,
where setuptools' discovery alone refuses a flat layout with many top-level
packages."""

import subprocess
import sys
import zipfile

from django.conf import settings


def test_the_project_builds_a_wheel_of_the_apps_and_nothing_else(tmp_path):
    # --no-build-isolation uses the setuptools already in the environment, so
    # this needs no network.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(settings.BASE_DIR),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    [wheel] = tmp_path.glob("transformation_pmo-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if "/" in name and ".dist-info" not in name}
    assert top_level == {"pmo", "portfolio", "prioritisation", "benefits"}
    assert "portfolio/partners/migrations/0001_initial.py" in names
    assert "benefits/migrations/0001_initial.py" in names
    assert "prioritisation/static/prioritisation/present.js" in names
