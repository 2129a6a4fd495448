"""PMO edits reference data in admin; projects and updates are read-only
there, so the honesty rule, gates and period locks cannot be bypassed."""

import pytest

from pmo.permissions import Role
from tests.portfolio.factories import ProjectFactory, ServiceFactory


@pytest.fixture
def pmo_admin(client_as, roles):
    roles[Role.PMO].is_staff = True
    roles[Role.PMO].save()
    return client_as(Role.PMO)


@pytest.mark.django_db
def test_pmo_changes_a_services_capacity_for_change(pmo_admin):
    service = ServiceFactory(change_capacity=2)
    response = pmo_admin.post(
        f"/admin/portfolio/service/{service.pk}/change/",
        {"directorate": service.directorate_id, "name": service.name, "change_capacity": 4},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.change_capacity == 4


@pytest.mark.django_db
def test_projects_are_listed_but_not_editable_in_admin(pmo_admin):
    project = ProjectFactory(title="Libraries as hubs")
    listing = pmo_admin.get("/admin/portfolio/project/?q=Libraries")
    assert "Libraries as hubs" in listing.content.decode()
    response = pmo_admin.post(
        f"/admin/portfolio/project/{project.pk}/change/", {"title": "Changed in admin"}
    )
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.title == "Libraries as hubs"
