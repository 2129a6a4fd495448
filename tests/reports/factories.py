import datetime

import factory

from pmo.models import ReportRun, ReportType, RunStatus


class ReportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportRun

    report_type = ReportType.PORTFOLIO
    period = datetime.date(2026, 10, 1)
    version = factory.Sequence(lambda n: n + 1)
    status = RunStatus.QUEUED


def month_of_reporting(period: datetime.date) -> list:
    """A small portfolio that reported in `period` and the month before, with
    every kind of exception the pack must show."""
    from pmo.reports import next_month, previous_month
    from tests.portfolio.factories import (
        GateDecisionFactory,
        MilestoneFactory,
        ProjectFactory,
        RiskFactory,
        StatusUpdateFactory,
    )

    last = previous_month(period)
    ratings = [("G", "G"), ("AG", "A"), ("A", "AR"), ("R", "AR"), ("AR", "R"), ("G", None)]
    projects = []
    for n, (before, now) in enumerate(ratings, start=1):
        project = ProjectFactory(title=f"Pack project {n}")
        projects.append(project)
        StatusUpdateFactory(project=project, period=last, delivery_confidence=before)
        if now:
            StatusUpdateFactory(
                project=project,
                period=period,
                delivery_confidence=now,
                path_to_green="Agree a recovery plan with the board." if n != 4 else "",
                issues_and_decisions="Decide on the supplier extension." if n == 3 else "",
            )
    MilestoneFactory(project=projects[3], title="Go-live", forecast_date=period)
    RiskFactory(
        project=projects[4], title="Supplier failure", escalated=True, likelihood=4, impact=5
    )
    GateDecisionFactory(
        project=projects[1], decision="", decided_on=next_month(period).replace(day=14)
    )
    return projects
