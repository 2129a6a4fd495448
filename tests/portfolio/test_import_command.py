"""`manage.py import_projects FILE [--dry-run]`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portfolio.management.commands.import_projects import Command
from portfolio.models import Directorate, Project
from tests.portfolio.factories import DirectorateFactory, UserFactory
from tests.portfolio.import_files import csv_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(tmp_path):
    DirectorateFactory(name="Place")
    path = tmp_path / "register.csv"
    path.write_bytes(csv_file([["Title", "Directorate", "PM"], ["Hub", "place", "Dana Whitfield"]]))
    return path


def call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_projects", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_prints_what_it_would_do_and_writes_nothing(register):
    out, _ = call(register, "--dry-run", "--create-unknown")

    assert "Projects: 1 rows read as projects" in out
    assert "will add person: Dana Whitfield (Projects row 2, PM)" in out
    assert "Projects row 2: created TP-0001 Hub" in out
    assert (
        "Dry run: would have 1 row created, 0 updated, 1 person added. Nothing was written." in out
    )
    assert Project.objects.count() == 0


def test_it_imports_and_records_the_importer(register):
    pmo = UserFactory(username="pmo")

    out, _ = call(register, "--create-unknown", "--user", "pmo")

    assert "Imported register.csv: 1 row created" in out
    project = Project.objects.get()
    assert project.history.get().history_user == pmo
    assert project.project_manager.get_full_name() == "Dana Whitfield"


def test_problems_are_listed_by_row_and_column_and_nothing_is_written(register):
    with pytest.raises(CommandError, match="1 problem in register.csv: nothing was imported"):
        call(register)

    assert Project.objects.count() == 0


def test_it_exits_non_zero_with_the_errors_on_stderr(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([["Title", "Directorate", "Capital"], ["Hub", "Nowhere", "lots"]]))

    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "import_projects", str(path), "--dry-run"])

    assert exit_.value.code == 1
    stderr = capsys.readouterr().err
    assert "Projects row 2, Directorate: 'Nowhere' is not a known directorate" in stderr
    assert "Projects row 2, Capital: 'lots' is not an amount of money" in stderr
    assert "CommandError: 2 problems in bad.csv: nothing was imported" in stderr


def test_a_refused_file_is_a_clear_error(tmp_path):
    path = tmp_path / "register.pdf"
    path.write_bytes(b"%PDF-1.4")

    with pytest.raises(CommandError, match="register.pdf refused: The file must be a CSV"):
        call(path)


def test_new_names_are_kept_as_written_and_matched_in_any_case(tmp_path):
    path = tmp_path / "register.csv"
    rows = [
        ["Title", "Directorate", "PM"],
        ["Tax data sharing", "HMRC", "DANA WHITFIELD"],
        ["Estates", "MOD", "dana whitfield"],
        ["Customs", "  hmrc ", "Dana Whitfield"],
    ]
    path.write_bytes(csv_file(rows))
    out, _ = call(path, "--create-unknown")
    assert "Imported register.csv: 3 rows created" in out
    names = set(Project.objects.values_list("lead_directorate__name", flat=True))
    assert names == {"HMRC", "MOD"}
    assert Directorate.objects.filter(name__in=["HMRC", "MOD"]).count() == 2
    (person,) = {p.project_manager for p in Project.objects.all()}
    assert person.get_full_name() == "DANA WHITFIELD"  # as first written, not 'Dana Whitfield'


def test_a_mapping_saved_on_the_columns_page_matches_the_file(tmp_path):
    from portfolio.models import SavedMapping

    DirectorateFactory(name="Place")
    path = tmp_path / "return.csv"
    path.write_bytes(
        csv_file([["Scheme", "Department", "Phase"], ["Depot", "Place", "Early planning"]])
    )
    SavedMapping.objects.create(
        name="Monthly return",
        saved_by=UserFactory(),
        mapping={
            "columns": {"projects": {"scheme": {"key": "title", "unit": "£", "month": ""}}},
            "values": {"projects": {"stage": {"early planning": "Idea"}}},
            "day_first": True,
            "as_at": "",
        },
    )

    with pytest.raises(CommandError, match="1 problem in return.csv"):
        call(path)  # from the headers alone, 'Scheme' is no column: no Title
    out, _ = call(path, "--mapping", "Monthly return")

    assert "Projects row 2: created TP-0001 Depot" in out
    assert Project.objects.get().stage == "idea"
    with pytest.raises(CommandError, match="No mapping is saved as 'Other' \\(saved: Monthly"):
        call(path, "--mapping", "Other")
