"""/projects/import/: upload, check, confirm; PMO only.

With no broker the check and the import run in-process as the request
enqueues them (CELERY_TASK_ALWAYS_EAGER), so each step's page shows its
outcome straight away."""

import datetime
import io
import re
from functools import partial

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from pmo.permissions import Role
from portfolio import import_mapping, import_runs, imports
from portfolio.models import (
    Directorate,
    ImportRun,
    ImportStatus,
    Milestone,
    Project,
    SavedMapping,
)
from tests.portfolio.factories import DirectorateFactory, ProjectFactory, UserFactory
from tests.portfolio.import_files import XLS_FILE, csv_file, post_form_values, xlsx_file

pytestmark = pytest.mark.django_db

GOOD = [
    ["Project name", "Department", "SRO"],
    ["Family hubs", "Place", ""],
    ["Library hubs", " Neighbourhoods ", "Dana Whitfield"],
]
BOTH_UNKNOWNS = {"create_people": ["Dana Whitfield"], "create_directorates": ["Neighbourhoods"]}


@pytest.fixture(autouse=True)
def staging(tmp_path, settings):
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"
    return settings.IMPORT_STAGING_DIR


@pytest.fixture
def pmo(client_as, django_capture_on_commit_callbacks):
    DirectorateFactory(name="Place")
    client = client_as(Role.PMO)
    # The page enqueues the task once its row is committed; inside a test's
    # transaction that is when the request is over.
    client.after_commit = partial(django_capture_on_commit_callbacks, execute=True)
    return client


def post(client, url, data=None, **kwargs):
    """POST as the browser does; the task it enqueued has run once it returns."""
    with client.after_commit():
        return client.post(url, data or {}, **kwargs)


def upload(client, content, name="register.csv"):
    return post(client, "/projects/import/", {"file": SimpleUploadedFile(name, content)})


def after(client, url, data) -> str:
    """Send the form, then the page the browser is sent back to."""
    response = post(client, url, data)
    assert response.status_code == 302
    assert response["Location"] == url
    return client.get(url).content.decode()


def mapping_page(client, content, name="register.csv") -> str:
    """Upload a file; the URL of the page that matches its columns."""
    response = upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert re.fullmatch(r"/projects/import/\d+/columns/", response["Location"])
    return response["Location"]


def checked(client, content, name="register.csv", **changes) -> str:
    """Upload a file and take the columns as the page matched them (with any
    changes); the URL of its import's page, where the check is shown."""
    url = mapping_page(client, content, name)
    values = post_form_values(client.get(url).content.decode())
    response = post(client, url, {**values, **changes})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert re.fullmatch(r"/projects/import/\d+/", response["Location"])
    return response["Location"]


def test_the_upload_page_documents_the_columns_and_offers_a_template(pmo):
    response = pmo.get("/projects/import/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Download the import template (XLSX)" in page
    assert "senior responsible owner" in page  # an alias of Sponsor
    assert "Projects sheet: columns" in page


def test_the_template_has_a_sheet_per_kind_that_imports_back_cleanly(pmo):
    response = pmo.get("/projects/import/template.xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    refusal = None
    try:
        import_mapping.read_upload("template.xlsx", response.content)
    except imports.ImportRefused as exc:
        refusal = str(exc)
    # Headers only: the sheets are recognised but hold no rows.
    assert refusal is None
    upload_ = import_mapping.read_upload("template.xlsx", response.content)
    assert [(s.name, len(s.rows)) for s in upload_.sheets] == [
        ("Projects", 0),
        ("Milestones", 0),
        ("Risks", 0),
    ]
    assert upload_.ignored_sheets == ["Guidance"]


def test_an_upload_is_checked_with_what_will_be_created_and_nothing_is_written(pmo):
    url = checked(pmo, csv_file(GOOD))

    page = pmo.get(url).content.decode()
    assert "Check the import" in page
    assert "TP-0001 Family hubs" in page and "TP-0002 Library hubs" in page
    assert 'value="Dana Whitfield"' in page
    assert 'value="Neighbourhoods"' in page
    assert Project.objects.count() == 0
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.READY and run.rows_in_file == 2


def test_the_check_is_kept_and_shown_again_not_run_again(pmo, django_assert_max_num_queries):
    url = checked(pmo, csv_file(GOOD))
    pmo.get(url)
    # Were the check re-run, a project added since would show as a match.
    ProjectFactory(title="Family hubs", lead_directorate=Directorate.objects.get(name="Place"))

    with django_assert_max_num_queries(12):
        page = pmo.get(url).content.decode()

    assert "TP-0001 Family hubs" in page
    assert page.count("Create</strong>") == 2


def test_confirming_with_the_unknowns_ticked_imports_everything(pmo, staging):
    url = checked(pmo, csv_file(GOOD))

    page = after(pmo, url, BOTH_UNKNOWNS)

    assert "register.csv imported: 2 rows created, 0 updated" in page
    assert "View the project register" in page
    assert list(Project.objects.values_list("reference", "title")) == [
        ("TP-0001", "Family hubs"),
        ("TP-0002", "Library hubs"),
    ]
    assert ImportRun.objects.get().status == ImportStatus.IMPORTED
    assert list(staging.iterdir()) == []
    # The upload page lists it, with what it did.
    upload_page = pmo.get("/projects/import/").content.decode()
    assert "Your recent imports" in upload_page
    assert "register.csv imported: 2 rows created, 0 updated" in upload_page


def test_confirming_without_ticking_an_unknown_person_writes_nothing(pmo):
    url = checked(pmo, csv_file(GOOD))

    page = after(pmo, url, {"create_directorates": ["Neighbourhoods"]})

    assert "Nothing was imported." in page
    assert "Projects row 3, SRO: &#x27;Dana Whitfield&#x27; is not a known person" in page
    # The boxes stay as the PMO left them.
    assert 'value="Dana Whitfield" aria-describedby="create-person-1-hint">' in page
    assert 'value="Neighbourhoods" aria-describedby="create-directorate-1-hint" checked' in page
    assert Project.objects.count() == 0
    assert not Directorate.objects.filter(name="Neighbourhoods").exists()
    # The staged file is kept, so ticking the box and confirming again works.
    post(pmo, url, BOTH_UNKNOWNS)
    assert Project.objects.count() == 2


def test_a_name_not_in_the_staged_file_cannot_be_created(pmo):
    url = checked(pmo, csv_file(GOOD))

    post(
        pmo,
        url,
        {"create_people": ["Dana Whitfield", "Mallory"], "create_directorates": ["Neighbourhoods"]},
    )

    assert Project.objects.count() == 0
    assert ImportRun.objects.get().status == ImportStatus.READY


def test_a_file_with_errors_shows_each_row_and_column_and_cannot_be_confirmed(pmo):
    url = checked(pmo, csv_file([["Title", "Directorate", "Capital"], ["Hub", "Place", "lots"]]))

    page = pmo.get(url).content.decode()
    assert "There is a problem" in page
    assert "Projects row 2, Capital: &#x27;lots&#x27; is not an amount of money" in page
    assert "Confirm and import" not in page

    post(pmo, url, {})
    assert Project.objects.count() == 0
    assert ImportRun.objects.get().status == ImportStatus.READY


def test_an_update_by_reference_is_shown_then_applied(pmo):
    project = ProjectFactory(number=4, reference="TP-0004", title="Old")
    workbook = xlsx_file({"Projects": [["Reference", "Title"], ["TP-0004", "New"]]})
    url = checked(pmo, workbook, "r.xlsx")

    page = pmo.get(url).content.decode()
    assert "Update" in page and "Title" in page

    post(pmo, url, {})
    project.refresh_from_db()
    assert project.title == "New"


@override_settings(IMPORT_MAX_UPLOAD_BYTES=100)
def test_a_file_over_the_limit_is_refused_on_the_form(pmo):
    response = upload(pmo, csv_file([["Title", "Directorate"]] + [["Hub", "Place"]] * 20))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "it must be 100 bytes or smaller" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.docx", b"PK\x03\x04whatever", "must be a CSV or an Excel workbook"),
        ("register.xlsx", b"Title,Directorate\nHub,Place\n", "not an Excel workbook"),
        ("register.csv", "Title,Capital\nHub,£5\n".encode("cp1252"), "not UTF-8"),
    ],
)
def test_a_wrong_file_is_refused_with_a_clear_message(pmo, name, content, message):
    response = upload(pmo, content, name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_no_file_is_an_error(pmo):
    response = pmo.post("/projects/import/", {})

    assert "Choose a spreadsheet to upload" in response.content.decode()


def test_another_officers_import_is_not_found(pmo):
    url = checked(pmo, csv_file(GOOD))
    colleague = Client()
    other_pmo = UserFactory(username="second-pmo")
    other_pmo.groups.add(Group.objects.get(name=Role.PMO.value))
    colleague.force_login(other_pmo)

    assert colleague.get(url).status_code == 404
    assert colleague.post(url, BOTH_UNKNOWNS).status_code == 404
    assert Project.objects.count() == 0


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.FINANCE, Role.VIEWER])
def test_only_pmo_may_import(pmo, client_as, role):
    url = checked(pmo, csv_file(GOOD))
    client = client_as(role)

    assert client.get("/projects/import/").status_code == 403
    assert upload(client, csv_file(GOOD)).status_code == 403
    assert client.post(url, BOTH_UNKNOWNS).status_code == 403


def test_a_project_edited_after_the_check_is_not_overwritten_until_checked_again(pmo):
    project = ProjectFactory(number=4, reference="TP-0004", title="Old")
    url = checked(pmo, csv_file([["Reference", "Title"], ["TP-0004", "From the file"]]))
    # Someone edits the project on its page meanwhile (the edit form bumps the version).
    project.title = "Edited on screen"
    project.version += 1
    project.save()

    page = after(pmo, url, {})

    assert "TP-0004 was changed by someone else after you checked this file" in page
    assert "Check the file again" in page
    project.refresh_from_db()
    assert project.title == "Edited on screen"
    # Confirming the same check again is refused again ...
    post(pmo, url, {})
    project.refresh_from_db()
    assert project.title == "Edited on screen"
    # ... but once the file is checked against the project as it is now, it applies.
    page = after(pmo, url, {"action": "check-again"})
    assert "Nothing was imported." not in page and "Confirm and import" in page
    post(pmo, url, {})
    project.refresh_from_db()
    assert project.title == "From the file"


def test_a_second_confirm_of_the_same_upload_imports_nothing_twice(pmo):
    url = checked(pmo, csv_file([["Title", "Directorate"], ["Hub", "Place"]]))

    post(pmo, url, {})
    page = after(pmo, url, {})

    assert Project.objects.count() == 1
    assert "This import is not waiting to be confirmed." in page


def test_a_confirm_sent_while_another_is_importing_is_turned_away(pmo):
    url = checked(pmo, csv_file([["Title", "Directorate"], ["Hub", "Place"]]))
    run = ImportRun.objects.get()
    # A double click: the first Confirm has moved the run on; its task has not run yet.
    assert import_runs.request_import(run, create_people=[], create_directorates=[])

    page = after(pmo, url, {})

    assert "This import is not waiting to be confirmed." in page
    assert "Importing the file" in page
    assert Project.objects.count() == 0


def test_the_progress_is_polled_until_the_step_is_done_then_the_page_reloads(pmo):
    url = checked(pmo, csv_file(GOOD))
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.CHECKING, checked=None)
    import_runs.write_progress(run.token, 1, 4)

    fragment = pmo.get(url, headers={"HX-Request": "true"})

    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in text
    assert 'value="25"' in text and "25%: 1 of 4 done" in text
    assert "<html" not in text
    # Once the check has finished, the poll asks the browser to load the outcome.
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.READY)
    finished = pmo.get(url, headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"


def test_a_step_whose_worker_was_lost_says_so_and_stops_polling(pmo, settings):
    url = checked(pmo, csv_file(GOOD))
    run = ImportRun.objects.get()
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.IMPORTING, started_at=long_ago)

    page = pmo.get(url).content.decode()

    assert "The import worker stopped without finishing, so nothing was imported." in page
    assert "hx-trigger" not in page


def test_a_staged_file_gone_before_the_check_is_a_clear_error(pmo, staging):
    url = checked(pmo, csv_file(GOOD))
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.CHECKING, checked=None)
    imports.discard_staged(run.token)

    import_runs.check(run.pk)

    page = pmo.get(url).content.decode()
    assert "The uploaded file is no longer kept on the server" in page


def test_a_file_gone_before_its_columns_are_matched_says_so_once(pmo):
    url = mapping_page(pmo, csv_file(GOOD))
    imports.discard_staged(ImportRun.objects.get().token)

    response = pmo.get(url, follow=True)

    assert response.redirect_chain == [(url.removesuffix("columns/"), 302)]
    assert "The uploaded file is no longer kept on the server" in response.content.decode()
    assert ImportRun.objects.get().status == ImportStatus.FAILED


def test_an_error_inside_the_task_is_recorded_not_left_polling(pmo, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imports, "run_import", broken)
    url = checked(pmo, csv_file(GOOD))

    page = pmo.get(url).content.decode()

    assert ImportRun.objects.get().status == ImportStatus.FAILED
    assert "Nothing was imported: the import stopped with an error (RuntimeError)" in page


def test_the_check_lists_skipped_columns_and_money_units_first_and_ticks_every_unknown(pmo):
    extra = [["Capital (£m)", "Notes"], ["2.5", "x"], ["", ""]]
    rows = [row + more for row, more in zip(GOOD, extra, strict=True)]
    url = checked(pmo, csv_file(rows))

    page = pmo.get(url).content.decode()

    skipped = page.index("Columns skipped in Projects because they are not recognised: Notes.")
    unit = page.index("Projects, Capital (£m): figures are read in millions of pounds")
    assert "305 is £305,000,000.00" in page
    assert skipped < unit < page.index("What will be imported")
    assert 'value="Dana Whitfield" aria-describedby="create-person-1-hint" checked' in page
    assert 'value="Neighbourhoods" aria-describedby="create-directorate-1-hint" checked' in page


def test_confirming_the_check_as_shown_imports_the_money_in_its_unit(pmo):
    rows = [row + more for row, more in zip(GOOD, [["Capital (£m)"], ["2.5"], [""]], strict=True)]
    url = checked(pmo, csv_file(rows))

    post(pmo, url, BOTH_UNKNOWNS)

    assert Project.objects.get(title="Family hubs").capital_investment == 2_500_000
    assert Directorate.objects.filter(name="Neighbourhoods").exists()


def test_an_xls_workbook_is_uploaded_checked_and_imported(pmo):
    DirectorateFactory(name="MOD")
    url = checked(pmo, XLS_FILE.read_bytes(), name="published-portfolio.xls")

    post(pmo, url, {"create_directorates": ["HMRC"]})

    customs = Project.objects.get(title="Customs platform")
    assert customs.capital_investment == 305_400_000
    assert customs.status_updates.get().period.isoformat() == "2023-03-01"
    assert Project.objects.get(title="Defence estates").capital_investment == 12_000_000


# --- The columns page ----------------------------------------------------------

PUBLISHED = [
    ["Department", "Project name", "Phase", "Cost (£m)", "Notes"],
    ["Place", "Family hubs", "Early planning", "305", "x"],
    ["Place", "Library hubs", "Delivery", "1.5", ""],
]


def test_the_columns_page_shows_each_column_with_its_guess_and_first_values(pmo):
    url = mapping_page(pmo, csv_file(PUBLISHED))

    page = pmo.get(url).content.decode()

    assert "2 rows found in Projects" in page
    assert "Family hubs; Library hubs" in page
    values = post_form_values(page)
    assert [values[f"s0c{j}"] for j in range(5)] == ["lead_directorate", "title", "stage", "", ""]
    assert values["s0v-stage-0"] == "Delivery"
    assert values["s0v-stage-1"] == "?"  # Early planning: not guessed


def test_a_value_not_chosen_is_an_error_and_nothing_is_checked(pmo):
    url = mapping_page(pmo, csv_file(PUBLISHED))

    response = post(pmo, url, post_form_values(pmo.get(url).content.decode()))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose what &#x27;Early planning&#x27; in Phase means" in page
    assert ImportRun.objects.get().status == ImportStatus.MAPPING


def test_the_pmos_choices_are_what_the_check_reads(pmo):
    url = checked(
        pmo,
        csv_file(PUBLISHED),
        **{"s0c3": "capital_investment", "s0c3-unit": "£m", "s0v-stage-1": "Idea"},
    )

    page = pmo.get(url).content.decode()
    assert "Columns skipped in Projects because they are not recognised: Notes." in page
    assert "Projects, Cost (£m): figures are read in millions of pounds" in page
    post(pmo, url, {})
    assert dict(Project.objects.values_list("title", "capital_investment")) == {
        "Family hubs": 305_000_000,
        "Library hubs": 1_500_000,
    }
    assert Project.objects.get(title="Family hubs").stage == "idea"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"s0c4": "title"}, "Title is already chosen for Project name: choose one column for it"),
        ({"s0c1": ""}, "Choose the column of Projects that holds the Title"),
        ({"s0c4": "rag_for_month"}, "Enter the month Notes rates, for example March 2023"),
        ({"s0c4": "rag_for_month", "s0c4-month": "soon"}, "&#x27;soon&#x27; is not a month"),
        ({"as_at": "March 2099"}, "March 2099 is after this month"),
    ],
)
def test_a_mapping_that_cannot_be_read_says_which_column_and_why(pmo, changes, message):
    url = mapping_page(pmo, csv_file(PUBLISHED))
    values = {**post_form_values(pmo.get(url).content.decode()), "s0v-stage-1": "Idea"}

    response = post(pmo, url, {**values, **changes})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportRun.objects.get().status == ImportStatus.MAPPING


def test_a_column_changed_to_a_choice_has_its_values_shown_to_check(pmo):
    url = mapping_page(pmo, csv_file(PUBLISHED))
    values = {**post_form_values(pmo.get(url).content.decode()), "s0v-stage-1": "Idea"}

    response = post(pmo, url, {**values, "s0c4": "mtfp_category"})

    page = response.content.decode()
    assert "Check what the values in MTFP category mean, below" in page
    assert "What the values in Notes mean" in page
    assert post_form_values(page)["s0v-mtfp_category-0"] == "?"  # 'x' is no category


def test_showing_the_fields_for_a_change_checks_nothing(pmo):
    url = mapping_page(pmo, csv_file(PUBLISHED))
    values = {**post_form_values(pmo.get(url).content.decode()), "s0v-stage-1": "Idea"}

    response = post(pmo, url, {**values, "s0c3": "capital_investment", "action": "refresh"})

    assert response.status_code == 200
    assert "Figures in" in response.content.decode()
    assert post_form_values(response.content.decode())["s0c3-unit"] == "£m"  # from the header
    assert ImportRun.objects.get().status == ImportStatus.MAPPING


def test_a_saved_mapping_is_offered_for_next_months_file(pmo):
    changes = {"s0c3": "capital_investment", "s0v-stage-1": "Idea", "save_as": "Monthly return"}
    checked(pmo, csv_file(PUBLISHED), **changes)
    saved = SavedMapping.objects.get()
    assert saved.name == "Monthly return"

    url = mapping_page(pmo, csv_file(PUBLISHED))
    page = pmo.get(url).content.decode()

    assert "This page started from “Monthly return”" in page
    values = post_form_values(page)
    assert values["s0c3"] == "capital_investment" and values["s0v-stage-1"] == "Idea"
    plain = post_form_values(pmo.get(f"{url}?saved=none").content.decode())
    assert plain["s0c3"] == "" and plain["s0v-stage-1"] == "?"


def test_saving_under_a_name_in_use_replaces_that_mapping(pmo):
    checked(pmo, csv_file(PUBLISHED), **{"s0v-stage-1": "Idea", "save_as": "Return"})
    checked(pmo, csv_file(PUBLISHED), **{"s0v-stage-1": "Closed", "save_as": "Return"})

    saved = SavedMapping.objects.get()
    assert saved.mapping["values"]["projects"]["stage"]["early planning"] == "Closed"


def test_the_check_can_go_back_to_the_columns_as_they_were_chosen(pmo):
    url = checked(pmo, csv_file(PUBLISHED), **{"s0c3": "capital_investment", "s0v-stage-1": "Idea"})

    response = post(pmo, url, {"action": "change-columns"})

    columns = f"{url}columns/"
    assert response["Location"] == columns
    assert pmo.get(url)["Location"] == columns  # the run page sends the PMO back there
    values = post_form_values(pmo.get(columns).content.decode())
    assert values["s0c3"] == "capital_investment" and values["s0v-stage-1"] == "Idea"
    assert post(pmo, columns, values)["Location"] == url
    assert ImportRun.objects.get().status == ImportStatus.READY


def test_the_columns_page_of_a_checked_import_sends_the_pmo_to_the_check(pmo):
    url = checked(pmo, csv_file(GOOD))

    assert pmo.get(f"{url}columns/")["Location"] == url


def test_another_officers_columns_page_is_not_found(pmo):
    url = mapping_page(pmo, csv_file(GOOD))
    other = UserFactory(username="other.pmo")
    other.groups.add(Group.objects.get(name=Role.PMO.value))
    client = Client()
    client.force_login(other)

    assert client.get(url).status_code == 404


# --- Importing the valid rows, and a file of the rest ----------------------------

SOME_BAD = {
    "Projects": [
        ["Title", "Directorate", "Capital"],
        ["Family hubs", "Place", "£1,200.50"],
        ["Library hubs", "Place", "lots"],
        ["Depot", "Place", ""],
    ],
    "Milestones": [
        ["Project", "Milestone", "Baseline date"],
        ["Library hubs", "First hub open", "31/03/2027"],
        ["Depot", "Depot open", "31/13/2027"],
    ],
}


def test_a_file_with_problems_in_some_rows_offers_to_import_the_others(pmo):
    url = checked(pmo, xlsx_file(SOME_BAD), "register.xlsx")

    page = pmo.get(url).content.decode()

    assert "2 rows of 5 have no problems" in page
    assert "Import the 2 rows without problems" in page
    assert "Download the 3 rows with problems (XLSX)" in page
    assert "Confirm and import" not in page


def test_all_or_nothing_stays_the_default_when_some_rows_have_problems(pmo):
    url = checked(pmo, xlsx_file(SOME_BAD), "register.xlsx")

    post(pmo, url, {})

    assert Project.objects.count() == 0
    assert ImportRun.objects.get().status == ImportStatus.READY


def test_the_valid_rows_are_imported_and_the_rest_downloaded_beside_their_problems(pmo):
    url = checked(pmo, xlsx_file(SOME_BAD), "register.xlsx")

    page = after(pmo, url, {"action": "import-valid"})

    assert "register.xlsx imported: 1 row created, 0 updated" not in page
    assert "2 rows created, 0 updated; 3 rows with problems left out" in page
    # Depot's row is good; only its milestone has a problem.
    assert sorted(Project.objects.values_list("title", flat=True)) == ["Depot", "Family hubs"]
    assert not Milestone.objects.exists()
    response = pmo.get(f"{url}problems.xlsx")
    assert response["Content-Disposition"].endswith('filename="register - rows with problems.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Projects", "Milestones"]
    header = next(workbook["Projects"].iter_rows(values_only=True))
    assert list(header) == ["Title", "Directorate", "Capital", "Problems"]
    problems = [list(r) for r in workbook["Projects"].iter_rows(min_row=2, values_only=True)]
    assert problems[0][:3] == ["Library hubs", "Place", "lots"]
    assert problems[0][3].startswith("Capital: 'lots' is not an amount of money")
    milestones = [list(r) for r in workbook["Milestones"].iter_rows(min_row=2, values_only=True)]
    assert [row[:3] for row in milestones] == [
        ["Library hubs", "First hub open", "31/03/2027"],
        ["Depot", "Depot open", "31/13/2027"],
    ]
    assert all(row[3] for row in milestones)


def test_the_corrected_rows_file_imports_its_columns_and_skips_the_problems(pmo):
    url = checked(pmo, xlsx_file(SOME_BAD), "register.xlsx")
    after(pmo, url, {"action": "import-valid"})
    workbook = openpyxl.load_workbook(io.BytesIO(pmo.get(f"{url}problems.xlsx").content))
    workbook["Projects"]["C2"] = "£500"
    workbook["Milestones"]["C3"] = "31/12/2027"
    buffer = io.BytesIO()
    workbook.save(buffer)

    again = checked(pmo, buffer.getvalue(), "register - rows with problems.xlsx")

    page = pmo.get(again).content.decode()
    assert "Columns skipped in Projects because they are not recognised: Problems." in page
    post(pmo, again, {})
    assert sorted(Project.objects.values_list("title", flat=True)) == [
        "Depot",
        "Family hubs",
        "Library hubs",
    ]
    assert dict(Milestone.objects.values_list("project__title", "baseline_date")) == {
        "Library hubs": datetime.date(2027, 3, 31),
        "Depot": datetime.date(2027, 12, 31),
    }


def test_a_file_whose_every_row_has_a_problem_offers_no_partial_import(pmo):
    url = checked(pmo, csv_file([["Title", "Directorate", "Capital"], ["Hub", "Place", "lots"]]))

    page = pmo.get(url).content.decode()

    assert "not an amount of money" in page
    assert "without problems" not in page
    post(pmo, url, {"action": "import-valid"})
    assert Project.objects.count() == 0


def test_a_file_with_no_problems_has_no_problems_download(pmo):
    url = checked(pmo, csv_file(GOOD))

    assert pmo.get(f"{url}problems.xlsx").status_code == 404
