"""generate_report TYPE YYYY-MM [--publish], for a shell or cron."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from pmo import extensions
from pmo.models import ReportRun, RunStatus
from tests.portfolio.factories import ProjectFactory


@pytest.mark.django_db
def test_it_prints_progress_and_publishes(capsys):
    ProjectFactory()

    call_command("generate_report", "portfolio", "2026-10", "--publish")

    out = capsys.readouterr().out
    run = ReportRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED and run.published
    assert "Generating Monthly portfolio pack October 2026 v1" in out
    assert " 80%  Writing the Excel workbook" in out
    assert "Done: Monthly portfolio pack October 2026 v1, published." in out


@pytest.mark.django_db
def test_a_second_version_is_kept_as_a_draft_and_says_why(capsys):
    ProjectFactory()
    call_command("generate_report", "portfolio", "2026-10", "--publish")

    call_command("generate_report", "portfolio", "2026-10", "--publish")

    out = capsys.readouterr().out
    assert list(ReportRun.objects.order_by("version").values_list("published", flat=True)) == [
        True,
        False,
    ]
    assert (
        "Done: Monthly portfolio pack October 2026 v2, not published: Version 1 of the "
        "October 2026 monthly portfolio pack is already published. A published pack is never "
        "replaced.\n" in out
    )


@pytest.mark.django_db
def test_it_fails_with_the_error_when_a_section_is_missing(monkeypatch):
    without = {a: f for a, f in extensions.PACK_SECTIONS.items() if a != "benefits"}
    monkeypatch.setattr(extensions, "PACK_SECTIONS", without)

    with pytest.raises(CommandError, match="it needs the benefits section"):
        call_command("generate_report", "benefits", "2026-10")

    assert ReportRun.objects.get().status == RunStatus.FAILED


@pytest.mark.django_db
def test_it_refuses_a_month_it_cannot_read():
    with pytest.raises(CommandError, match="'2026-13' is not a month: use YYYY-MM"):
        call_command("generate_report", "portfolio", "2026-13")
    assert not ReportRun.objects.exists()


def test_from_a_shell_it_exits_non_zero_with_the_error():
    finished = subprocess.run(
        [sys.executable, "manage.py", "generate_report", "portfolio", "2026-13"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 1
    assert "'2026-13' is not a month: use YYYY-MM" in finished.stderr
