"""The benefits pages, one request each, asserting the page and the database."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from benefits.models import BenefitActual, BenefitYear, DoubleCountResolution, FinancialBenefit
from benefits.money import financial_year_of, month_start
from pmo.permissions import Role
from tests.benefits.factories import (
    BenefitActualFactory,
    BenefitYearFactory,
    FinancialBenefitFactory,
)
from tests.portfolio.factories import DirectorateFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
FY = financial_year_of(timezone.localdate())


def add_form(project, **overrides):
    data = {
        "project": project.pk,
        "title": "Reduce agency spend",
        "benefit_type": "cashable",
        "recurrence": "recurring",
        "mtfp_category": "service_transformation",
        "saving_kind": "efficiency",
        "directorate": project.lead_directorate.pk,
        "confidence": "on_track",
        "status": "identified",
        "fte_proposed": "0",
        "fte_confirmed": "0",
        f"plan_{FY}": "£1,200",
        f"forecast_{FY}": "1.2m",
    }
    data.update(overrides)
    return data


def test_a_pm_adds_a_benefit_and_money_text_is_parsed(client_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    response = client_as(Role.PROJECT_MANAGER).post("/benefits/add/", add_form(project))
    benefit = FinancialBenefit.objects.get()
    assert response.status_code == 302 and response.url == f"/benefits/{benefit.pk}/"
    row = benefit.years.get(year=FY)
    assert (row.plan, row.forecast) == (Decimal("1200.00"), Decimal("1200000.00"))


def test_text_that_is_not_money_is_refused_with_a_specific_error(client_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    response = client_as(Role.PROJECT_MANAGER).post(
        "/benefits/add/", add_form(project, **{f"plan_{FY}": "about a million"})
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "&#x27;about a million&#x27; is not an amount of money" in response.text
    assert not FinancialBenefit.objects.exists()


def test_a_negative_plan_is_refused_unless_a_dis_benefit(client_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    client = client_as(Role.PROJECT_MANAGER)
    response = client.post("/benefits/add/", add_form(project, **{f"plan_{FY}": "-500"}))
    assert "or mark the benefit as a dis-benefit" in response.text
    assert not FinancialBenefit.objects.exists()
    response = client.post(
        "/benefits/add/", add_form(project, **{f"plan_{FY}": "-500", "is_disbenefit": "on"})
    )
    assert response.status_code == 302
    assert FinancialBenefit.objects.get().years.get(year=FY).plan == Decimal("-500.00")


def test_a_pm_cannot_add_a_benefit_to_someone_elses_project(client_as, roles):
    ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    other = ProjectFactory()
    response = client_as(Role.PROJECT_MANAGER).post("/benefits/add/", add_form(other))
    assert response.status_code == 200  # the project is not a choice they have
    assert "Select a valid choice" in response.text
    assert not FinancialBenefit.objects.exists()


def test_an_actual_for_a_future_month_is_refused_on_the_page(client_as):
    benefit = BenefitYearFactory().benefit
    next_month = (month_start(timezone.localdate()) + datetime.timedelta(days=32)).strftime("%Y-%m")
    response = client_as(Role.FINANCE).post(
        f"/benefits/{benefit.pk}/actuals/add/",
        {"month": next_month, "amount": "£500", "evidence": "Invoice"},
    )
    assert response.status_code == 200
    assert "has not happened yet" in response.text
    assert not BenefitActual.objects.exists()


def test_finance_records_an_actual_with_evidence(client_as, roles):
    benefit = BenefitYearFactory().benefit
    response = client_as(Role.FINANCE).post(
        f"/benefits/{benefit.pk}/actuals/add/",
        {"month": timezone.localdate().strftime("%Y-%m"), "amount": "12.5k", "evidence": "Ledger"},
    )
    assert response.status_code == 302
    actual = BenefitActual.objects.get()
    assert (actual.amount, actual.entered_by, actual.year) == (
        Decimal("12500.00"),
        roles[Role.FINANCE],
        FY,
    )


def test_finance_cannot_sign_off_their_own_actual(client_as, roles):
    row = BenefitYearFactory()
    BenefitActualFactory(benefit=row.benefit, entered_by=roles[Role.FINANCE])
    response = client_as(Role.FINANCE).post(f"/benefits/{row.benefit.pk}/years/{FY}/sign-off/", {})
    assert response.status_code == 200
    assert "another finance officer must sign them off" in response.text
    row.refresh_from_db()
    assert not row.is_signed_off


def test_a_different_finance_user_signs_off_and_the_year_locks(client_as, roles):
    row = BenefitYearFactory()
    BenefitActualFactory(benefit=row.benefit, entered_by=roles[Role.PMO], amount=Decimal("4321.09"))
    client = client_as(Role.FINANCE)
    response = client.post(
        f"/benefits/{row.benefit.pk}/years/{FY}/sign-off/",
        {"note": "Agreed", "confirm_running_year": "on"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.signed_off_amount, row.signed_off_by) == (Decimal("4321.09"), roles[Role.FINANCE])
    detail = client.get(f"/benefits/{row.benefit.pk}/")
    assert "Signed off" in detail.text


def second_finance_officer():
    return UserFactory(
        username="finance2",
        first_name="Ben",
        last_name="Carter",
        groups=[Group.objects.get(name=Role.FINANCE.value)],
    )


def test_the_officer_who_entered_an_actual_is_told_before_pressing_and_who_can(client_as, roles):
    row = BenefitYearFactory()
    BenefitActualFactory(benefit=row.benefit, entered_by=roles[Role.FINANCE])
    second_finance_officer()
    sign_off = f"/benefits/{row.benefit.pk}/years/{FY}/sign-off/"

    page = client_as(Role.FINANCE).get(f"/benefits/{row.benefit.pk}/")

    year_row = page.text.split(f'id="year-{FY}"')[1].split("</tr>")[0]
    assert sign_off not in year_row
    assert (
        f"You entered actuals for {row.label}, so another finance officer must sign them off: "
        "Ben Carter." in year_row
    )
    form = client_as(Role.FINANCE).get(sign_off)
    assert "govuk-warning-text" in form.text and "Ben Carter can sign off" in form.text
    assert f"Sign off {row.label}</button>" not in form.text


def test_the_other_finance_officer_is_offered_the_sign_off(client, roles):
    row = BenefitYearFactory()
    BenefitActualFactory(benefit=row.benefit, entered_by=roles[Role.FINANCE])
    client.force_login(second_finance_officer())
    page = client.get(f"/benefits/{row.benefit.pk}/")
    year_row = page.text.split(f'id="year-{FY}"')[1].split("</tr>")[0]
    assert f"/benefits/{row.benefit.pk}/years/{FY}/sign-off/" in year_row
    assert "Still running: you will be asked to confirm." in year_row


def test_anyone_else_sees_who_in_finance_can_sign_off(client_as, roles):
    row = BenefitYearFactory()
    BenefitActualFactory(benefit=row.benefit, entered_by=roles[Role.FINANCE])
    second_finance_officer()
    page = client_as(Role.VIEWER).get(f"/benefits/{row.benefit.pk}/")
    year_row = page.text.split(f'id="year-{FY}"')[1].split("</tr>")[0]
    assert "Not signed off." in year_row and "Finance signs it off: Ben Carter." in year_row


def test_signing_off_the_running_year_needs_confirmation(client_as, roles):
    row = BenefitYearFactory()
    BenefitActualFactory(benefit=row.benefit, entered_by=roles[Role.PMO])
    client = client_as(Role.FINANCE)
    url = f"/benefits/{row.benefit.pk}/years/{FY}/sign-off/"

    form = client.get(url)
    assert "is still running, until 31 Mar" in form.text
    assert "will need an adjustment with a reason" in form.text
    assert 'name="confirm_running_year"' in form.text

    refused = client.post(url, {"note": "Agreed"})
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.text
    assert (
        f'<a href="#id_confirm_running_year">Confirm that you are signing off {row.label} '
        "while it is still running</a>" in refused.text
    )
    row.refresh_from_db()
    assert not row.is_signed_off


def test_a_closed_year_is_signed_off_without_the_running_year_question(client_as, roles):
    last_year = FY - 1
    row = BenefitYearFactory(year=last_year)
    BenefitActualFactory(
        benefit=row.benefit, entered_by=roles[Role.PMO], month=datetime.date(FY, 1, 1)
    )
    client = client_as(Role.FINANCE)
    url = f"/benefits/{row.benefit.pk}/years/{last_year}/sign-off/"
    assert "confirm_running_year" not in client.get(url).text
    assert client.post(url, {"note": "Agreed to outturn"}).status_code == 302
    row.refresh_from_db()
    assert row.is_signed_off


def test_an_actual_without_evidence_is_refused_with_a_specific_message(client_as):
    benefit = BenefitYearFactory().benefit
    response = client_as(Role.FINANCE).post(
        f"/benefits/{benefit.pk}/actuals/add/",
        {"month": timezone.localdate().strftime("%Y-%m"), "amount": "500", "evidence": ""},
    )
    assert response.status_code == 200
    assert '<a href="#id_evidence">Enter the evidence for this actual</a>' in response.text
    assert "This field is required" not in response.text
    assert not BenefitActual.objects.exists()


def test_a_baseline_with_no_date_says_so(client_as):
    benefit = FinancialBenefitFactory(baseline_value=Decimal("1200000"), baseline_date=None)
    page = client_as(Role.VIEWER).get(f"/benefits/{benefit.pk}/")
    assert "£1,200,000.00 (date not recorded)" in page.text
    assert "at —" not in page.text


def test_a_shortfall_that_never_comes_back_shows_as_lost_not_slipped(client_as):
    # The benefit: plan £40k / £80k / £30k, forecast £35k / £80k / £30k.
    benefit = FinancialBenefitFactory()
    for offset, (plan, forecast) in enumerate([(40000, 35000), (80000, 80000), (30000, 30000)]):
        BenefitYearFactory(benefit=benefit, year=FY + offset, plan=plan, forecast=forecast)

    page = client_as(Role.VIEWER).get(f"/benefits/{benefit.pk}/")

    table = page.text.split('id="profile-table"')[1].split("</table>")[0]
    assert "Slipped to" not in table and "Slipped from" not in table
    first = table.split(f'id="year-{FY}"')[1].split("</tr>")[0]
    assert first.count("£5,000.00") == 1  # in the Lost column, and nowhere else
    assert page.context["profile_totals"]["lost"] == Decimal("5000.00")
    assert page.context["profile_totals"]["slipped"] == 0


def test_a_saving_moved_later_says_where_it_slipped_to(client_as):
    benefit = FinancialBenefitFactory()
    BenefitYearFactory(benefit=benefit, year=FY, plan=Decimal("100"), forecast=Decimal("40"))
    BenefitYearFactory(benefit=benefit, year=FY + 1, plan=Decimal("0"), forecast=Decimal("60"))
    page = client_as(Role.VIEWER).get(f"/benefits/{benefit.pk}/")
    later = f"{FY + 1}/{(FY + 2) % 100:02d}"
    this = f"{FY}/{(FY + 1) % 100:02d}"
    assert f"Slipped to {later} £60.00" in page.text
    assert f"Slipped from {this} £60.00" in page.text


def test_a_change_to_a_signed_off_year_is_refused(client_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    row = BenefitYearFactory(benefit=FinancialBenefitFactory(project=project))
    BenefitYear.objects.filter(pk=row.pk).update(
        signed_off_at=timezone.now(), signed_off_by=roles[Role.FINANCE], signed_off_amount=0
    )
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/benefits/{row.benefit.pk}/years/{FY}/forecast/",
        {"forecast": "5"},
        HTTP_HX_REQUEST="true",
    )
    assert "signed off by finance and cannot change" in response.text
    row.refresh_from_db()
    assert row.forecast == Decimal("100000.00")


def test_the_forecast_is_edited_inline_with_htmx(client_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    row = BenefitYearFactory(benefit=FinancialBenefitFactory(project=project))
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/benefits/{row.benefit.pk}/years/{FY}/forecast/",
        {"forecast": "£75,000.50"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#profile-section"  # totals and chart move too
    assert 'id="profile-table"' in response.text and "<html" not in response.text
    assert "£75,000.50" in response.text
    row.refresh_from_db()
    assert row.forecast == Decimal("75000.50")
    assert row.benefit.events.filter(kind="forecast_changed").exists()


def test_the_tracker_totals_the_chosen_year_and_shows_a_banked_saving_under_both(client_as):
    central = DirectorateFactory(name="Resources")
    adults = DirectorateFactory(name="Adults")
    benefit = FinancialBenefitFactory(
        project=ProjectFactory(lead_directorate=central), directorate=adults
    )
    BenefitYearFactory(benefit=benefit, plan=Decimal("1000.10"), forecast=Decimal("900.05"))
    client = client_as(Role.VIEWER)
    for directorate in (central, adults):
        response = client.get(f"/benefits/?year={FY}&directorate={directorate.pk}")
        assert benefit.title in response.text
        assert response.context["totals"].plan == Decimal("1000.10")
        assert response.context["totals"].variance == Decimal("-100.05")
    fragment = client.get(f"/benefits/?year={FY}", HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.text and 'id="results"' in fragment.text


def test_a_filter_the_tracker_does_not_recognise_is_named_and_the_rest_still_apply(client_as):
    adults = DirectorateFactory(name="Adults")
    mine = BenefitYearFactory(
        benefit=FinancialBenefitFactory(project=ProjectFactory(lead_directorate=adults))
    ).benefit
    other = BenefitYearFactory().benefit
    client = client_as(Role.VIEWER)
    response = client.get(f"/benefits/?workstream=abc&directorate={adults.pk}&year=1066")
    assert response.status_code == 200
    assert mine.title in response.text and other.title not in response.text
    ignored = " ".join(response.text.split('id="ignored-filters"')[1].split("</div>")[0].split())
    assert "financial year and workstream filters did not match any choice" in ignored
    # The year it did not recognise is the current one, shown selected.
    assert response.context["year"] == FY
    assert client.get("/benefits/?directorate=x").status_code == 200


def test_the_budget_effect_view_carries_a_recurring_saving_into_later_years(client_as):
    BenefitYearFactory(year=FY - 1, plan=Decimal("1000000"), forecast=Decimal("1000000"))
    client = client_as(Role.VIEWER)
    incremental = client.get(f"/benefits/?year={FY}&view=incremental").context["totals"]
    effect = client.get(f"/benefits/?year={FY}&view=budget_effect").context["totals"]
    assert incremental.plan == Decimal("0.00")
    assert effect.plan == Decimal("1000000.00")


def test_double_counting_is_flagged_and_pmo_marks_it_distinct(client_as, roles):
    a = BenefitYearFactory(benefit=FinancialBenefitFactory(budget_code="RES-1")).benefit
    b = BenefitYearFactory(benefit=FinancialBenefitFactory(budget_code="RES-1")).benefit
    client = client_as(Role.PMO)
    page = client.get("/benefits/quality/")
    [flag] = page.context["flags"]
    assert {x.pk for x in flag.benefits} == {a.pk, b.pk} and flag.resolution is None
    response = client.post(
        "/benefits/quality/resolve/",
        {
            "budget_code": "RES-1",
            "year": FY,
            "benefit_ids": flag.key,
            "action": "distinct",
            "reason": "Different posts in the same cost centre",
        },
    )
    assert response.status_code == 302
    resolution = DoubleCountResolution.objects.get()
    assert resolution.reason == "Different posts in the same cost centre"
    [flag] = client.get("/benefits/quality/").context["flags"]
    assert flag.resolution == resolution


def test_pmo_fixes_a_double_count_by_counting_it_once(client_as):
    a = BenefitYearFactory(benefit=FinancialBenefitFactory(budget_code="RES-2")).benefit
    b = BenefitYearFactory(benefit=FinancialBenefitFactory(budget_code="RES-2")).benefit
    client = client_as(Role.PMO)
    client.post(
        "/benefits/quality/resolve/",
        {
            "budget_code": "RES-2",
            "year": FY,
            "benefit_ids": f"{a.pk},{b.pk}",
            "action": "duplicate",
            "duplicate": b.pk,
            "reason": "Same contract",
        },
    )
    b.refresh_from_db()
    assert b.duplicate_of == a
    assert client.get("/benefits/quality/").context["flags"] == []
    assert client.get(f"/benefits/?year={FY}").context["totals"].plan == Decimal("100000.00")


def test_closed_projects_with_benefits_still_to_realise(client_as):
    from portfolio.models import Stage

    closed = FinancialBenefitFactory(project=ProjectFactory(stage=Stage.CLOSED))
    BenefitYearFactory(benefit=closed)
    done = FinancialBenefitFactory(project=ProjectFactory(stage=Stage.CLOSED))
    BenefitYearFactory(benefit=done, forecast=Decimal("1000"))
    BenefitActualFactory(benefit=done, amount=Decimal("1000"))
    response = client_as(Role.VIEWER).get("/benefits/closed/")
    assert list(response.context["benefits"]) == [closed]
    assert response.context["benefits"][0].to_realise == Decimal("100000.00")


def test_the_project_tab_lists_the_projects_benefits(rf, roles, client_as):
    from benefits.project_tabs import tabs

    benefit = BenefitYearFactory().benefit
    response = client_as(Role.VIEWER).get(f"/projects/{benefit.project.reference}/tabs/benefits/")
    assert list(response.context["benefits"]) == [benefit]
    html = response.content.decode()
    assert benefit.title in html and "£100,000.00" in html
    assert "Payback year" in html and "Add a financial benefit" not in html  # a viewer
    request = rf.get("/")
    request.user = type("Anon", (), {"is_authenticated": False, "is_superuser": False})()
    assert tabs(request, benefit.project) == []


def test_an_edit_after_someone_elses_save_shows_a_conflict_and_keeps_the_input(client_as, roles):
    project = ProjectFactory(
        project_manager=roles[Role.PROJECT_MANAGER], mtfp_category="procurement"
    )
    benefit = BenefitYearFactory(benefit=FinancialBenefitFactory(project=project)).benefit
    stale = benefit.version
    FinancialBenefit.objects.filter(pk=benefit.pk).update(version=stale + 1, title="Saved by PMO")
    data = add_form(project, title="My new title", version=stale, mtfp_category="procurement")
    response = client_as(Role.PROJECT_MANAGER).post(f"/benefits/{benefit.pk}/edit/", data)
    assert response.status_code == 200
    assert "Someone else changed this benefit" in response.text
    assert 'value="My new title"' in response.text
    benefit.refresh_from_db()
    assert benefit.title == "Saved by PMO"


def test_the_summary_shows_payback_and_benefit_cost_ratio_per_project_and_portfolio(client_as):
    from benefits.models import ProjectCost

    benefit = FinancialBenefitFactory(recurrence="recurring")
    BenefitYearFactory(benefit=benefit, year=FY, plan=Decimal("700"), forecast=Decimal("700"))
    ProjectCost.objects.create(project=benefit.project, year=FY, capital_one_off=Decimal("1000"))
    response = client_as(Role.CLT).get("/benefits/summary/")
    [item] = response.context["project_investments"]
    assert item["project"] == benefit.project
    assert item["investment"].payback_year == FY + 1
    assert item["investment"].bcr == Decimal("3.50")  # £700 a year for five MTFP years / £1,000
    portfolio = response.context["investment"]
    assert (portfolio.payback_year, portfolio.bcr) == (FY + 1, Decimal("3.50"))
    assert "3.50" in response.text


def test_a_forecast_left_blank_starts_equal_to_the_plan(client_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    data = add_form(
        project, **{f"plan_{FY + 1}": "300k", f"forecast_{FY}": "", f"forecast_{FY + 1}": ""}
    )
    client_as(Role.PROJECT_MANAGER).post("/benefits/add/", data)
    rows = FinancialBenefit.objects.get().years.order_by("year")
    assert [(r.year, r.plan, r.forecast) for r in rows] == [
        (FY, Decimal("1200.00"), Decimal("1200.00")),
        (FY + 1, Decimal("300000.00"), Decimal("300000.00")),
    ]
