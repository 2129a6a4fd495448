"""Role matrix for the strategic partner pages: every role reads, PMO edits.
(Costs are hidden inside the pages for roles other than PMO and Finance;
tests/partners/test_cost_visibility.py checks that.)"""

from pmo.permissions import Role
from tests.access import Route, method_not_allowed, statuses

PMO_ONLY = {Role.PMO}


def build(world: dict) -> None:
    from tests.partners.factories import (
        ContractFactory,
        EngagementFactory,
        PartnerFactory,
        ReviewFactory,
    )

    partner = PartnerFactory(name="Matrix partner")
    world["partner"] = partner
    world["contract"] = ContractFactory(partner=partner, reference="MATRIX-1")
    world["engagement"] = EngagementFactory(partner=partner, title="Matrix engagement")
    world["review"] = ReviewFactory(partner=partner)


def _partner(world):
    return {"partner_pk": world["partner"].pk}


ROUTES = [
    Route("partners:list", post=method_not_allowed(), get=statuses(200)),
    Route(
        "partners:detail",
        post=method_not_allowed(),
        get=statuses(200),
        kwargs=lambda w: {"pk": w["partner"].pk},
    ),
    Route(
        "partners:export",
        post=method_not_allowed(),
        get=statuses(200),
        kwargs=lambda w: {"dataset": "engagements", "fmt": "xlsx"},
    ),
    # Writes: PMO only. An empty POST is a 200 page of errors for PMO, 403 for the rest.
    Route(
        "partners:create", get=statuses(200, allowed=PMO_ONLY), post=statuses(200, allowed=PMO_ONLY)
    ),
    Route(
        "partners:edit",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(200, allowed=PMO_ONLY),
        kwargs=lambda w: {"pk": w["partner"].pk},
    ),
    Route(
        "partners:contract_create",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(200, allowed=PMO_ONLY),
        kwargs=_partner,
    ),
    Route(
        "partners:contract_edit",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(200, allowed=PMO_ONLY),
        kwargs=lambda w: {"pk": w["contract"].pk},
    ),
    Route(
        "partners:engagement_create",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(200, allowed=PMO_ONLY),
        kwargs=_partner,
    ),
    Route(
        "partners:engagement_edit",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(200, allowed=PMO_ONLY),
        kwargs=lambda w: {"pk": w["engagement"].pk},
    ),
    Route(
        "partners:review_create",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(200, allowed=PMO_ONLY),
        kwargs=_partner,
    ),
    Route(
        "partners:review_edit",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(200, allowed=PMO_ONLY),
        kwargs=lambda w: {"pk": w["review"].pk},
    ),
]
