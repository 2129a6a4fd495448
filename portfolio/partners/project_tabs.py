"""The Partners tab on the project page (the project-tabs contract: the
portfolio detail view imports this module and renders each tab)."""

from __future__ import annotations

from decimal import Decimal

from pmo.permissions import can
from portfolio.partners import selectors


def tabs(request, project) -> list[dict]:
    if not can(request.user, "view"):
        return []
    # The page lists every tab but renders one: the engagements are read
    # only when this tab is shown.
    return [
        {
            "id": "partners",
            "label": "Partners",
            "template": "partners/_project_tab.html",
            "context": lambda: _partners(request, project),
        }
    ]


def _partners(request, project) -> dict:
    show_costs = can(request.user, "view_partner_costs")
    rows = [
        {
            "engagement": e,
            "scope": "This project"
            if e.project_id == project.pk
            else f"Workstream: {e.workstream}",
            "partner_cost": sum((c.partner_cost for c in e.costs.all()), Decimal("0")),
        }
        for e in selectors.project_engagements(project)
    ]
    return {"partner_rows": rows, "show_partner_costs": show_costs, "project": project}
