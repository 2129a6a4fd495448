"""/projects/import/: upload, preview, confirm; PMO only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from pmo.permissions import Role
from portfolio import imports
from portfolio.import_views import SESSION_KEY
from portfolio.models import Directorate, Project
from tests.portfolio.factories import DirectorateFactory, ProjectFactory
from tests.portfolio.import_files import XLS_FILE, csv_file, xlsx_file

pytestmark = pytest.mark.django_db

GOOD = [
    ["Project name", "Department", "SRO"],
    ["Family hubs", "Place", ""],
    ["Library hubs", " Neighbourhoods ", "Dana Whitfield"],
]


@pytest.fixture(autouse=True)
def staging(tmp_path, settings):
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"
    return settings.IMPORT_STAGING_DIR


@pytest.fixture
def pmo(client_as):
    DirectorateFactory(name="Place")
    return client_as(Role.PMO)


def upload(client, content, name="register.csv"):
    return client.post("/projects/import/", {"file": SimpleUploadedFile(name, content)})


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
        imports.read_upload("template.xlsx", response.content)
    except imports.ImportRefused as exc:
        refusal = str(exc)
    # Headers only: the sheets are recognised but hold no rows.
    assert refusal is None
    upload_ = imports.read_upload("template.xlsx", response.content)
    assert [(s.name, len(s.rows)) for s in upload_.sheets] == [
        ("Projects", 0),
        ("Milestones", 0),
        ("Risks", 0),
    ]
    assert upload_.ignored_sheets == ["Guidance"]


def test_an_upload_is_previewed_with_what_will_be_created_and_nothing_is_written(pmo):
    response = upload(pmo, csv_file(GOOD))

    assert response.status_code == 302
    assert response["Location"] == "/projects/import/preview/"
    preview = pmo.get("/projects/import/preview/")
    page = preview.content.decode()
    assert "Check the import" in page
    assert "TP-0001 Family hubs" in page and "TP-0002 Library hubs" in page
    assert 'value="Dana Whitfield"' in page
    assert 'value="Neighbourhoods"' in page
    assert Project.objects.count() == 0


def test_confirming_with_the_unknowns_ticked_imports_everything(pmo, staging):
    upload(pmo, csv_file(GOOD))

    response = pmo.post(
        "/projects/import/preview/",
        {"create_people": ["Dana Whitfield"], "create_directorates": ["Neighbourhoods"]},
        follow=True,
    )

    assert response.redirect_chain == [("/projects/import/", 302)]
    assert "register.csv imported: 2 rows created, 0 updated" in response.content.decode()
    assert list(Project.objects.values_list("reference", "title")) == [
        ("TP-0001", "Family hubs"),
        ("TP-0002", "Library hubs"),
    ]
    assert SESSION_KEY not in pmo.session
    assert list(staging.glob("*.json")) == []


def test_confirming_without_ticking_an_unknown_person_writes_nothing(pmo):
    upload(pmo, csv_file(GOOD))

    response = pmo.post("/projects/import/preview/", {"create_directorates": ["Neighbourhoods"]})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported." in page
    assert "Projects row 3, SRO: &#x27;Dana Whitfield&#x27; is not a known person" in page
    assert Project.objects.count() == 0
    assert not Directorate.objects.filter(name="Neighbourhoods").exists()
    # The staged file is kept, so ticking the box and confirming again works.
    response = pmo.post(
        "/projects/import/preview/",
        {"create_people": ["Dana Whitfield"], "create_directorates": ["Neighbourhoods"]},
    )
    assert response.status_code == 302
    assert Project.objects.count() == 2


def test_a_name_not_in_the_staged_file_cannot_be_created(pmo):
    upload(pmo, csv_file(GOOD))

    response = pmo.post(
        "/projects/import/preview/",
        {"create_people": ["Dana Whitfield", "Mallory"], "create_directorates": ["Neighbourhoods"]},
    )

    assert response.status_code == 200
    assert Project.objects.count() == 0


def test_a_file_with_errors_shows_each_row_and_column_and_cannot_be_confirmed(pmo):
    upload(pmo, csv_file([["Title", "Directorate", "Capital"], ["Hub", "Place", "lots"]]))

    response = pmo.get("/projects/import/preview/")
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Projects row 2, Capital: &#x27;lots&#x27; is not an amount of money" in page
    assert "Confirm and import" not in page

    response = pmo.post("/projects/import/preview/", {})
    assert response.status_code == 200
    assert Project.objects.count() == 0


def test_an_update_by_reference_is_shown_then_applied(pmo):
    project = ProjectFactory(number=4, reference="TP-0004", title="Old")
    upload(pmo, xlsx_file({"Projects": [["Reference", "Title"], ["TP-0004", "New"]]}), "r.xlsx")

    page = pmo.get("/projects/import/preview/").content.decode()
    assert "Update" in page and "Title" in page

    pmo.post("/projects/import/preview/", {})
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
    assert SESSION_KEY not in pmo.session


def test_no_file_is_an_error(pmo):
    response = pmo.post("/projects/import/", {})

    assert "Choose a spreadsheet to upload" in response.content.decode()


def test_the_preview_without_an_upload_goes_back_to_the_upload_page(pmo):
    response = pmo.get("/projects/import/preview/")

    assert response.status_code == 302
    assert response["Location"] == "/projects/import/"


def test_a_forged_token_in_the_session_is_ignored(pmo):
    session = pmo.session
    session[SESSION_KEY] = {"token": "../../etc/passwd"}
    session.save()

    response = pmo.get("/projects/import/preview/")

    assert response.status_code == 302


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.FINANCE, Role.VIEWER])
def test_only_pmo_may_import(client_as, role):
    client = client_as(role)

    assert client.get("/projects/import/").status_code == 403
    assert upload(client, csv_file(GOOD)).status_code == 403
    assert client.post("/projects/import/preview/", {}).status_code == 403


def test_a_project_edited_after_the_preview_is_not_overwritten(pmo):
    project = ProjectFactory(number=4, reference="TP-0004", title="Old")
    upload(pmo, csv_file([["Reference", "Title"], ["TP-0004", "From the file"]]))
    pmo.get("/projects/import/preview/")
    # Someone edits the project on its page meanwhile (the edit form bumps the version).
    project.title = "Edited on screen"
    project.version += 1
    project.save()

    response = pmo.post("/projects/import/preview/", {})

    assert response.status_code == 200
    assert "TP-0004 was changed by someone else after you checked this file" in (
        response.content.decode()
    )
    project.refresh_from_db()
    assert project.title == "Edited on screen"
    # Having now seen the current state, confirming again applies the file.
    assert pmo.post("/projects/import/preview/", {}).status_code == 302
    project.refresh_from_db()
    assert project.title == "From the file"


def test_a_second_confirm_of_the_same_upload_imports_nothing_twice(pmo):
    upload(pmo, csv_file([["Title", "Directorate"], ["Hub", "Place"]]))
    token = pmo.session[SESSION_KEY]["token"]
    # A double click: the first confirm has claimed the staged file.
    imports.claim_staged(token)

    response = pmo.post("/projects/import/preview/", {}, follow=True)

    assert Project.objects.count() == 0
    assert "There is no import waiting" in response.content.decode()


def test_the_preview_lists_skipped_columns_and_money_units_first_and_ticks_every_unknown(pmo):
    extra = [["Capital (£m)", "Notes"], ["2.5", "x"], ["", ""]]
    rows = [row + more for row, more in zip(GOOD, extra, strict=True)]
    upload(pmo, csv_file(rows))

    page = pmo.get("/projects/import/preview/").content.decode()

    skipped = page.index("Columns skipped in Projects because they are not recognised: Notes.")
    unit = page.index("Projects, Capital (£m): figures are read in millions of pounds")
    assert "305 is £305,000,000.00" in page
    assert skipped < unit < page.index("What will be imported")
    assert 'value="Dana Whitfield" aria-describedby="create-person-1-hint" checked' in page
    assert 'value="Neighbourhoods" aria-describedby="create-directorate-1-hint" checked' in page


def test_confirming_the_preview_as_shown_imports_the_money_in_its_unit(pmo):
    rows = [row + more for row, more in zip(GOOD, [["Capital (£m)"], ["2.5"], [""]], strict=True)]
    upload(pmo, csv_file(rows))

    response = pmo.post(
        "/projects/import/preview/",
        {"create_people": ["Dana Whitfield"], "create_directorates": ["Neighbourhoods"]},
    )

    assert response.status_code == 302
    assert Project.objects.get(title="Family hubs").capital_investment == 2_500_000
    assert Directorate.objects.filter(name="Neighbourhoods").exists()


def test_an_xls_workbook_is_uploaded_previewed_and_imported(pmo):
    DirectorateFactory(name="MOD")
    response = upload(pmo, XLS_FILE.read_bytes(), name="published-portfolio.xls")
    assert response["Location"] == "/projects/import/preview/"

    confirmed = pmo.post("/projects/import/preview/", {"create_directorates": ["HMRC"]})

    assert confirmed.status_code == 302
    customs = Project.objects.get(title="Customs platform")
    assert customs.capital_investment == 305_400_000
    assert customs.status_updates.get().period.isoformat() == "2023-03-01"
    assert Project.objects.get(title="Defence estates").capital_investment == 12_000_000
