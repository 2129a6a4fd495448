"""The register links to the import (PMO only) and to the exports of the
filtered register."""

import pytest

from pmo.permissions import Role

pytestmark = pytest.mark.django_db


def test_pmo_sees_a_link_to_import_projects(client_as):
    html = client_as(Role.PMO).get("/projects/").content.decode()
    assert 'href="/projects/import/"' in html
    assert "Import projects" in html


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.SPONSOR, Role.VIEWER])
def test_other_roles_get_no_import_link(client_as, role):
    html = client_as(role).get("/projects/").content.decode()
    assert "/projects/import/" not in html


def test_the_export_links_carry_the_filters_but_not_the_page(client_as):
    html = client_as(Role.VIEWER).get("/projects/?stage=delivery&range=2&page=1").content.decode()
    assert 'href="/projects/export.csv?stage=delivery&amp;range=2"' in html
    assert 'href="/projects/export.xlsx?stage=delivery&amp;range=2"' in html
