"""Finance's export and import."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from benefits.exports import benefits_workbook
from benefits.models import FinancialBenefit
from benefits.money import fy_label
from pmo.permissions import Role
from tests.benefits.factories import (
    BenefitActualFactory,
    BenefitYearFactory,
    FinancialBenefitFactory,
    this_year,
)
from tests.portfolio.factories import DirectorateFactory, ProjectFactory

pytestmark = pytest.mark.django_db
FY = this_year()


def test_the_workbook_has_each_sheet_labelled_with_its_view():
    benefit = FinancialBenefitFactory(title='=HYPERLINK("http://evil")', recurrence="recurring")
    BenefitYearFactory(
        benefit=benefit, year=FY - 1, plan=Decimal("1000000"), forecast=Decimal("1000000")
    )
    BenefitActualFactory(benefit=benefit, amount=Decimal("123.45"))
    workbook = load_workbook(io.BytesIO(benefits_workbook()))
    assert workbook.sheetnames == [
        "Register",
        "Year profile (incremental)",
        "Budget effect",
        "Actuals ledger",
        "MTFP category x year",
    ]
    profile = workbook["Year profile (incremental)"]
    headers = [c.value for c in profile[1]]
    assert f"Plan {fy_label(FY)} (incremental)" in headers
    assert f"Actual {fy_label(FY)} (incremental)" in headers
    row = [c.value for c in profile[2]]
    assert row[headers.index(f"Plan {fy_label(FY)} (incremental)")] == 0  # new saving only once
    effect = workbook["Budget effect"]
    effect_headers = [c.value for c in effect[1]]
    assert effect[2][effect_headers.index(f"Plan {fy_label(FY)} (budget effect)")].value == 1000000
    assert profile.freeze_panes == "A2" and profile.auto_filter.ref
    money_cell = profile[2][headers.index(f"Plan {fy_label(FY - 1)} (incremental)")]
    assert "£" in money_cell.number_format
    register = workbook["Register"]
    title_cell = register[2][[c.value for c in register[1]].index("Benefit")]
    assert title_cell.data_type == "s" and title_cell.value.startswith("'=")


def test_each_sheet_downloads_as_csv(client_as):
    BenefitYearFactory()
    client = client_as(Role.VIEWER)
    for sheet in ("register", "year-profile", "budget-effect", "actuals", "mtfp-category"):
        response = client.get(f"/benefits/export/{sheet}.csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert client.get("/benefits/export/nonsense.csv").status_code == 404


def _upload(client, rows, name="benefits.csv", **extra):
    if name.endswith(".csv"):
        content = "\n".join(",".join(f'"{v}"' for v in row) for row in rows).encode()
    else:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
    return client.post("/benefits/import/", {"file": SimpleUploadedFile(name, content), **extra})


HEADER = [
    "Project reference",
    "Title",
    "Type",
    "Recurring or one-off",
    "MTFP category",
    "Benefiting directorate",
    f"Plan {fy_label(FY)}",
    f"Plan {fy_label(FY + 1)}",
    f"Plan {fy_label(FY + 2)}",
]


@pytest.fixture
def project():
    return ProjectFactory(lead_directorate=DirectorateFactory(name="Resources"))


def test_the_import_reports_every_bad_row_by_row_and_column_and_writes_nothing(client_as, project):
    client = client_as(Role.FINANCE)
    response = _upload(
        client,
        [
            HEADER,
            [
                project.reference,
                "Good row",
                "Cashable saving",
                "Recurring",
                "Procurement",
                "Resources",
                "£1,200",
                "",
                "",
            ],
            [
                "TP-9999",
                "Bad project",
                "Cashable saving",
                "Recurring",
                "Procurement",
                "Resources",
                "100",
                "",
                "",
            ],
            [
                project.reference,
                "Bad money",
                "Cashable saving",
                "Recurring",
                "Procurement",
                "Resources",
                "lots",
                "",
                "",
            ],
            [
                project.reference,
                "Negative",
                "Cashable saving",
                "Recurring",
                "Procurement",
                "Resources",
                "-5",
                "",
                "",
            ],
        ],
    )
    errors = [(e.row, e.column) for e in response.context["preview"].errors]
    assert (3, "Project reference") in errors
    assert (4, f"Plan {fy_label(FY)}") in errors
    assert (5, f"Plan {fy_label(FY)}") in errors
    assert "Row 4, column ‘Plan" in response.text
    assert "Nothing was imported" in response.text
    assert not FinancialBenefit.objects.exists()


def test_years_outside_the_mtfp_range_are_refused(client_as, project):
    header = HEADER[:6] + [f"Plan {fy_label(FY + 6)}"]
    response = _upload(
        client_as(Role.PMO),
        [
            header,
            [
                project.reference,
                "Far",
                "Cashable saving",
                "Recurring",
                "Procurement",
                "Resources",
                "100",
            ],
        ],
    )
    errors = response.context["preview"].errors
    assert any("outside the MTFP range" in e.message and e.row == 2 for e in errors)


def test_a_cumulative_looking_profile_needs_the_users_reading_before_commit(client_as, project):
    client = client_as(Role.FINANCE)
    response = _upload(
        client,
        [
            HEADER,
            [
                project.reference,
                "Recurring million",
                "Cashable saving",
                "Recurring",
                "Procurement",
                "Resources",
                "1m",
                "2m",
                "3m",
            ],
        ],
        name="benefits.xlsx",
    )
    preview = response.context["preview"]
    assert preview.errors == []
    [warning] = preview.warnings
    assert warning.kind == "cumulative" and "£1,000,000" in warning.reading_text
    assert "looks cumulative" in response.text
    token = preview.token

    refused = client.post("/benefits/import/", {"commit": "1", "token": token})
    assert "Choose how to read this profile" in refused.text
    assert 'name="reading_2"' in refused.text  # the choice is still on the page
    assert not FinancialBenefit.objects.exists()

    done = client.post(
        "/benefits/import/", {"commit": "1", "token": token, "reading_2": "incremental"}
    )
    assert done.status_code == 302
    benefit = FinancialBenefit.objects.get()
    assert dict(benefit.years.values_list("year", "plan")) == {FY: Decimal("1000000.00")}


def test_a_clean_file_imports_every_row(client_as, project):
    client = client_as(Role.PMO)
    response = _upload(
        client,
        [
            HEADER,
            [
                project.reference,
                "A",
                "Cashable saving",
                "Recurring",
                "Procurement",
                "Resources",
                "500k",
                "250k",
                "",
            ],
            [
                project.reference,
                "B",
                "Income generation",
                "One-off",
                "Income generation",
                "Resources",
                "",
                "10000",
                "",
            ],
        ],
    )
    assert response.context["preview"].ok
    client.post("/benefits/import/", {"commit": "1", "token": response.context["preview"].token})
    assert FinancialBenefit.objects.count() == 2
    b = FinancialBenefit.objects.get(title="B")
    assert (b.benefit_type, b.recurrence) == ("income", "one_off")


def test_a_row_the_service_refuses_is_found_by_the_preview_and_nothing_is_imported(
    client_as, project
):
    from tests.portfolio.factories import ServiceFactory

    elsewhere = ServiceFactory(name="Parking Services")  # in another directorate
    header = HEADER[:6] + ["Benefiting service", f"Plan {fy_label(FY)}"]
    client = client_as(Role.PMO)
    response = _upload(
        client,
        [
            header,
            [
                project.reference,
                "Fine",
                "Cashable saving",
                "Recurring",
                "Procurement",
                "Resources",
                "",
                "100",
            ],
            [
                project.reference,
                "Wrong service",
                "Cashable saving",
                "Recurring",
                "Procurement",
                "Resources",
                elsewhere.name,
                "100",
            ],
        ],
    )
    # Only the service's rule sees this one: the preview runs it, and rolls back.
    errors = [(e.row, e.column, e.message) for e in response.context["preview"].errors]
    assert errors == [(3, "Benefiting service", "Choose a service in the benefiting directorate")]
    assert "Nothing was imported" in response.text
    refused = client.post(
        "/benefits/import/", {"commit": "1", "token": response.context["preview"].token}
    )
    assert "Choose a service in the benefiting directorate" in refused.text
    assert "Row 3" in refused.text
    assert not FinancialBenefit.objects.exists()


def test_a_finance_workbook_with_a_title_row_and_its_own_headers_imports(client_as, project):
    from tests.portfolio.factories import UserFactory

    UserFactory(username="s.okafor", first_name="Sam", last_name="Okafor")
    client = client_as(Role.FINANCE)
    response = _upload(
        client,
        [
            ["Savings tracker, December 2026"],
            [],
            [
                "Project",
                "Benefit",
                "Type",
                "Recurrence",
                "Savings category",
                "Department",
                "Owner",
                "FTE",
                f"Plan {fy_label(FY)}",
            ],  # fmt: skip
            [
                project.reference,
                "Agency spend",
                "Cashable saving",
                "Recurring",
                "Procurement",
                "RESOURCES",
                "Sam Okafor",
                "1.5",
                "£12,500.50",
            ],  # fmt: skip
        ],
        name="tracker.xlsx",
    )

    preview = response.context["preview"]
    assert preview.errors == []
    client.post("/benefits/import/", {"commit": "1", "token": preview.token})
    benefit = FinancialBenefit.objects.get()
    assert (benefit.title, benefit.owner.username, benefit.fte_proposed) == (
        "Agency spend",
        "s.okafor",
        Decimal("1.50"),
    )
    assert dict(benefit.years.values_list("year", "plan")) == {FY: Decimal("12500.50")}


def test_blank_and_unknown_cells_are_named_by_row_and_column(client_as, project):
    response = _upload(
        client_as(Role.FINANCE),
        [
            HEADER[:6] + ["Benefit owner", f"Plan {fy_label(FY)}"],
            [
                project.reference,
                "",
                "Cashable saving",
                "Recurring",
                "Procurement",
                "Nowhere",
                "Nobody",
                "100",
            ],  # fmt: skip
        ],
    )

    errors = [(e.row, e.column, e.message) for e in response.context["preview"].errors]
    assert (2, "Benefiting directorate", "No directorate is called 'Nowhere'") in errors
    assert (2, "Benefit owner", "No user is called 'Nobody'") in errors
    assert (2, "Title", "Enter the title") in errors
    assert not FinancialBenefit.objects.exists()
