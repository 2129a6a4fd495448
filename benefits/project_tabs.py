"""The Benefits tab on the project page (see the portfolio detail view's
tab contract): the project's savings for the current year, its investment,
payback and benefit-cost ratio, and its non-financial benefits."""

from __future__ import annotations

from django.utils import timezone

from benefits import selectors
from benefits.money import financial_year_of, fy_label, mtfp_years
from pmo.permissions import can


def tabs(request, project) -> list[dict]:
    if not can(request.user, "view", project):
        return []
    # The page lists every tab but renders one: the figures are read only
    # when this tab is shown.
    return [
        {
            "id": "benefits",
            "label": "Benefits",
            "template": "benefits/_project_benefits.html",
            "context": lambda: _benefits(request, project),
        }
    ]


def _benefits(request, project) -> dict:
    today = timezone.localdate()
    year = financial_year_of(today)
    return {
        "project": project,
        "benefits": selectors.tracker_rows({"project": project.pk}, year),
        "totals": selectors.tracker_totals({"project": project.pk}, year),
        "year_label": fy_label(year),
        "investment": selectors.project_investment(project, mtfp_years(today)),
        "outcomes": selectors.outcomes_queryset().filter(project=project),
        "may_edit": can(request.user, "edit_benefit", project),
    }
