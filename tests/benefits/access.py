"""Role matrix for every benefits URL (tests/test_role_matrix.py runs it).

The world: a benefit on a project managed by matrix-project-manager, owned
by matrix-sponsor (an owner may record actuals), with this year's profile;
a KPI on the same project.
"""

from django.contrib.auth.models import Group

from pmo.permissions import Role
from tests.access import Route, method_not_allowed, statuses
from tests.benefits.factories import (
    BenefitYearFactory,
    FinancialBenefitFactory,
    NonFinancialBenefitFactory,
    this_year,
)
from tests.portfolio.factories import ProjectFactory, UserFactory

EDITORS = {Role.PMO, Role.PROJECT_MANAGER}


def build(world: dict) -> None:
    manager = UserFactory(username="matrix-project-manager")
    manager.groups.add(Group.objects.get(name=Role.PROJECT_MANAGER.value))
    owner = UserFactory(username="matrix-sponsor")
    project = world.get("own_project") or ProjectFactory(project_manager=manager)
    world["own_project"] = project
    benefit = FinancialBenefitFactory(project=project, owner=owner)
    BenefitYearFactory(benefit=benefit, year=this_year())
    world["benefit"] = benefit
    world["outcome"] = NonFinancialBenefitFactory(project=project)


def _benefit(world):
    return {"pk": world["benefit"].pk}


def _year(world):
    return {"pk": world["benefit"].pk, "year": this_year()}


# Posting an empty form: allowed roles get the form back with its errors (200).
ROUTES = [
    Route("benefits:tracker", post=method_not_allowed(), get=statuses(200)),
    Route("benefits:add", get=statuses(200, allowed=EDITORS), post=statuses(200, allowed=EDITORS)),
    Route("benefits:detail", post=method_not_allowed(), get=statuses(200), kwargs=_benefit),
    Route(
        "benefits:edit",
        get=statuses(200, allowed=EDITORS),
        post=statuses(200, allowed=EDITORS),
        kwargs=_benefit,
    ),
    Route(
        "benefits:forecast_cell",
        get=statuses(200, allowed=EDITORS),
        post=statuses(200, allowed=EDITORS),
        kwargs=_year,
    ),
    Route(
        "benefits:sign_off",
        get=statuses(200, allowed={Role.FINANCE}),
        post=statuses(302, allowed={Role.FINANCE}),
        kwargs=_year,
        # This year is still running, so a sign-off must confirm that it is.
        post_data=lambda world: {"confirm_running_year": "on"},
    ),
    Route(
        "benefits:approve",
        get=method_not_allowed(),
        post=statuses(302, allowed={Role.PMO}),
        kwargs=_benefit,
    ),
    Route(
        "benefits:record_actual",
        get=statuses(200, allowed={Role.PMO, Role.FINANCE, Role.SPONSOR}),
        post=statuses(200, allowed={Role.PMO, Role.FINANCE, Role.SPONSOR}),
        kwargs=_benefit,
    ),
    Route(
        "benefits:rebaseline",
        get=statuses(200, allowed={Role.PMO}),
        post=statuses(200, allowed={Role.PMO}),
        kwargs=_benefit,
    ),
    Route(
        "benefits:reprofile",
        get=statuses(200, allowed=EDITORS),
        post=statuses(200, allowed=EDITORS),
        kwargs=_benefit,
    ),
    Route(
        "benefits:write_off",
        get=statuses(200, allowed=EDITORS),
        post=statuses(200, allowed=EDITORS),
        kwargs=_benefit,
    ),
    Route("benefits:summary", post=method_not_allowed(), get=statuses(200)),
    Route("benefits:outcomes", post=method_not_allowed(), get=statuses(200)),
    Route(
        "benefits:outcome_add",
        get=statuses(200, allowed=EDITORS),
        post=statuses(200, allowed=EDITORS),
    ),
    Route(
        "benefits:outcome_measure",
        get=statuses(200, allowed=EDITORS),
        post=statuses(200, allowed=EDITORS),
        kwargs=lambda world: {"pk": world["outcome"].pk},
    ),
    Route(
        "benefits:outcome_narrative",
        get=statuses(200, allowed=EDITORS),
        post=statuses(200, allowed=EDITORS),
        kwargs=lambda world: {"pk": world["outcome"].pk},
    ),
    Route("benefits:quality", post=method_not_allowed(), get=statuses(200)),
    Route(
        "benefits:resolve_flag", get=method_not_allowed(), post=statuses(302, allowed={Role.PMO})
    ),
    Route("benefits:closed", post=method_not_allowed(), get=statuses(200)),
    Route(
        "benefits:project_costs",
        get=statuses(200, allowed=EDITORS),
        post=statuses(302, allowed=EDITORS),
        kwargs=lambda world: {"reference": world["own_project"].reference},
    ),
    Route("benefits:export", post=method_not_allowed(), get=statuses(200)),
    Route("benefits:export_xlsx", post=method_not_allowed(), get=statuses(200)),
    Route(
        "benefits:export_csv",
        post=method_not_allowed(),
        get=statuses(200),
        kwargs=lambda world: {"sheet": "register"},
    ),
    Route(
        "benefits:import",
        get=statuses(200, allowed={Role.PMO, Role.FINANCE}),
        post=statuses(200, allowed={Role.PMO, Role.FINANCE}),
    ),
]
