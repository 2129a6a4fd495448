import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from pmo.permissions import Role
from portfolio.models import Stage
from tests.portfolio.factories import (
    DirectorateFactory,
    ProjectFactory,
    ServiceFactory,
    StatusUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://evil")', "+SUM(A1)", "-2+3", "@cmd", "\tTabbed", "\rReturn"]


@pytest.fixture
def register():
    projects = [
        ProjectFactory(
            title=payload,
            funding_source=payload,
            capital_investment=Decimal("1234567.89"),
            revenue_investment=Decimal("0.11"),
            planned_start=datetime.date(2026, 4, 1),
            stage=Stage.DELIVERY,
        )
        for payload in PAYLOADS
    ]
    StatusUpdateFactory(project=projects[0], delivery_confidence="R")
    ProjectFactory(title="Not in delivery", stage=Stage.IDEA)
    return projects


def test_the_xlsx_holds_the_filtered_register_with_real_numbers_and_dates(client_as, register):
    response = client_as(Role.VIEWER).get("/projects/export.xlsx?stage=delivery")
    assert response["Content-Disposition"].startswith('attachment; filename="project-register-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) == 1 + len(PAYLOADS)
    first = dict(zip(header, rows[1], strict=True))
    assert first["Capital investment"] == pytest.approx(1234567.89)
    assert first["Total investment"] == pytest.approx(1234568.00)
    assert first["Planned start"] == datetime.datetime(2026, 4, 1)
    assert first["Delivery confidence"] == "Red"
    cell = sheet.cell(row=2, column=header.index("Capital investment") + 1)
    assert "£" in cell.number_format
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None


def test_the_xlsx_has_no_formula_cells_and_neutralises_injection(client_as, register):
    response = client_as(Role.VIEWER).get("/projects/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    header = [c.value for c in sheet[1]]
    # xlsxwriter stores a carriage return as the OOXML escape _x000D_, which
    # openpyxl leaves as it is; Excel shows it as the character.
    titles = [
        row[header.index("Title")].replace("_x000D_", "\r")
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    for payload in PAYLOADS:
        assert "'" + payload in titles


def test_the_csv_neutralises_injection_in_every_text_column(client_as, register):
    response = client_as(Role.VIEWER).get("/projects/export.csv?stage=delivery")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(PAYLOADS)
    for row, payload in zip(rows, PAYLOADS, strict=True):
        assert row["Title"] == "'" + payload
        assert row["Funding source"] == "'" + payload
        assert row["Capital investment"] == "1234567.89"
        assert row["Planned start"] == "01/04/2026"


def test_exports_follow_the_search_filter(client_as, register):
    response = client_as(Role.VIEWER).get("/projects/export.csv?q=not+in")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Title"] for row in rows] == ["Not in delivery"]


def test_a_row_names_its_people_services_and_choices_as_the_register_does(client_as):
    adults = DirectorateFactory(name="Adults")
    children = DirectorateFactory(name="Children")
    project = ProjectFactory(
        title="Named",
        project_type="efficiency",
        mtfp_category="procurement",
        sponsor=UserFactory(username="sponsor-x", first_name="Ada", last_name="Lovelace"),
        project_manager=UserFactory(username="pm-x", first_name="", last_name=""),
    )
    # Listed by directorate, then name: not in the order they were added.
    project.services.add(
        ServiceFactory(directorate=children, name="Early help"),
        ServiceFactory(directorate=adults, name="Reablement"),
        ServiceFactory(directorate=adults, name="Day care"),
    )
    ProjectFactory(title="Unstaffed", workstream=None, mtfp_category="")

    response = client_as(Role.VIEWER).get("/projects/export.csv")

    rows = {
        row["Title"]: row
        for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    named = rows["Named"]
    assert named["Services affected"] == "Day care; Reablement; Early help"
    assert named["Sponsor"] == "Ada Lovelace"
    assert named["Project manager"] == "pm-x"
    assert named["Type"] == project.get_project_type_display()
    assert named["MTFP savings category"] == project.get_mtfp_category_display()
    assert named["Stage"] == "Delivery"
    assert named["Delivery confidence"] == "No update"
    assert named["Update due"] in ("Yes", "No")
    assert named["Total investment"] == "100000.00"
    unstaffed = rows["Unstaffed"]
    assert (unstaffed["Workstream"], unstaffed["Services affected"]) == ("", "")
    assert (unstaffed["Sponsor"], unstaffed["MTFP savings category"]) == ("", "")
