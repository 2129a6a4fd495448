"""Files exported from other systems, uploaded as they come: Microsoft Project
Online's Project Center (Export to Excel) and its ProjectData OData feed as
Power Query brings it in, and OpenProject's project list (XLS or CSV).

The headers are those the systems write (portfolio/import_columns.py says
where each comes from); the rows are made up."""

import datetime

import pytest

from pmo.spreadsheets import parse_uk_date
from portfolio import import_mapping, imports
from portfolio.import_columns import SHEET_SPECS
from portfolio.import_mapping import SKIP
from portfolio.models import Project, StatusUpdate
from portfolio.rag import RAG
from portfolio.selectors import current_period
from tests.portfolio.factories import DirectorateFactory, ProjectFactory, UserFactory
from tests.portfolio.import_files import csv_file, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return {
        "pmo": UserFactory(username="pmo", first_name="Priya", last_name="Shah"),
        "jo": UserFactory(username="j.barker", first_name="Jo", last_name="Barker"),
        "laura": UserFactory(username="l.grant", first_name="Laura", last_name="Grant"),
        "children": DirectorateFactory(name="Children's Services"),
        "place": DirectorateFactory(name="Place"),
    }


def guessed_keys(filename, content):
    """The field guessed for each named column (a workbook's rows are read
    to its full width, so its empty columns are left off), and the sheet's mapping."""
    raw = import_mapping.read_tables(filename, content)
    (sheet,) = import_mapping.guess_mapping(raw).sheets
    named = [
        choice.key
        for header, choice in zip(raw.sheets[0].headers, sheet.columns, strict=True)
        if header
    ]
    return named, sheet


def run(filename, content, user):
    return imports.run_import(import_mapping.read_upload(filename, content), user=user, commit=True)


def errors_of(outcome):
    return [(e.sheet, e.row, e.column, e.message) for e in outcome.errors]


# --- Microsoft Project Online ---------------------------------------------------

PROJECT_CENTER_HEADERS = [
    "Project Name",
    "Start",
    "Finish",
    "% Complete",
    "Work",
    "Duration",
    "Owner",
    "Baseline Finish",
    "Cost",
    "Actual Cost",
    "Project Departments",
    "Project Status Date",
    "Status Manager",
    "Overall Status",
]


def project_center_export():
    """Project Center, Export to Excel: its dates are date cells (with the
    schedule's time of day), a date never set is NA, work and duration carry
    their units. The sheet is found by its columns, not its name."""
    return xlsx_file(
        {
            "Sheet1": [
                PROJECT_CENTER_HEADERS,
                [
                    "Family hubs",
                    datetime.datetime(2026, 4, 1, 8, 0),
                    datetime.datetime(2027, 9, 30, 17, 0),
                    "45%",
                    "1,240h",
                    "390d",
                    "Jo Barker",
                    datetime.datetime(2027, 6, 30, 17, 0),
                    "£125,000.00",
                    "£40,000.00",
                    "Children's Services",
                    datetime.datetime(2026, 11, 1, 17, 0),
                    "Jo Barker",
                    "Green",
                ],
                [
                    "Garden waste charging",
                    datetime.datetime(2026, 5, 1, 8, 0),
                    datetime.datetime(2027, 3, 31, 17, 0),
                    "0%",
                    "0h",
                    "240d",
                    "Laura Grant",
                    "NA",
                    "£0.00",
                    "£0.00",
                    "Place",
                    "NA",
                    "Laura Grant",
                    "",
                ],
            ]
        }
    )


def test_a_project_center_exports_columns_are_guessed_for_what_they_mean():
    keys, _ = guessed_keys("Project Center.xlsx", project_center_export())

    assert dict(zip(PROJECT_CENTER_HEADERS, keys, strict=True)) == {
        "Project Name": "title",
        "Start": "planned_start",
        # The schedule's finish as it stands is the forecast; the baseline's is the plan.
        "Finish": "forecast_end",
        "% Complete": SKIP,
        "Work": SKIP,
        "Duration": SKIP,
        "Owner": "project_manager",
        "Baseline Finish": "planned_end",
        # The schedule's cost is not one-off capital: the PMO chooses, if anything.
        "Cost": SKIP,
        "Actual Cost": SKIP,
        "Project Departments": "lead_directorate",
        "Project Status Date": SKIP,
        "Status Manager": SKIP,
        "Overall Status": "rag",
    }


def test_a_project_center_export_is_imported(council):
    outcome = run("Project Center.xlsx", project_center_export(), council["pmo"])

    assert errors_of(outcome) == []
    hubs, garden = Project.objects.order_by("number")
    assert (hubs.title, hubs.lead_directorate, hubs.project_manager) == (
        "Family hubs",
        council["children"],
        council["jo"],
    )
    assert (hubs.planned_start, hubs.planned_end, hubs.forecast_end) == (
        datetime.date(2026, 4, 1),
        datetime.date(2027, 6, 30),
        datetime.date(2027, 9, 30),
    )
    assert hubs.capital_investment == 0
    # Never baselined: no planned end, only the schedule's finish.
    assert (garden.project_manager, garden.planned_end, garden.forecast_end) == (
        council["laura"],
        None,
        datetime.date(2027, 3, 31),
    )
    update = StatusUpdate.objects.get()
    assert (update.project, update.delivery_confidence, update.period) == (
        hubs,
        RAG.GREEN,
        current_period(),
    )


ODATA_HEADERS = [
    "ProjectId",
    "ProjectName",
    "ProjectStartDate",
    "ProjectFinishDate",
    "ProjectBaseline0FinishDate",
    "ProjectOwnerName",
    "ProjectDepartments",
    "ProjectPercentCompleted",
    "ProjectCost",
    "ProjectWork",
]


def test_the_projectdata_feeds_field_names_are_read_as_power_query_saves_them(council):
    """_api/ProjectData/Projects loaded by Power Query and saved as CSV: its
    dates keep the feed's time of day."""
    content = csv_file(
        [
            ODATA_HEADERS,
            [
                "7e910f5b-95e2-e111-8d29-00155d35d32e",
                "Family hubs",
                "2026-04-01T08:00:00",
                "2027-09-30T17:00:00",
                "2027-06-30T17:00:00",
                "Jo Barker",
                "Children's Services",
                "45",
                "125000",
                "1240",
            ],
        ]
    )
    keys, _ = guessed_keys("projects.csv", content)
    assert dict(zip(ODATA_HEADERS, keys, strict=True)) == {
        "ProjectId": SKIP,  # a GUID: Project Online's, not a finance or GMPP code
        "ProjectName": "title",
        "ProjectStartDate": "planned_start",
        "ProjectFinishDate": "forecast_end",
        "ProjectBaseline0FinishDate": "planned_end",
        "ProjectOwnerName": "project_manager",
        "ProjectDepartments": "lead_directorate",
        "ProjectPercentCompleted": SKIP,
        "ProjectCost": SKIP,
        "ProjectWork": SKIP,
    }

    outcome = run("projects.csv", content, council["pmo"])

    assert errors_of(outcome) == []
    project = Project.objects.get()
    assert (project.title, project.project_manager, project.lead_directorate) == (
        "Family hubs",
        council["jo"],
        council["children"],
    )
    assert (project.planned_start, project.planned_end, project.forecast_end) == (
        datetime.date(2026, 4, 1),
        datetime.date(2027, 6, 30),
        datetime.date(2027, 9, 30),
    )


def test_a_us_date_with_a_time_of_day_is_turned_day_first_with_its_time():
    # Microsoft's ProjectData reference shows dates as "3/26/2012 8:00:00 AM".
    raw = import_mapping.read_tables(
        "projects.csv",
        csv_file([["Project name", "Start date"], ["Family hubs", "4/1/2026 8:00:00 AM"]]),
    )
    mapping = import_mapping.guess_mapping(raw)
    mapping.day_first = False

    (sheet,) = import_mapping.apply_mapping(raw, mapping).sheets

    assert sheet.rows[0][1]["planned_start"] == "1/4/2026 8:00:00 AM"
    assert parse_uk_date(sheet.rows[0][1]["planned_start"]) == datetime.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2026-04-01T08:00:00", datetime.date(2026, 4, 1)),
        ("2026-04-01T08:00:00.000", datetime.date(2026, 4, 1)),
        ("01/04/2026 17:00", datetime.date(2026, 4, 1)),
        ("1/4/2026 8:00:00 AM", datetime.date(2026, 4, 1)),
        ("23 Nov 2026", datetime.date(2026, 11, 23)),
    ],
)
def test_a_date_with_a_time_of_day_is_that_day(written, day):
    assert parse_uk_date(written) == day


@pytest.mark.parametrize("written", ["31/02/2026 08:00", "08:00", "soon 08:00"])
def test_a_time_of_day_does_not_make_a_date_of_what_is_not_one(written):
    with pytest.raises(ValueError, match="is not a date"):
        parse_uk_date(written)


# --- OpenProject ------------------------------------------------------------------

OPENPROJECT_HEADERS = [
    "ID",
    "Identifier",
    "Name",
    "Status",
    "Status description",
    "Public",
    "Description",
    "Directorate",  # a project attribute the council added
    "Created on",
    "Latest activity at",
]


def openproject_export(*rows, headers=OPENPROJECT_HEADERS):
    """Projects, Export, CSV: comma-separated UTF-8, the header row first."""
    return csv_file([headers, *rows], encoding="utf-8")


OPENPROJECT_ROWS = [
    [
        "12",
        "family-hubs",
        "Family hubs",
        "On track",
        "Hubs open in three wards.",
        "No",
        "Family hubs in every locality.",
        "Children's Services",
        "03/02/2025 10:15 AM",
        "14/11/2026 09:02 AM",
    ],
    [
        "13",
        "garden-waste",
        "Garden waste charging",
        "Not started",
        "",
        "No",
        "Charging for garden waste collection.",
        "Place",
        "01/09/2026 02:40 PM",
        "01/09/2026 02:40 PM",
    ],
    [
        "14",
        "libraries-self-service",
        "Libraries self-service",
        "Finished",
        "Closed at the March board.",
        "Yes",
        "",
        "Place",
        "10/01/2024 11:00 AM",
        "28/03/2026 04:30 PM",
    ],
    [
        "15",
        "street-lighting",
        "Street lighting LED",
        "",  # no status was ever set
        "",
        "No",
        "",
        "Place",
        "05/05/2026 09:00 AM",
        "05/05/2026 09:00 AM",
    ],
]


def test_an_openproject_exports_columns_and_status_words_are_guessed():
    keys, sheet = guessed_keys("projects.csv", openproject_export(*OPENPROJECT_ROWS))

    assert dict(zip(OPENPROJECT_HEADERS, keys, strict=True)) == {
        "ID": SKIP,  # OpenProject's row number; the Identifier is the project's id
        "Identifier": "external_id",
        "Name": "title",
        "Status": "rag",
        "Status description": "progress",
        "Public": SKIP,
        "Description": "summary",
        "Directorate": "lead_directorate",
        "Created on": SKIP,
        "Latest activity at": SKIP,
    }
    # Not started and Finished say where the project is, not how it is going.
    assert sheet.values["rag"] == {"on track": "Green", "not started": "", "finished": ""}


def test_an_openproject_export_is_imported(council):
    outcome = run("projects.csv", openproject_export(*OPENPROJECT_ROWS), council["pmo"])

    assert errors_of(outcome) == []
    projects = list(Project.objects.order_by("number"))
    assert [(p.external_id, p.title, p.lead_directorate.name) for p in projects] == [
        ("family-hubs", "Family hubs", "Children's Services"),
        ("garden-waste", "Garden waste charging", "Place"),
        ("libraries-self-service", "Libraries self-service", "Place"),
        ("street-lighting", "Street lighting LED", "Place"),
    ]
    assert projects[0].summary == "Family hubs in every locality."
    # Only On track is a rating; the others record none.
    update = StatusUpdate.objects.get()
    assert (update.project, update.delivery_confidence, update.progress) == (
        projects[0],
        RAG.GREEN,
        "Hubs open in three wards.",
    )


def test_next_months_openproject_export_updates_the_projects_by_their_identifier(council):
    hubs = ProjectFactory(
        title="Family Hubs Programme", external_id="family-hubs", lead_directorate=council["place"]
    )
    headers = ["ID", "Identifier", "Name", "Status", "Status description"]

    outcome = run(
        "projects.csv",
        openproject_export(
            ["12", "family-hubs", "Family hubs", "On track", "All three open."], headers=headers
        ),
        council["pmo"],
    )

    assert errors_of(outcome) == []
    assert [o.action for o in outcome.rows] == ["updated"]
    hubs.refresh_from_db()
    assert hubs.title == "Family hubs"
    assert Project.objects.count() == 1
    assert hubs.status_updates.get().delivery_confidence == RAG.GREEN


def test_off_track_without_a_path_to_green_is_refused_as_any_red_is(council):
    outcome = run(
        "projects.csv",
        openproject_export(
            ["16", "care-ledger", "Care ledger", "Off track", "Supplier late.", "No", "", "Place"],
            headers=OPENPROJECT_HEADERS[:8],
        ),
        council["pmo"],
    )

    assert errors_of(outcome) == [
        ("Projects", 2, "Path to green", "Enter the path to green: the RAG is Red")
    ]
    assert Project.objects.count() == 0


def test_at_risk_and_off_track_with_a_path_to_green_attribute_are_amber_and_red(council):
    headers = ["ID", "Identifier", "Name", "Status", "Status description", "Directorate"]
    outcome = run(
        "projects.csv",
        openproject_export(
            ["16", "care-ledger", "Care ledger", "Off track", "Late.", "Place", "Re-tender"],
            ["17", "hr-self-service", "HR self-service", "At risk", "", "Place", "Add a tester"],
            headers=[*headers, "Path to green"],
        ),
        council["pmo"],
    )

    assert errors_of(outcome) == []
    ratings = {
        u.project.external_id: (u.delivery_confidence, u.path_to_green)
        for u in StatusUpdate.objects.select_related("project")
    }
    assert ratings == {
        "care-ledger": (RAG.RED, "Re-tender"),
        "hr-self-service": (RAG.AMBER, "Add a tester"),
    }


@pytest.mark.parametrize(
    ("written", "scale", "code"),
    [
        ("On track", "5", RAG.GREEN),
        ("AT RISK", "5", RAG.AMBER),
        ("off  track", "5", RAG.RED),
        ("At risk", "3", RAG.AMBER),
    ],
)
def test_openprojects_status_words_are_ratings(written, scale, code):
    assert imports.parse_rag(written, scale) == code


@pytest.mark.parametrize("written", ["Not started", "FINISHED", "Discontinued", "Not set"])
def test_openprojects_other_status_words_record_no_rating(written):
    assert imports.is_blank_rating(written)
    assert import_mapping.recognise("projects", "rag", written) == ""
    with pytest.raises(ValueError, match="is not a RAG rating"):
        imports.parse_rag(written, "5")


@pytest.mark.parametrize(
    "statuses",
    [
        ["Open", "Closed"],  # a council's own lifecycle column
        ["Green", "Amber"],  # read as before: the words are not OpenProject's
        ["On track", "Paused"],  # not every word is a rating
    ],
)
def test_a_status_column_is_the_rag_only_when_its_words_are_openprojects(statuses):
    content = csv_file(
        [["Title", "Directorate", "Status"], *[["Hub", "Place", status] for status in statuses]]
    )

    keys, _ = guessed_keys("register.csv", content)

    assert keys == ["title", "lead_directorate", SKIP]


def test_a_status_column_does_not_displace_a_rag_column():
    content = csv_file(
        [["Name", "Status", "RAG"], ["Hub", "On track", "Amber"], ["Lib", "At risk", "Red"]]
    )

    keys, _ = guessed_keys("register.csv", content)

    assert keys == ["title", SKIP, "rag"]


def test_a_saved_mapping_that_skipped_the_status_column_is_kept():
    raw = import_mapping.read_tables("projects.csv", openproject_export(*OPENPROJECT_ROWS))
    mapping = import_mapping.guess_mapping(raw)
    mapping.sheets[0].columns[3] = import_mapping.ColumnChoice(SKIP)
    saved = mapping.remembered(raw)

    (sheet,) = import_mapping.guess_mapping(raw, saved).sheets

    assert sheet.columns[3].key == SKIP


@pytest.mark.parametrize("spec", SHEET_SPECS, ids=lambda spec: spec.kind)
def test_no_header_is_accepted_by_two_columns_of_a_sheet(spec):
    claimed: dict[str, str] = {}
    for column in spec.columns:
        for header in column.accepted:
            assert claimed.setdefault(header, column.key) == column.key, header
