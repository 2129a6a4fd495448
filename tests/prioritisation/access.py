"""Role matrix for every prioritisation URL (tests/test_role_matrix.py)."""

from pmo.permissions import Role
from tests.access import Route, method_not_allowed, statuses
from tests.portfolio.factories import ProjectFactory, UserFactory

PMO = {Role.PMO}
OWNERS = {Role.PMO, Role.PROJECT_MANAGER, Role.SPONSOR}


def build(world: dict) -> None:
    from prioritisation.models import CalibrationReference

    project = ProjectFactory(
        project_manager=UserFactory(username="matrix-project-manager"),
        sponsor=UserFactory(username="matrix-sponsor"),
    )
    world["prio_project"] = project
    world["prio_reference"] = CalibrationReference.objects.create(project=project, expected_tier=2)


ROUTES = [
    Route("prioritisation:index", post=method_not_allowed(), get=statuses(302)),
    Route("prioritisation:grid", post=method_not_allowed(), get=statuses(200)),
    Route("prioritisation:present", post=method_not_allowed(), get=statuses(200)),
    Route("prioritisation:ranking", post=method_not_allowed(), get=statuses(200)),
    Route(
        "prioritisation:ranking_export",
        post=method_not_allowed(),
        get=statuses(200),
        query="?format=xlsx",
    ),
    Route("prioritisation:capacity", post=method_not_allowed(), get=statuses(200)),
    Route("prioritisation:roadmap", post=method_not_allowed(), get=statuses(200)),
    Route("prioritisation:moderation", post=method_not_allowed(), get=statuses(200, allowed=PMO)),
    Route("prioritisation:models", post=method_not_allowed(), get=statuses(200)),
    # The active version: everyone may read it; PMO's edit is refused with a
    # message and a redirect, because an active model cannot be edited.
    Route(
        "prioritisation:model_detail",
        get=statuses(200),
        post=statuses(302, allowed=PMO),
        kwargs=lambda world: {"number": 1},
    ),
    Route(
        "prioritisation:model_draft_create",
        get=method_not_allowed(),
        post=statuses(302, allowed=PMO),
    ),
    Route(
        "prioritisation:model_activate",
        get=method_not_allowed(),
        post=statuses(302, allowed=PMO),
        kwargs=lambda world: {"number": 1},
    ),
    Route(
        "prioritisation:calibration",
        get=statuses(200, allowed=PMO),
        # An empty form comes back with its errors.
        post=statuses(200, allowed=PMO),
    ),
    Route(
        "prioritisation:calibration_remove",
        get=method_not_allowed(),
        post=statuses(302, allowed=PMO),
        kwargs=lambda world: {"pk": world["prio_reference"].pk},
    ),
    Route(
        "prioritisation:set_phase",
        get=method_not_allowed(),
        post=statuses(302, allowed=PMO),
        kwargs=lambda world: {"reference": world["prio_project"].reference},
        post_data=lambda world: {"phase": "later", "reason": "Service is at capacity."},
    ),
    # PMs and sponsors score their own projects; an empty form shows errors.
    Route(
        "prioritisation_project:score",
        get=statuses(200, allowed=OWNERS),
        post=statuses(200, allowed=OWNERS),
        kwargs=lambda world: {"reference": world["prio_project"].reference},
    ),
]
