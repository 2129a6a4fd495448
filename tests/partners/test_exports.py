"""CSV and XLSX exports of partners, engagements and reviews: formula-safe,
and without cost columns for roles that may not see partner costs."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from pmo.permissions import Role
from tests.partners.factories import (
    EngagementCostFactory,
    EngagementFactory,
    PartnerFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.fixture
def hostile():
    """Every text field a user can type into starts with a formula trigger."""
    for n, payload in enumerate(PAYLOADS):
        partner = PartnerFactory(name=f"{payload} partner {n}", contacts=payload, notes=payload)
        engagement = EngagementFactory(
            partner=partner,
            title=payload,
            deliverables=payload,
            kt_skills=payload,
            kt_counterpart=payload,
            kt_evidence=payload,
        )
        EngagementCostFactory(
            engagement=engagement, financial_year=2025, partner_cost=Decimal("1234.56")
        )
        ReviewFactory(partner=partner, narrative=payload, agreed_actions=payload)


def _workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _cells(workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


@pytest.mark.parametrize("dataset", ["partners", "engagements", "reviews"])
def test_xlsx_exports_have_no_formulas_and_neutralise_payloads(client_as, hostile, dataset):
    response = client_as(Role.PMO).get(f"/partners/export/{dataset}.xlsx")
    assert response.status_code == 200
    workbook = _workbook(response)
    cells = list(_cells(workbook))
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    # XLSX stores a carriage return as _x000D_ (Excel decodes it; openpyxl does not).
    texts = [c.value.replace("_x000D_", "\r") for c in cells if isinstance(c.value, str)]
    for payload in PAYLOADS:
        assert "'" + payload in texts or any(t.startswith("'" + payload) for t in texts), payload
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)


@pytest.mark.parametrize("dataset", ["partners", "engagements", "reviews"])
def test_csv_exports_neutralise_payloads(client_as, hostile, dataset):
    response = client_as(Role.PMO).get(f"/partners/export/{dataset}.csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    values = [v for row in rows[1:] for v in row]
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in values)
    assert '\'=HYPERLINK("http://x")' in values or any(v.startswith("'=HYPERLINK") for v in values)


def test_the_engagement_export_reconciles_to_the_penny(client_as):
    engagement = EngagementFactory(
        title="Front door",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2027, 3, 31),
    )
    EngagementCostFactory(
        engagement=engagement,
        financial_year=2025,
        partner_cost=Decimal("100000.10"),
        internal_cost=Decimal("5"),
    )
    EngagementCostFactory(
        engagement=engagement, financial_year=2026, partner_cost=Decimal("50000.25")
    )
    workbook = _workbook(client_as(Role.FINANCE).get("/partners/export/engagements.xlsx"))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["Partner cost 2025/26"] == pytest.approx(100000.10)
    assert row["Partner cost 2026/27"] == pytest.approx(50000.25)
    assert row["Partner cost total"] == pytest.approx(150000.35)
    assert row["Internal cost total"] == pytest.approx(5)
    assert isinstance(row["Start"], datetime.datetime)
    csv_text = (
        client_as(Role.FINANCE).get("/partners/export/engagements.csv").content.decode("utf-8-sig")
    )
    assert "150000.35" in csv_text


@pytest.mark.parametrize("dataset", ["partners", "engagements"])
def test_exports_leave_out_costs_for_roles_that_may_not_see_them(client_as, hostile, dataset):
    for role, sees in [
        (Role.PMO, True),
        (Role.FINANCE, True),
        (Role.VIEWER, False),
        (Role.CLT, False),
    ]:
        workbook = _workbook(client_as(role).get(f"/partners/export/{dataset}.xlsx"))
        header = [c.value for c in workbook.active[1]]
        assert any("cost" in h.lower() or "spend" in h.lower() for h in header) is sees, (
            role,
            header,
        )


def test_an_unknown_export_is_404(client_as):
    assert client_as(Role.PMO).get("/partners/export/salaries.csv").status_code == 404
    assert client_as(Role.PMO).get("/partners/export/partners.pdf").status_code == 404
