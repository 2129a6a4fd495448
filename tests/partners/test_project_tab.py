"""The Partners tab on the project page (project-tabs contract)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from pmo.permissions import Role
from tests.partners.factories import EngagementCostFactory, EngagementFactory
from tests.portfolio.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _render(user, project):
    client = Client()
    client.force_login(user)
    page = client.get(f"/projects/{project.reference}/?tab=partners").content.decode()
    assert f'href="/projects/{project.reference}/?tab=partners#partners">Partners</a>' in page
    html = client.get(f"/projects/{project.reference}/tabs/partners/").content.decode()
    assert html in page  # the fragment is the panel the page renders for ?tab=partners
    return html


def test_it_lists_partners_on_the_project_and_its_workstream(roles):
    project = ProjectFactory()
    on_project = EngagementFactory(
        project=project,
        title="Front door",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2026, 3, 31),
    )
    EngagementCostFactory(engagement=on_project, financial_year=2025, partner_cost=Decimal("42000"))
    EngagementFactory(project=None, workstream=project.workstream, title="Workstream PMO")
    EngagementFactory(title="Elsewhere")

    html = _render(roles[Role.PMO], project)

    assert "Front door" in html and "Workstream PMO" in html and "Elsewhere" not in html
    assert f"Workstream: {project.workstream.name}" in html
    assert "£42,000" in html


def test_costs_are_hidden_from_other_roles(roles):
    project = ProjectFactory()
    engagement = EngagementFactory(project=project)
    EngagementCostFactory(engagement=engagement, financial_year=2025, partner_cost=Decimal("42000"))
    html = _render(roles[Role.SPONSOR], project)
    assert "£42,000" not in html
    assert engagement.title in html


def test_a_project_with_no_partners_says_so(roles):
    html = _render(roles[Role.VIEWER], ProjectFactory())
    assert "No strategic partner works on this project or its workstream." in html
