"""Role-matrix entries for the project import (portfolio:import*). Only PMO
imports; with nothing staged, the preview sends PMO back to the upload page."""

from pmo.permissions import Role
from tests.access import Route, statuses

PMO_ONLY = {Role.PMO}

ROUTES = [
    # A POST without a file re-shows the form with its error.
    Route(
        "portfolio:import",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(200, allowed=PMO_ONLY),
    ),
    Route(
        "portfolio:import_preview",
        get=statuses(302, allowed=PMO_ONLY),
        post=statuses(302, allowed=PMO_ONLY),
    ),
    # The template is a download: GET only (405 to a POST from anyone signed in).
    Route(
        "portfolio:import_template",
        get=statuses(200, allowed=PMO_ONLY),
        post=statuses(405, refused=405),
    ),
]
