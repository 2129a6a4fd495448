"""migrate on the embedded default prints no warnings, and the one warning
silenced there (models.W040) hides only the covering index we know of."""

import subprocess
import sys

from django.apps import apps
from django.conf import settings


def test_only_the_known_index_covers_non_key_columns():
    # SILENCED_SYSTEM_CHECKS hides W040 on SQLite; a second covering index
    # must be looked at (and this list extended) on purpose, not hidden.
    covering = [
        (model._meta.label, index.name)
        for model in apps.get_models()
        for index in model._meta.indexes
        if index.include
    ]
    assert covering == [("benefits.BenefitYear", "benefityear_with_money")]


def test_migrate_on_sqlite_prints_no_system_check_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified" not in result.stdout + result.stderr
