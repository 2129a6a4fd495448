"""Role-matrix entries for the project import (portfolio:import*). Only PMO
imports. The world holds an import the matrix's PMO user started, still being
checked: its page shows the progress, and a Confirm sent now is turned away
back to it."""

from pmo.permissions import Role
from portfolio.models import ImportRun
from tests.access import Route, statuses
from tests.portfolio.factories import UserFactory

PMO_ONLY = {Role.PMO}


def build(world: dict) -> None:
    world["import_run"] = ImportRun.objects.create(
        token="matrix-import-token-0000000000000000",
        filename="register.xlsx",
        requested_by=UserFactory(username="matrix-pmo"),
        rows_in_file=3,
    )


ROUTES = [
    # A POST without a file re-shows the form with its error.
    Route(
        "portfolio:import",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(200, allowed=PMO_ONLY),
    ),
    Route(
        "portfolio:import_run",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(302, allowed=PMO_ONLY),
        kwargs=lambda world: {"pk": world["import_run"].pk},
    ),
    # The template is a download: GET only (405 to a POST from anyone signed in).
    Route(
        "portfolio:import_template",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(405, refused=405),
    ),
]
