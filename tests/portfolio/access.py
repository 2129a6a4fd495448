"""Role matrix for the project register: every portfolio URL, GET and POST.

A project manager writes updates, milestones, RAID and dependencies on the
projects they manage ("own") and is refused on anyone else's ("other").
Creating and editing projects, and recording gates, is for the PMO.
"""

from dateutil.relativedelta import relativedelta

from pmo.permissions import Role
from portfolio.models import Stage
from portfolio.selectors import current_period
from tests.access import Route, method_not_allowed, statuses
from tests.portfolio.factories import (
    AssumptionFactory,
    DecisionFactory,
    DependencyFactory,
    GateDecisionFactory,
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    StatusUpdateFactory,
    UserFactory,
)

EVERYONE = statuses(200)
PMO_ONLY = statuses(200, allowed={Role.PMO})
PMO_OR_PM = statuses(200, allowed={Role.PMO, Role.PROJECT_MANAGER})
SAVED_BY_PMO = statuses(302, allowed={Role.PMO})
SAVED_BY_PMO_OR_PM = statuses(302, allowed={Role.PMO, Role.PROJECT_MANAGER})
# Read-only pages refuse POST (405), as in the other apps.
READ_ONLY_POST = method_not_allowed()
# An action that only posts refuses GET (405) the same way.
POST_ONLY_GET = method_not_allowed()
PROJECT_TABS = (
    "overview",
    "updates",
    "milestones",
    "raid",
    "dependencies",
    "gates",
    "history",
    "scores",
    "benefits",
    "partners",
)


def build(world: dict) -> None:
    pm = UserFactory(username="matrix-project-manager")
    someone_else = UserFactory(username="matrix-other-manager")
    own = ProjectFactory(project_manager=pm, stage=Stage.DELIVERY)
    other = ProjectFactory(project_manager=someone_else, stage=Stage.DELIVERY)
    world.setdefault("own_project", own)
    world.setdefault("other_project", other)
    world["register"] = {"own": own, "other": other}
    for project in (own, other):
        StatusUpdateFactory(project=project, period=current_period() - relativedelta(months=1))
    for name, project in (("own", own), ("other", other)):
        world["register"][f"{name}_records"] = {
            "milestones": MilestoneFactory(project=project),
            "risks": RiskFactory(project=project),
            "issues": IssueFactory(project=project),
            "assumptions": AssumptionFactory(project=project),
            "decisions": DecisionFactory(project=project),
            "gates": GateDecisionFactory(project=project),
        }
    third = ProjectFactory(stage=Stage.DISCOVERY)
    world["register"]["third"] = third
    world["register"]["own_records"]["dependencies"] = DependencyFactory(source=own, target=third)
    world["register"]["other_records"]["dependencies"] = DependencyFactory(
        source=other, target=third
    )


def _project(which):
    return lambda world: {"reference": world["register"][which].reference}


def _record(which, kind):
    def kwargs(world):
        return {
            "reference": world["register"][which].reference,
            "pk": world["register"][f"{which}_records"][kind].pk,
        }

    return kwargs


def _project_form(world):
    own = world["register"]["own"]
    return {
        "title": "Matrix project",
        "lead_directorate": own.lead_directorate_id,
        "stage": Stage.IDEA,
        "project_type": "transformation",
        "delivery_approach": "traditional",
        "capital_investment": "0",
        "revenue_investment": "1000",
    }


def _project_edit_form(world):
    return _project_form(world) | {"stage": Stage.DELIVERY, "version": "1"}


def _update_form(world):
    return {
        "period": current_period().isoformat(),
        "delivery_confidence": "A",
        "schedule_rag": "A",
        "cost_rag": "G",
        "benefits_rag": "A",
        "resources_rag": "G",
        "risk_rag": "A",
        "progress": "Procurement under way.",
        "next_steps": "Award the contract.",
        "path_to_green": "Recover two weeks by running testing in parallel.",
    }


RECORD_FORMS = {
    "milestones": lambda world: {
        "title": "Go live",
        "baseline_date": "2027-01-31",
        "forecast_date": "2027-02-28",
    },
    "risks": lambda world: {
        "title": "Supplier capacity",
        "likelihood": "3",
        "impact": "4",
        "status": "open",
    },
    "issues": lambda world: {
        "title": "Data migration late",
        "priority": "high",
        "impact": "3",
        "status": "open",
    },
    "assumptions": lambda world: {"description": "Budget holders agree the baseline."},
    "decisions": lambda world: {
        "decision": "Proceed with option B.",
        "decided_by": "Transformation Board",
        "decided_on": "2026-10-01",
    },
    "dependencies": lambda world: {
        "kind": "informs",
        "target": world["register"]["third"].pk,
        "description": "Shares the data platform.",
    },
    "gates": lambda world: {
        "gate": "2",
        "decision": "approved",
        "board": "Transformation Board",
        "decided_on": "2026-10-01",
    },
}
SINGULAR = {
    "milestones": "milestone",
    "risks": "risk",
    "issues": "issue",
    "assumptions": "assumption",
    "decisions": "decision",
    "dependencies": "dependency",
    "gates": "gate",
}


def _record_routes():
    for kind, name in SINGULAR.items():
        pmo_only = kind == "gates"
        own_get = PMO_ONLY if pmo_only else PMO_OR_PM
        own_post = SAVED_BY_PMO if pmo_only else SAVED_BY_PMO_OR_PM
        data = RECORD_FORMS[kind]
        yield Route(
            f"portfolio:{name}_new",
            get=own_get,
            post=own_post,
            kwargs=_project("own"),
            post_data=data,
        )
        yield Route(
            f"portfolio:{name}_new",
            get=PMO_ONLY,
            post=SAVED_BY_PMO,
            kwargs=_project("other"),
            post_data=data,
        )
        yield Route(
            f"portfolio:{name}_edit",
            get=own_get,
            post=own_post,
            kwargs=_record("own", kind),
            post_data=data,
        )
        yield Route(
            f"portfolio:{name}_edit",
            get=PMO_ONLY,
            post=SAVED_BY_PMO,
            kwargs=_record("other", kind),
            post_data=data,
        )


ROUTES = [
    Route("portfolio:dashboard", get=EVERYONE, post=READ_ONLY_POST),
    Route("portfolio:my", get=EVERYONE, post=READ_ONLY_POST),
    Route("portfolio:register", get=EVERYONE, post=READ_ONLY_POST),
    Route(
        "portfolio:register",
        get=EVERYONE,
        post=READ_ONLY_POST,
        query="?stage=delivery&sort=-rag&due=on",
    ),
    Route("portfolio:export_csv", get=EVERYONE, post=READ_ONLY_POST),
    Route("portfolio:export_xlsx", get=EVERYONE, post=READ_ONLY_POST),
    Route("portfolio:new", get=PMO_ONLY, post=SAVED_BY_PMO, post_data=_project_form),
    Route("portfolio:detail", get=EVERYONE, post=READ_ONLY_POST, kwargs=_project("own")),
    Route(
        "portfolio:detail",
        get=EVERYONE,
        post=READ_ONLY_POST,
        kwargs=_project("other"),
        query="?tab=raid",
    ),
    # Each tab's fragment is read by everyone who reads the project, on a
    # project the project manager does not manage too; only the page's own
    # permission decides, never the template.
    *(
        Route(
            "portfolio:tab",
            get=EVERYONE,
            post=READ_ONLY_POST,
            kwargs=lambda world, tab=tab, which=which: {
                "reference": world["register"][which].reference,
                "tab_id": tab,
            },
        )
        for tab in PROJECT_TABS
        for which in ("own", "other")
    ),
    Route(
        "portfolio:edit",
        get=PMO_ONLY,
        post=SAVED_BY_PMO,
        kwargs=_project("own"),
        post_data=_project_edit_form,
    ),
    Route(
        "portfolio:update_new",
        get=PMO_OR_PM,
        post=SAVED_BY_PMO_OR_PM,
        kwargs=_project("own"),
        post_data=_update_form,
    ),
    Route(
        "portfolio:update_new",
        get=PMO_ONLY,
        post=SAVED_BY_PMO,
        kwargs=_project("other"),
        post_data=_update_form,
    ),
    # "No change since ...": the world's projects reported last month.
    Route(
        "portfolio:update_no_change",
        get=POST_ONLY_GET,
        post=SAVED_BY_PMO_OR_PM,
        kwargs=_project("own"),
    ),
    Route(
        "portfolio:update_no_change",
        get=POST_ONLY_GET,
        post=SAVED_BY_PMO,
        kwargs=_project("other"),
    ),
    *_record_routes(),
]
