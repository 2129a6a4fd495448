"""The mapping step's arithmetic: the guess from a file's headers and words,
applying the PMO's choices, saved mappings, and a row of months' ratings."""

import datetime

import pytest
from django.utils import timezone

from portfolio import import_mapping, imports
from portfolio.import_mapping import RAG_FOR_MONTH, ColumnChoice
from portfolio.models import StatusUpdate
from tests.portfolio.factories import DirectorateFactory, UserFactory
from tests.portfolio.import_files import csv_file

PUBLISHED = [
    ["Department", "Project name", "Phase", "Cost (£m)", "DCA Sep 2022", "DCA", "Start", "Notes"],
    ["HMRC", "Customs", "Early planning", "305", "Red", "Exempt", "03/31/2026", "x"],
    ["MOD", "Estates", "Delivery", "1.5", "AMBER", "Green", "04/01/2026", ""],
]


def raw_file(rows=PUBLISHED):
    return import_mapping.read_tables("published.csv", csv_file(rows))


def test_the_guess_reads_fields_units_months_and_the_words_it_knows():
    raw = raw_file()
    (sheet,) = import_mapping.guess_mapping(raw).sheets

    assert [c.key for c in sheet.columns] == [
        "lead_directorate",
        "title",
        "stage",
        "",  # "Cost (£m)" is not a column we know: the PMO chooses
        RAG_FOR_MONTH,
        "rag",
        "planned_start",
        "",
    ]
    assert sheet.columns[4].month == "2022-09"
    # Ratings share one list of words, month columns with the RAG.
    assert sheet.values["rag"] == {"red": "Red", "amber": "Amber", "exempt": "", "green": "Green"}
    # 'Early planning' is not a stage the import knows, so it is not guessed.
    assert sheet.values["stage"] == {"delivery": "Delivery"}


@pytest.mark.parametrize(
    ("header", "month"),
    [
        ("DCA March 2023", "2023-03"),
        ("RAG (Mar-23)", "2023-03"),
        ("Delivery confidence as at 03/2023", "2023-03"),
        ("Sep 2022 RAG", "2022-09"),
        ("DCA", ""),
        ("Benefits March 2023", ""),
        ("Start March 2023", ""),
    ],
)
def test_a_months_rating_column_is_known_by_its_header(header, month):
    assert import_mapping.month_of_rating_header(header) == month


def test_applying_the_mapping_gives_the_import_its_words_units_dates_and_months():
    raw = raw_file()
    mapping = import_mapping.guess_mapping(raw)
    sheet = mapping.sheets[0]
    sheet.columns[3] = ColumnChoice("capital_investment", "£m")
    sheet.values["stage"]["early planning"] = "Idea"
    mapping.day_first = False

    (applied,) = import_mapping.apply_mapping(raw, mapping).sheets

    assert applied.units == {"capital_investment": "£m"}
    assert applied.headers["rag_for:2022-09"] == "DCA Sep 2022"
    assert applied.ignored_columns == ["Notes"]
    assert applied.rows[0] == (
        2,
        {
            "lead_directorate": "HMRC",
            "title": "Customs",
            "stage": "Idea",
            "capital_investment": "305",
            "rag_for:2022-09": "Red",
            "rag": "",
            "planned_start": "31/03/2026",
        },
    )
    assert applied.rows[1][1]["rag_for:2022-09"] == "Amber"
    assert applied.rows[1][1]["planned_start"] == "01/04/2026"


def test_a_month_for_the_whole_file_is_each_ratings_as_at_unless_the_row_has_its_own():
    raw = raw_file(
        [
            ["Project name", "DCA", "DCA date", "Path to green"],
            ["Customs", "Amber", "", "Re-plan"],
            ["Estates", "Amber", "June 2023", "Re-plan"],
        ]
    )
    mapping = import_mapping.guess_mapping(raw)
    mapping.as_at = "2023-03"

    (applied,) = import_mapping.apply_mapping(raw, mapping).sheets

    assert [values["as_at"] for _, values in applied.rows] == ["2023-03", "June 2023"]


def test_a_saved_mapping_follows_its_headers_when_next_months_file_moves_them():
    raw = raw_file()
    mapping = import_mapping.guess_mapping(raw)
    mapping.sheets[0].columns[3] = ColumnChoice("capital_investment", "£m")
    mapping.sheets[0].columns[0] = ColumnChoice("")  # Department skipped this time
    mapping.sheets[0].values["stage"]["early planning"] = "Idea"
    saved = mapping.remembered(raw)
    moved = [[row[3], row[1], row[2], row[0]] for row in PUBLISHED]

    (sheet,) = import_mapping.guess_mapping(raw_file(moved), saved).sheets

    assert [(c.key, c.unit) for c in sheet.columns] == [
        ("capital_investment", "£m"),
        ("title", "£"),
        ("stage", "£"),
        ("", "£"),
    ]
    assert sheet.values["stage"] == {"delivery": "Delivery", "early planning": "Idea"}


def test_a_saved_choice_of_a_column_the_sheet_does_not_have_is_not_used():
    raw = raw_file()
    saved = {"columns": {"projects": {"phase": {"key": "no_such", "unit": "£", "month": ""}}}}

    (sheet,) = import_mapping.guess_mapping(raw, saved).sheets

    assert sheet.columns[2].key == "stage"


@pytest.mark.django_db
def test_a_row_of_months_ratings_builds_the_history_and_again_changes_nothing():
    DirectorateFactory(name="Place")
    pmo = UserFactory(username="pmo")
    raw = raw_file(
        [
            ["Project name", "Directorate", "RAG Sep 2022", "RAG Dec 2022", "RAG Mar 2023"],
            ["Customs", "Place", "Red", "Amber/Red", "Green"],
            ["Estates", "Place", "Exempt", "", "Amber"],
        ]
    )
    upload = import_mapping.apply_mapping(raw, import_mapping.guess_mapping(raw))

    outcome = imports.run_import(upload, user=pmo, commit=True)

    assert outcome.errors == []
    assert outcome.status_updates == [
        "TP-0001 Red, September 2022",
        "TP-0001 Amber/Red, December 2022",
        "TP-0001 Green, March 2023",
        "TP-0002 Amber, March 2023",
    ]
    history = StatusUpdate.objects.filter(project__title="Customs").order_by("period")
    assert [(u.period, u.delivery_confidence, u.cost_rag) for u in history] == [
        (datetime.date(2022, 9, 1), "R", "R"),
        (datetime.date(2022, 12, 1), "AR", "AR"),
        (datetime.date(2023, 3, 1), "G", "G"),
    ]
    assert history[0].path_to_green == "Not given in published.csv, which gave this rating."
    assert [u.is_latest for u in history] == [False, False, True]

    again = imports.run_import(upload, user=pmo, commit=True)

    assert again.errors == [] and again.status_updates == []
    assert StatusUpdate.objects.count() == 4


@pytest.mark.django_db
def test_a_months_rating_after_this_month_is_an_error_by_row_and_column():
    DirectorateFactory(name="Place")
    next_month = timezone.localdate().replace(day=28) + datetime.timedelta(days=5)
    raw = raw_file(
        [
            ["Project name", "Directorate", f"RAG {next_month:%b %Y}"],
            ["Customs", "Place", "Red"],
        ]
    )
    upload = import_mapping.apply_mapping(raw, import_mapping.guess_mapping(raw))

    outcome = imports.run_import(upload, user=UserFactory(), commit=True)

    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (
            2,
            f"RAG {next_month:%b %Y}",
            f"{next_month:%B %Y} is after this month: a RAG is reported on a month gone by",
        )
    ]
    assert not outcome.committed


def test_the_columns_page_shows_a_spreadsheets_dates_in_the_uk_style():
    raw = raw_file([["Title", "Start"], ["Hub", "2027-03-31"], ["Depot", "31/03/2027"]])

    assert raw.sheets[0].examples(1) == ["31 Mar 2027", "31/03/2027"]
