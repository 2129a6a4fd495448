"""Hostile uploads, end to end through both import pages (projects and
benefits): each is refused with a specific GOV.UK error and nothing is
written or kept."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from benefits.models import FinancialBenefit
from pmo.permissions import Role
from portfolio.models import Project

pytestmark = pytest.mark.django_db

IMPORTS = {
    "projects": ("portfolio:import", "portfolio_import"),
    "benefits": ("benefits:import", "benefits_import"),
}


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    return buffer.getvalue()


HOSTILE = {
    "zip bomb": ("book.xlsx", _zip_bomb(), "unsafe"),
    "wrong extension": ("book.exe", b"MZ\x90\x00binary", "CSV or an Excel workbook"),
    "pdf renamed to xlsx": ("book.xlsx", b"%PDF-1.4 binary", "not an Excel workbook"),
    "workbook renamed to csv": ("book.csv", b"PK\x03\x04" + b"\0" * 64, "is a workbook"),
    "malformed csv": ("book.csv", b'Title,Project\n"Unclosed quote,TP-0001\n', "malformed"),
    "binary csv": ("book.csv", b"Title,\x00\x01\x02\x03", "binary data"),
}


def _counts():
    return Project.objects.count(), FinancialBenefit.objects.count()


def _error_summary(response) -> str:
    html = response.content.decode()
    assert "govuk-error-summary" in html
    return html


@pytest.mark.parametrize("which", IMPORTS)
@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_file_is_refused_with_a_specific_error(client_as, which, case):
    url_name, session_key = IMPORTS[which]
    filename, content, message = HOSTILE[case]
    client = client_as(Role.PMO)
    before = _counts()
    response = client.post(
        reverse(url_name), {"file": SimpleUploadedFile(filename, content)}, follow=True
    )
    assert response.status_code == 200
    assert message in _error_summary(response)
    assert _counts() == before
    assert session_key not in client.session


@pytest.mark.parametrize("which", IMPORTS)
def test_a_file_over_the_size_limit_is_refused_and_not_kept(client_as, which):
    url_name, session_key = IMPORTS[which]
    client = client_as(Role.PMO)
    content = b"Title,Project\n" + b"x" * 3000 + b",TP-0001\n"
    with override_settings(IMPORT_MAX_UPLOAD_BYTES=1000):
        response = client.post(
            reverse(url_name), {"file": SimpleUploadedFile("book.csv", content)}, follow=True
        )
    assert response.status_code == 200
    assert "or smaller" in _error_summary(response)
    assert session_key not in client.session
