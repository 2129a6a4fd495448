"""Files exported from other systems, uploaded as they come."""

import datetime

import pytest

from pmo.spreadsheets import parse_uk_date
from portfolio import import_mapping, imports
from portfolio.rag import RAG
from tests.portfolio.import_files import csv_file


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
