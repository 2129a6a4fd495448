"""Once a month's pack is published, the month is closed: its highlight
reports (and signed-off actuals) are read-only. Services call
pmo.reports.assert_period_open(period) before writing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pmo import reports
from pmo.models import RunStatus
from portfolio.models import StatusUpdate
from tests.portfolio.factories import ProjectFactory, StatusUpdateFactory
from tests.reports.factories import ReportRunFactory

OCTOBER = datetime.date(2026, 10, 1)
NOVEMBER = datetime.date(2026, 11, 1)


@pytest.mark.django_db
def test_a_month_is_open_until_a_report_for_it_is_published():
    ReportRunFactory(period=OCTOBER, status=RunStatus.SUCCEEDED, published=False)

    assert not reports.period_is_locked(OCTOBER)
    reports.assert_period_open(datetime.date(2026, 10, 17))


@pytest.mark.django_db
def test_publishing_closes_the_month():
    run = ReportRunFactory(period=OCTOBER, status=RunStatus.SUCCEEDED)

    reports.report_run_publish(run=run)

    assert reports.period_is_locked(datetime.date(2026, 10, 31))
    assert not reports.period_is_locked(NOVEMBER)
    with pytest.raises(ValidationError) as refused:
        reports.assert_period_open(OCTOBER)
    assert refused.value.messages[0].startswith(
        "October 2026 is closed: its monthly portfolio pack was published on "
    )
    assert "Record a correction as an adjustment in a later month" in refused.value.messages[0]


@pytest.mark.django_db
def test_open_periods_only_leaves_out_the_closed_months_updates():
    project = ProjectFactory()
    StatusUpdateFactory(project=project, period=OCTOBER)
    open_update = StatusUpdateFactory(project=project, period=NOVEMBER)
    ReportRunFactory(period=OCTOBER, status=RunStatus.SUCCEEDED, published=True)

    assert list(reports.open_periods_only(StatusUpdate.objects.all())) == [open_update]


@pytest.mark.django_db
def test_a_second_version_cannot_be_published_over_the_first():
    ReportRunFactory(period=OCTOBER, version=1, status=RunStatus.SUCCEEDED, published=True)
    second = ReportRunFactory(period=OCTOBER, version=2, status=RunStatus.SUCCEEDED)

    with pytest.raises(ValidationError, match="Version 1 of the October 2026"):
        reports.report_run_publish(run=second)

    second.refresh_from_db()
    assert not second.published


@pytest.mark.django_db
def test_a_failed_run_cannot_be_published():
    run = ReportRunFactory(status=RunStatus.FAILED)

    with pytest.raises(ValidationError, match="Only a report that finished successfully"):
        reports.report_run_publish(run=run)
