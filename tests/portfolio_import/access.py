"""Role-matrix entries for the project import (portfolio:import*). Only PMO
imports. The world holds two imports the matrix's PMO user started: one
still being checked, whose page shows the progress and turns a Confirm sent
now away back to it, and one waiting on its columns page, which a POST of
the columns as matched sends on to be checked."""

from pmo.permissions import Role
from portfolio import import_mapping, import_runs
from portfolio.models import ImportRun, ImportStatus
from tests.access import Route, statuses
from tests.portfolio.factories import UserFactory

PMO_ONLY = {Role.PMO}


def build(world: dict) -> None:
    officer = UserFactory(username="matrix-pmo")
    world["import_run"] = ImportRun.objects.create(
        token="matrix-import-token-0000000000000000",
        filename="register.xlsx",
        requested_by=officer,
        rows_in_file=3,
        status=ImportStatus.CHECKING,
    )
    raw = import_mapping.read_tables("register.csv", b"Title,Directorate\nHub,Place\n")
    world["mapping_run"] = import_runs.start(raw, officer)


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
    Route(
        "portfolio:import_columns",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(302, allowed=PMO_ONLY),
        kwargs=lambda world: {"pk": world["mapping_run"].pk},
    ),
    # A download of the rows with problems: the world's run has no check yet.
    Route(
        "portfolio:import_problems",
        get=statuses(404, allowed=PMO_ONLY),
        post=statuses(405, refused=405),
        kwargs=lambda world: {"pk": world["import_run"].pk},
    ),
    # The template is a download: GET only (405 to a POST from anyone signed in).
    Route(
        "portfolio:import_template",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(405, refused=405),
    ),
]
