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
