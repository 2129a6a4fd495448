"""The Partners tab on the project page (project-tabs contract)."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from pmo.permissions import Role
from portfolio.partners.project_tabs import tabs
from tests.partners.factories import EngagementCostFactory, EngagementFactory
from tests.portfolio.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _render(user, project):
    request = RequestFactory().get(f"/projects/{project.reference}/")
    request.user = user
    [tab] = tabs(request, project)
    assert (tab["id"], tab["label"]) == ("partners", "Partners")
    return tab, render_to_string(tab["template"], tab["context"], request=request)


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

    tab, html = _render(roles[Role.PMO], project)

    assert "Front door" in html and "Workstream PMO" in html and "Elsewhere" not in html
    assert f"Workstream: {project.workstream.name}" in html
    assert "£42,000" in html


def test_costs_are_hidden_from_other_roles(roles):
    project = ProjectFactory()
    engagement = EngagementFactory(project=project)
    EngagementCostFactory(engagement=engagement, financial_year=2025, partner_cost=Decimal("42000"))
    _, html = _render(roles[Role.SPONSOR], project)
    assert "£42,000" not in html
    assert engagement.title in html


def test_a_project_with_no_partners_says_so(roles):
    _, html = _render(roles[Role.VIEWER], ProjectFactory())
    assert "No strategic partner works on this project or its workstream." in html
