"""IDOR and mass assignment: a project manager cannot read or write another
manager's records by changing an ID in the URL or the form, and extra posted
fields (project, version, status, signed_off_by, ...) change nothing.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from benefits.models import BenefitActual, FinancialBenefit
from pmo.permissions import Role
from portfolio.models import Milestone, StatusUpdate
from portfolio.selectors import current_period
from portfolio.urls import RECORD_URL_NAMES
from prioritisation.models import Assessment
from tests.benefits.factories import BenefitYearFactory, FinancialBenefitFactory, this_year
from tests.portfolio.access import RECORD_FORMS, _update_form
from tests.test_role_matrix import _world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return _world()


@pytest.fixture
def pm(client, world):
    from tests.portfolio.factories import UserFactory

    user = UserFactory(username="matrix-project-manager")
    user.groups.set([Group.objects.get(name=Role.PROJECT_MANAGER.value)])
    client.force_login(user)
    return user


def _snapshot(record):
    record.refresh_from_db()
    return {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}


@pytest.mark.parametrize("kind", [k for k in RECORD_URL_NAMES if k != "gates"])
def test_another_projects_record_cannot_be_reached_through_my_own_project(client, pm, world, kind):
    own = world["register"]["own"]
    theirs = world["register"]["other_records"][kind]
    before = _snapshot(theirs)
    url = reverse(
        f"portfolio:{RECORD_URL_NAMES[kind]}_edit",
        kwargs={"reference": own.reference, "pk": theirs.pk},
    )
    assert client.get(url).status_code == 404
    assert client.post(url, RECORD_FORMS[kind](world)).status_code == 404
    assert _snapshot(theirs) == before


@pytest.mark.parametrize("kind", list(RECORD_URL_NAMES))
def test_another_projects_record_cannot_be_written_directly(client, pm, world, kind):
    other = world["register"]["other"]
    theirs = world["register"]["other_records"][kind]
    before = _snapshot(theirs)
    name = RECORD_URL_NAMES[kind]
    edit = reverse(f"portfolio:{name}_edit", kwargs={"reference": other.reference, "pk": theirs.pk})
    new = reverse(f"portfolio:{name}_new", kwargs={"reference": other.reference})
    records_before = type(theirs).objects.count()
    assert client.post(edit, RECORD_FORMS[kind](world)).status_code == 403
    assert client.post(new, RECORD_FORMS[kind](world)).status_code == 403
    assert _snapshot(theirs) == before
    assert type(theirs).objects.count() == records_before


def test_a_monthly_update_cannot_be_moved_to_another_project_by_a_posted_field(client, pm, world):
    own, other = world["register"]["own"], world["register"]["other"]
    data = _update_form(world) | {"project": other.pk, "project_id": other.pk, "submitted_by": 1}
    response = client.post(
        reverse("portfolio:update_new", kwargs={"reference": own.reference}), data
    )
    assert response.status_code == 302
    this_month = StatusUpdate.objects.filter(period=current_period())
    assert this_month.filter(project=other).count() == 0
    assert this_month.get(project=own).submitted_by == pm


def test_a_monthly_update_on_another_project_is_refused(client, pm, world):
    other = world["register"]["other"]
    url = reverse("portfolio:update_new", kwargs={"reference": other.reference})
    assert client.post(url, _update_form(world)).status_code == 403
    assert not StatusUpdate.objects.filter(project=other, period=current_period()).exists()


def test_a_milestone_cannot_be_moved_to_another_project_by_a_posted_field(client, pm, world):
    own, other = world["register"]["own"], world["register"]["other"]
    mine = world["register"]["own_records"]["milestones"]
    data = RECORD_FORMS["milestones"](world) | {
        "project": other.pk,
        "project_id": other.pk,
        "seen": "",
    }
    url = reverse("portfolio:milestone_edit", kwargs={"reference": own.reference, "pk": mine.pk})
    assert client.post(url, data).status_code == 302
    assert Milestone.objects.get(pk=mine.pk).project == own


def test_a_project_manager_cannot_edit_project_fields_or_reassign_the_project(client, pm, world):
    own = world["register"]["own"]
    before = _snapshot(own)
    url = reverse("portfolio:edit", kwargs={"reference": own.reference})
    response = client.post(url, {"project_manager": 1, "version": 99, "stage": "closed"})
    assert response.status_code == 403
    assert _snapshot(own) == before


def test_the_pmo_cannot_set_the_reference_number_or_authorship_by_posted_fields(client, world):
    from tests.portfolio.access import _project_edit_form
    from tests.portfolio.factories import UserFactory

    pmo = UserFactory(username="mass-pmo", groups=[Group.objects.get(name=Role.PMO.value)])
    client.force_login(pmo)
    own = world["register"]["own"]
    before = _snapshot(own)
    data = _project_edit_form(world) | {
        "version": str(own.version),
        "reference": "TP-9999",
        "number": "9999",
        "created_by": pmo.pk,
        "id": 12345,
    }
    response = client.post(reverse("portfolio:edit", kwargs={"reference": own.reference}), data)
    assert response.status_code == 302
    after = _snapshot(own)
    for field in ("id", "reference", "number", "created_by_id", "created_at"):
        assert after[field] == before[field], field
    assert after["version"] == before["version"] + 1


def _other_managers_benefit(world):
    benefit = FinancialBenefitFactory(project=world["register"]["other"])
    BenefitYearFactory(benefit=benefit, year=this_year())
    return benefit


def test_a_benefit_cannot_be_added_to_another_managers_project(client, pm, world):
    other = world["register"]["other"]
    response = client.post(
        reverse("benefits:add"),
        {"project": other.pk, "title": "Stolen saving", "benefit_type": "cashable"},
    )
    assert response.status_code in (200, 403)
    assert not FinancialBenefit.objects.filter(project=other).exists()


@pytest.mark.parametrize("name", ["edit", "rebaseline", "reprofile", "write_off", "record_actual"])
def test_another_managers_benefit_cannot_be_changed(client, pm, world, name):
    benefit = _other_managers_benefit(world)
    before = _snapshot(benefit)
    url = reverse(f"benefits:{name}", kwargs={"pk": benefit.pk})
    data = {"title": "Changed", "reason": "Because", "amount": "100", "month": "2026-01"}
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert _snapshot(benefit) == before
    assert not BenefitActual.objects.filter(benefit=benefit).exists()


def test_another_managers_benefit_forecast_and_sign_off_are_refused(client, pm, world):
    benefit = _other_managers_benefit(world)
    year = this_year()
    cell = reverse("benefits:forecast_cell", kwargs={"pk": benefit.pk, "year": year})
    sign = reverse("benefits:sign_off", kwargs={"pk": benefit.pk, "year": year})
    before = list(benefit.years.values())
    assert client.post(cell, {"value": "999999"}).status_code == 403
    assert client.post(sign, {"note": "ok"}).status_code == 403
    assert list(benefit.years.values()) == before


def test_an_actual_ignores_posted_authorship_and_sign_off(client, world):
    from tests.portfolio.factories import UserFactory

    finance = UserFactory(username="mass-finance", groups=[Group.objects.get(name="Finance")])
    someone = UserFactory(username="mass-someone")
    client.force_login(finance)
    benefit = world["benefit"]
    response = client.post(
        reverse("benefits:record_actual", kwargs={"pk": benefit.pk}),
        {
            "month": f"{this_year()}-04",
            "amount": "100",
            "evidence": "Ledger",
            "entered_by": someone.pk,
            "signed_off_by": someone.pk,
            "benefit": _other_managers_benefit(world).pk,
            "is_adjustment": "on",
        },
    )
    assert response.status_code == 302
    actual = BenefitActual.objects.get()
    assert actual.benefit == benefit
    assert actual.entered_by == finance


def test_another_managers_project_cannot_be_scored(client, pm, world):
    other = world["register"]["other"]
    url = reverse("prioritisation_project:score", kwargs={"reference": other.reference})
    assert client.get(url).status_code == 403
    assert client.post(url, {"submit": "1"}).status_code == 403
    assert not Assessment.objects.filter(project=other).exists()
