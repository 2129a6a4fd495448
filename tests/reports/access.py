"""Role matrix for the report pages (tests/test_role_matrix.py)."""

import datetime

from pmo import reports, tasks
from pmo.models import ReportType
from pmo.permissions import Role
from tests.access import ANONYMOUS, EVERY_PRINCIPAL, Route, statuses
from tests.portfolio.factories import ProjectFactory

GENERATORS = {Role.PMO, Role.FINANCE}
POST_ONLY = {p: 405 for p in EVERY_PRINCIPAL} | {ANONYMOUS: 302}
GET_ONLY = POST_ONLY


def build(world):
    """A generated (draft) benefits report, with its files, for October 2026:
    the quickest pack to make (no slides or PDF), and the world is built
    for every case of the matrix."""
    ProjectFactory()
    run = reports.report_run_request(
        report_type=ReportType.BENEFITS, period=datetime.date(2026, 10, 1), enqueue=False
    )
    assert tasks.generate_report_task.apply(args=[run.pk]).get() == "succeeded"
    world["report_run"] = run


ROUTES = [
    Route("reports:archive", get=statuses(200), post=GET_ONLY),
    Route(
        "reports:generate",
        get=POST_ONLY,
        # Valid: redirects to the new run's page. Refused roles get 403.
        post=statuses(302, allowed=GENERATORS),
        post_data=lambda world: {"report_type": "portfolio", "period": "2026-10"},
    ),
    # A draft is read by those who generate reports; others see published ones.
    Route(
        "reports:detail",
        get=statuses(200, allowed=GENERATORS),
        post=GET_ONLY,
        kwargs=lambda world: {"pk": world["report_run"].pk},
    ),
    Route(
        "reports:download",
        get=statuses(200, allowed=GENERATORS),
        post=GET_ONLY,
        kwargs=lambda world: {"pk": world["report_run"].pk, "fmt": "xlsx"},
    ),
    Route(
        "reports:publish",
        get=POST_ONLY,
        post=statuses(302, allowed={Role.PMO}),
        kwargs=lambda world: {"pk": world["report_run"].pk},
    ),
]
