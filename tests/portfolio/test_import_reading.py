"""Reading an uploaded file: what is refused, and how real-world headers map."""

import io
import zipfile

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from pmo.spreadsheets import formula_safe
from portfolio import import_mapping, imports
from portfolio.models import Project
from tests.portfolio.import_files import XLS_FILE, csv_file, xlsx_file


def refusal(filename, content):
    with pytest.raises(imports.ImportRefused) as caught:
        import_mapping.read_upload(filename, content)
    return str(caught.value)


@override_settings(IMPORT_MAX_UPLOAD_BYTES=1000)
def test_it_refuses_a_file_over_the_size_limit():
    content = csv_file([["Title", "Directorate"]] + [["x" * 50, "Place"]] * 30)
    assert "must be" in refusal("register.csv", content)


def test_it_refuses_a_zip_bomb_before_openpyxl_reads_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    message = refusal("register.xlsx", buffer.getvalue())
    assert "refused as unsafe" in message


def test_it_refuses_a_workbook_that_claims_a_huge_unpacked_size(monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 1024)
    content = xlsx_file({"Projects": [["Title", "Lead directorate"], ["A", "Place"]]})
    assert "would unpack to" in refusal("register.xlsx", content)


def test_it_refuses_an_extension_that_is_not_csv_or_xlsx():
    assert "must be a CSV or an Excel workbook" in refusal("register.pdf", b"%PDF-1.4 ...")


def test_it_refuses_a_pdf_renamed_to_xlsx():
    assert "not an Excel workbook" in refusal("register.xlsx", b"%PDF-1.4 binary")


def test_it_refuses_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"jpeg")
    assert "not an Excel workbook" in refusal("register.xlsx", buffer.getvalue())


def test_it_refuses_a_workbook_renamed_to_csv():
    content = xlsx_file({"Projects": [["Title", "Lead directorate"]]})
    assert "called .csv but is a workbook" in refusal("register.csv", content)


def test_an_old_workbook_called_xlsx_is_refused_saying_to_rename_it():
    assert "97-2003" in refusal("register.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)


def test_it_refuses_binary_data_called_csv():
    assert "binary data" in refusal("register.csv", b"Title,\x00\x01\x02")


def test_it_refuses_a_csv_that_is_not_utf8():
    content = csv_file([["Title", "Capital"], ["Hub", "£1,200"]], encoding="cp1252")
    assert "not UTF-8" in refusal("register.csv", content)


def test_it_refuses_a_malformed_csv_with_the_line():
    content = b'Title,Lead directorate\n"Unclosed quote,Place\n'
    assert "malformed near line" in refusal("register.csv", content)


def test_it_refuses_a_file_with_no_recognisable_headers():
    content = csv_file([["Colour", "Size"], ["Red", "Large"]])
    assert "No projects, milestones or risks" in refusal("register.csv", content)


def test_headers_match_whatever_their_case_spacing_and_alias():
    content = csv_file(
        [
            ["Thamesford Council project register", "", ""],
            [" PROJECT   NAME ", "Department", "SRO", "PM", "Capital (£)", "Notes"],
            ["Hub", "Place", "Jo", "Tom", "1", "x"],
        ]
    )
    sheet = import_mapping.read_upload("register.csv", content).sheets[0]
    assert sheet.kind == "projects"
    assert sheet.headers == {
        "title": "PROJECT NAME",
        "lead_directorate": "Department",
        "sponsor": "SRO",
        "project_manager": "PM",
        "capital_investment": "Capital (£)",
    }
    assert sheet.ignored_columns == ["Notes"]
    assert sheet.rows == [
        (
            3,
            {
                "title": "Hub",
                "lead_directorate": "Place",
                "sponsor": "Jo",
                "project_manager": "Tom",
                "capital_investment": "1",
            },
        )
    ]


def test_a_semicolon_separated_csv_is_read():
    content = csv_file([["Title", "Directorate"], ["Hub", "Place"]], delimiter=";")
    assert import_mapping.read_upload("r.csv", content).sheets[0].rows == [
        (2, {"title": "Hub", "lead_directorate": "Place"})
    ]


def test_workbook_sheets_are_recognised_by_name_or_columns_and_guidance_is_skipped():
    content = xlsx_file(
        {
            "Guidance": [["Sheet", "Column"], ["Projects", "Title"]],
            "Register 2026": [["Title", "Lead directorate"], ["Hub", "Place"]],
            "Milestones": [["Project", "Milestone", "Baseline"], ["Hub", "Go live", "01/04/2026"]],
            "RAID": [["Project", "Risk", "Likelihood", "Impact"], ["Hub", "Delay", "3", "4"]],
        }
    )
    upload = import_mapping.read_upload("r.xlsx", content)
    assert [(s.name, s.kind) for s in upload.sheets] == [
        ("Register 2026", "projects"),
        ("Milestones", "milestones"),
        ("RAID", "risks"),
    ]
    assert upload.ignored_sheets == ["Guidance"]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("AMBER", "A"),
        ("Amber/Red", "AR"),
        ("amber - red", "AR"),
        ("Red/Amber", "AR"),
        (" green ", "G"),
        ("A/G", "AG"),
        ("RED", "R"),
    ],
)
def test_a_rag_is_read_however_it_is_written(written, code):
    assert imports.parse_rag(written, "5") == code


def test_a_rag_off_the_three_point_scale_is_refused():
    with pytest.raises(ValueError, match="not on this council's 3-point scale"):
        imports.parse_rag("Amber/Red", "3")


def test_our_own_exports_formula_guard_is_removed_on_the_way_back_in():
    content = csv_file([["Title", "Directorate"], ["'=SUM(A1)", "Place"], ["'Quoted", "Place"]])
    rows = import_mapping.read_upload("r.csv", content).sheets[0].rows
    assert [values["title"] for _, values in rows] == ["=SUM(A1)", "'Quoted"]


@given(st.integers(min_value=1, max_value=999_999))
def test_a_reference_is_read_back_however_it_is_written(number):
    reference = Project.reference_for(number)
    assert imports.parse_reference(reference) == reference
    assert imports.parse_reference(f" tp{number} ") == reference
    assert imports.parse_reference(reference.lower()) == reference


@given(st.text(min_size=1).map(str.strip).filter(lambda t: t and not t.startswith("'")))
def test_text_exported_formula_safe_imports_back_unchanged(text):
    assert imports.clean_text(formula_safe(text)) == text


def test_a_semicolon_csv_with_a_title_row_is_read():
    content = csv_file(
        [["Thamesford register, November"], ["Title", "Directorate"], ["Hub", "Place"]],
        delimiter=";",
    )
    assert import_mapping.read_upload("r.csv", content).sheets[0].rows == [
        (3, {"title": "Hub", "lead_directorate": "Place"})
    ]


def test_semicolons_inside_a_comma_csv_do_not_change_the_separator():
    content = csv_file(
        [["Title", "Services"], ["Hub", "Libraries; Customer Services; Digital; Housing; HR"]]
    )
    assert import_mapping.read_upload("r.csv", content).sheets[0].rows == [
        (2, {"title": "Hub", "services": "Libraries; Customer Services; Digital; Housing; HR"})
    ]


def test_a_sheet_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    content = xlsx_file({"Projects": [["Title", "Lead directorate"]] + [["Hub", "Place"]] * 3})
    assert "more than 3 rows: split the file" in refusal("register.xlsx", content)


def test_blank_rows_keep_the_row_numbers_people_see_in_excel():
    content = xlsx_file(
        {"Projects": [[], ["Title", "Lead directorate"], [], ["Hub", "Place"], [None, None]]}
    )
    assert import_mapping.read_upload("r.xlsx", content).sheets[0].rows == [
        (4, {"title": "Hub", "lead_directorate": "Place"})
    ]


def test_a_formula_with_no_saved_result_is_refused_naming_its_cell():
    # openpyxl writes formulas without a result, as a program-made file has.
    content = xlsx_file(
        {"Projects": [["Title", "Lead directorate", "Capital"], ["A", "Place", "=1000*2"]]},
        text_cells=False,
    )
    message = refusal("register.xlsx", content)
    assert message.startswith("On the Projects sheet, cell C2 holds a formula with no saved result")
    assert "open the workbook in Excel" in message


def test_many_unsaved_formulas_are_named_five_at_a_time():
    rows = [["Title", "Lead directorate", "Capital"]]
    rows += [[f"P{n}", "Place", f"={n}*2"] for n in range(2, 10)]
    message = refusal("register.xlsx", xlsx_file({"Projects": rows}, text_cells=False))
    assert "cells C2, C3, C4, C5, C6 and 3 more hold formulas with no saved result" in message


def test_a_formula_with_a_saved_result_is_read_as_that_result():
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet("Projects")
    sheet.write_row(0, 0, ["Title", "Lead directorate", "Capital"])
    sheet.write_row(1, 0, ["A", "Place"])
    sheet.write_formula(1, 2, "=1000*2", None, 2000)
    workbook.close()
    (projects,) = import_mapping.read_upload("register.xlsx", buffer.getvalue()).sheets
    assert projects.rows[0][1]["capital_investment"] == "2000"


@pytest.mark.parametrize(
    "header, unit",
    [
        ("Capital (£m)", "£m"),
        ("Capital £m", "£m"),
        ("Capital (£ million)", "£m"),
        ("Capital (£k)", "£k"),
        ("Capital (£000s)", "£k"),
        ("Capital £'000", "£k"),
        ("Capital (£bn)", "£bn"),
    ],
)
def test_a_money_header_gives_its_unit(header, unit):
    content = csv_file([["Title", "Lead directorate", header], ["Hub", "Place", "305"]])
    sheet = import_mapping.read_upload("register.csv", content).sheets[0]
    assert sheet.headers["capital_investment"] == header
    assert sheet.units == {"capital_investment": unit}


def test_a_header_in_pounds_has_no_unit_to_apply():
    content = csv_file([["Title", "Lead directorate", "Capital (£)"], ["Hub", "Place", "305"]])
    assert import_mapping.read_upload("register.csv", content).sheets[0].units == {}


def test_a_header_with_a_money_unit_is_never_a_rating_and_bare_topics_are_not_ratings():
    content = csv_file(
        [
            ["Title", "Lead directorate", "Benefits (£m)", "Schedule", "Resources", "Schedule RAG"],
            ["Hub", "Place", "12", "Mar 2027 to Jun 2028", "4 FTE", "Amber"],
        ]
    )
    sheet = import_mapping.read_upload("register.csv", content).sheets[0]
    assert "benefits_rag" not in sheet.headers
    assert "resources_rag" not in sheet.headers
    assert sheet.headers["schedule_rag"] == "Schedule RAG"
    assert sheet.ignored_columns == ["Benefits (£m)", "Schedule", "Resources"]


def test_an_excel_97_2003_workbook_is_read_with_its_dates_and_numbers():
    upload = import_mapping.read_upload("published-portfolio.xls", XLS_FILE.read_bytes())

    assert upload.ignored_sheets == ["Notes"]
    (sheet,) = upload.sheets
    assert sheet.units == {"capital_investment": "£m"}
    assert sheet.rows == [
        (
            4,
            {
                "lead_directorate": "HMRC",
                "title": "Customs platform",
                "capital_investment": "305.4",
                "planned_start": "2024-04-01",
                "rag": "Amber",
                "as_at": "2023-03-31",
                "path_to_green": "Re-plan",
            },
        ),
        (
            5,
            {
                "lead_directorate": "MOD",
                "title": "Defence estates",
                "capital_investment": "12",
                "planned_start": "2023-01-09",
                "rag": "",  # Exempt: no rating
                "as_at": "",
                "path_to_green": "",
            },
        ),
    ]


@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("register.xls", b"PK\x03\x04" + b"\0" * 100, "called .xls but is an .xlsx workbook"),
        ("register.xls", b"Title,Directorate\nHub,Place\n", "called .xls but is not an Excel"),
        ("register.xls", imports.OLE2_SIGNATURE + b"\0" * 600, "could not be opened"),
    ],
)
def test_a_file_called_xls_that_is_not_one_is_refused(filename, content, message):
    assert message in refusal(filename, content)
