"""Once a month's pack is published, that month's highlight reports are
read-only: the update form, the service and the import's RAG column all
refuse to write them, with one clear message."""

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from pmo.models import RunStatus
from pmo.permissions import Role
from portfolio import import_mapping, imports, services
from portfolio.models import Project, StatusUpdate
from portfolio.selectors import current_period
from tests.portfolio.factories import DirectorateFactory, ProjectFactory, StatusUpdateFactory
from tests.portfolio.import_files import csv_file
from tests.portfolio.test_update_form import form
from tests.reports.factories import ReportRunFactory

pytestmark = pytest.mark.django_db


def publish(period):
    return ReportRunFactory(period=period, status=RunStatus.SUCCEEDED, published=True)


def message(period) -> str:
    return (
        f"The pack for {period:%B %Y} has been published, so its updates are locked. "
        "Record a correction in a later month."
    )


@pytest.fixture
def own_project(roles):
    return ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])


def test_the_update_form_refuses_a_month_whose_pack_is_published(client_as, own_project):
    period = current_period()
    publish(period)
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/updates/new/", form(progress="Kept this text")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message(period) in html
    assert 'href="#id_period"' in html  # the summary links to the month field
    assert "Kept this text" in html
    assert not StatusUpdate.objects.exists()


def test_the_form_says_so_before_anything_is_typed(client_as, own_project):
    client = client_as(Role.PROJECT_MANAGER)
    url = f"/projects/{own_project.reference}/updates/new/"
    assert 'id="locked-period"' not in client.get(url).content.decode()
    publish(current_period())
    assert message(current_period()) in client.get(url).content.decode()


def test_an_unpublished_run_does_not_lock_the_month(client_as, own_project):
    ReportRunFactory(period=current_period(), status=RunStatus.SUCCEEDED, published=False)
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{own_project.reference}/updates/new/", form()
    )
    assert response.status_code == 302
    assert StatusUpdate.objects.filter(project=own_project).exists()


def test_a_late_update_for_last_month_is_refused_once_last_month_is_published(
    client_as, own_project
):
    last_month = current_period() - relativedelta(months=1)
    publish(last_month)
    client = client_as(Role.PROJECT_MANAGER)
    refused = client.post(
        f"/projects/{own_project.reference}/updates/new/", form(period=last_month.isoformat())
    )
    assert message(last_month) in refused.content.decode()
    accepted = client.post(f"/projects/{own_project.reference}/updates/new/", form())
    assert accepted.status_code == 302
    assert list(StatusUpdate.objects.values_list("period", flat=True)) == [current_period()]


def test_the_service_refuses_before_any_other_check(own_project, roles):
    period = current_period()
    StatusUpdateFactory(project=own_project, period=period)  # would also be a duplicate
    publish(period)
    with pytest.raises(ValidationError) as refused:
        services.status_update_submit(
            project=own_project,
            user=roles[Role.PROJECT_MANAGER],
            **(form() | {"period": period}),
        )
    assert refused.value.message_dict == {"period": [message(period)]}


def test_the_import_s_rag_column_cannot_change_a_locked_month(roles):
    DirectorateFactory(name="Place")
    project = ProjectFactory(title="Hub")
    period = current_period()
    update = StatusUpdateFactory(project=project, period=period, delivery_confidence="A")
    publish(period)
    content = csv_file(
        [
            ["Reference", "Title", "Directorate", "RAG", "Path to green"],
            [project.reference, "Hub renamed", "Place", "Red", "Re-tender"],
        ]
    )
    outcome = imports.run_import(
        import_mapping.read_upload("r.csv", content), user=roles[Role.PMO], commit=True
    )
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [(2, "RAG", message(period))]
    update.refresh_from_db()
    assert update.delivery_confidence == "A"
    assert Project.objects.get().title == "Hub"  # nothing written
