"""The rules finance relies on, at the service every screen and import uses."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from benefits import services
from benefits.models import BenefitEvent, BenefitStatus, BenefitYear
from benefits.money import financial_year_of
from tests.benefits.factories import BenefitYearFactory, FinancialBenefitFactory
from tests.portfolio.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)
FY = financial_year_of(TODAY)


def finance_user(name):
    user = UserFactory(username=name)
    user.groups.add(Group.objects.get(name="Finance"))
    return user


def new_benefit(**fields):
    project = ProjectFactory()
    return services.benefit_create(
        by=UserFactory(),
        today=TODAY,
        plan={FY: Decimal("1000000.00")},
        project=project,
        title="Channel shift",
        mtfp_category="service_transformation",
        directorate=project.lead_directorate,
        **fields,
    )


def test_it_creates_a_benefit_with_a_forecast_equal_to_its_plan():
    benefit = new_benefit()
    row = benefit.years.get()
    assert (row.year, row.plan, row.forecast) == (FY, Decimal("1000000.00"), Decimal("1000000.00"))
    assert benefit.events.get().kind == "created"


def test_it_refuses_a_negative_amount_unless_a_dis_benefit():
    project = ProjectFactory()
    fields = dict(
        by=UserFactory(),
        today=TODAY,
        project=project,
        title="X",
        mtfp_category="procurement",
        directorate=project.lead_directorate,
    )
    with pytest.raises(ValidationError) as error:
        services.benefit_create(plan={FY: Decimal("-5.00")}, **fields)
    assert "mark the benefit as a dis-benefit" in str(error.value)
    benefit = services.benefit_create(plan={FY: Decimal("-5.00")}, is_disbenefit=True, **fields)
    assert benefit.years.get().plan == Decimal("-5.00")


def test_it_refuses_years_outside_the_mtfp_range():
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        services.benefit_create(
            by=UserFactory(),
            today=TODAY,
            plan={FY + 5: Decimal("1.00")},
            project=project,
            title="X",
            mtfp_category="procurement",
            directorate=project.lead_directorate,
        )
    assert "2031/32 is outside the MTFP range (2025/26 to 2030/31)" in str(error.value)


def test_it_refuses_an_actual_for_a_future_month():
    benefit = new_benefit()
    with pytest.raises(ValidationError) as error:
        services.benefit_record_actual(
            benefit=benefit,
            month=datetime.date(2026, 12, 1),
            amount=Decimal("10"),
            evidence="x",
            by=UserFactory(),
            today=TODAY,
        )
    assert error.value.message_dict["month"] == [
        "December 2026 has not happened yet: record actuals for this month or earlier"
    ]
    assert not benefit.actuals.exists()


def test_the_actual_is_the_sum_of_recorded_actuals():
    benefit = new_benefit()
    for month in (4, 5):
        services.benefit_record_actual(
            benefit=benefit,
            month=datetime.date(2026, month, 1),
            amount=Decimal("100.10"),
            evidence="Budget monitoring",
            by=UserFactory(),
            today=TODAY,
        )
    from benefits.selectors import benefit_profile

    row = next(r for r in benefit_profile(benefit) if r.year == FY)
    assert row.actual == Decimal("200.20")


def test_the_person_who_entered_an_actual_cannot_sign_it_off():
    benefit = new_benefit()
    aisha = finance_user("aisha")
    services.benefit_record_actual(
        benefit=benefit,
        month=datetime.date(2026, 5, 1),
        amount=Decimal("5000"),
        evidence="Outturn",
        by=aisha,
        today=TODAY,
    )
    with pytest.raises(ValidationError) as error:
        services.benefit_sign_off(
            benefit=benefit, year=FY, by=aisha, running_year_confirmed=True, today=TODAY
        )
    assert "another finance officer must sign them off" in str(error.value)
    assert not BenefitYear.objects.get(benefit=benefit).is_signed_off

    row = services.benefit_sign_off(
        benefit=benefit, year=FY, by=finance_user("fiona"), running_year_confirmed=True, today=TODAY
    )
    assert row.signed_off_amount == Decimal("5000.00")


def test_a_year_still_running_is_signed_off_only_when_the_officer_confirms_it():
    benefit = new_benefit()
    fiona = finance_user("fiona")
    with pytest.raises(ValidationError) as error:
        services.benefit_sign_off(benefit=benefit, year=FY, by=fiona, today=TODAY)
    assert error.value.message_dict == {
        "confirm_running_year": [
            "Confirm that you are signing off 2026/27 while it is still running"
        ]
    }
    assert not BenefitYear.objects.get(benefit=benefit).is_signed_off

    # On 1 April the year has closed: no confirmation is asked for.
    row = services.benefit_sign_off(
        benefit=benefit, year=FY, by=fiona, today=datetime.date(FY + 1, 4, 1)
    )
    assert row.is_signed_off


def test_the_sign_off_rule_says_why_before_anyone_presses():
    benefit = new_benefit()
    aisha, fiona = finance_user("aisha"), finance_user("fiona")
    row = BenefitYear.objects.get(benefit=benefit, year=FY)
    refusal = services.sign_off_refusal
    assert refusal(row=row, year=FY, by=fiona, enterers={aisha.pk}, today=TODAY) is None
    assert refusal(row=row, year=FY, by=aisha, enterers={aisha.pk}, today=TODAY) == (
        "You entered actuals for 2026/27, so another finance officer must sign them off"
    )
    assert refusal(row=None, year=FY + 1, by=fiona, enterers=set(), today=TODAY) == (
        "2027/28 has no profile to sign off"
    )


def test_a_signed_off_year_is_locked_and_corrections_are_adjustments_with_a_reason():
    benefit = new_benefit()
    recorder = UserFactory()
    services.benefit_record_actual(
        benefit=benefit,
        month=datetime.date(2026, 5, 1),
        amount=Decimal("5000"),
        evidence="Outturn",
        by=recorder,
        today=TODAY,
    )
    services.benefit_sign_off(
        benefit=benefit, year=FY, by=finance_user("fiona"), running_year_confirmed=True, today=TODAY
    )

    with pytest.raises(ValidationError) as error:
        services.benefit_set_forecast(
            benefit=benefit, year=FY, forecast=Decimal("1"), by=recorder, today=TODAY
        )
    assert "2026/27 is signed off by finance and cannot change" in str(error.value)

    with pytest.raises(ValidationError) as error:
        services.benefit_record_actual(
            benefit=benefit,
            month=datetime.date(2026, 6, 1),
            amount=Decimal("100"),
            evidence="Late invoice",
            by=recorder,
            today=TODAY,
        )
    assert "enter the reason for this adjustment" in str(error.value)

    adjustment = services.benefit_record_actual(
        benefit=benefit,
        month=datetime.date(2026, 6, 1),
        amount=Decimal("100"),
        evidence="Late invoice",
        reason="Invoice arrived after sign-off",
        by=recorder,
        today=TODAY,
    )
    assert adjustment.is_adjustment
    row = BenefitYear.objects.get(benefit=benefit)
    assert row.signed_off_amount == Decimal("5000.00")  # what finance confirmed stays


def test_an_approved_plan_changes_only_by_a_re_baseline_with_a_reason():
    benefit = new_benefit()
    pmo = UserFactory()
    services.benefit_approve_plan(benefit=benefit, by=pmo)
    benefit.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.benefit_update(
            benefit=benefit, version=benefit.version, by=pmo, plan={FY: Decimal("1")}, today=TODAY
        )
    assert "change it by re-baselining" in str(error.value)
    with pytest.raises(ValidationError):
        services.benefit_rebaseline(
            benefit=benefit, plan={FY: Decimal("1")}, reason=" ", by=pmo, today=TODAY
        )
    services.benefit_rebaseline(
        benefit=benefit,
        plan={FY: Decimal("800000")},
        reason="Business case revised",
        by=pmo,
        today=TODAY,
    )
    assert benefit.years.get().plan == Decimal("800000.00")
    event = BenefitEvent.objects.get(benefit=benefit, kind="rebaselined")
    assert event.reason == "Business case revised"
    assert "£1,000,000.00 → £800,000.00" in event.detail


def test_an_edit_from_a_stale_form_is_refused():
    benefit = new_benefit()
    with pytest.raises(services.ConflictError):
        services.benefit_update(
            benefit=benefit, version=benefit.version - 1, by=UserFactory(), title="New"
        )


def test_writing_off_keeps_what_was_realised_and_records_the_reason():
    benefit = new_benefit()
    services.benefit_record_actual(
        benefit=benefit,
        month=datetime.date(2026, 5, 1),
        amount=Decimal("2500"),
        evidence="x",
        by=UserFactory(),
        today=TODAY,
    )
    services.benefit_write_off(benefit=benefit, reason="Pilot failed", by=UserFactory())
    benefit.refresh_from_db()
    assert benefit.status == BenefitStatus.WRITTEN_OFF
    row = benefit.years.get()
    assert (row.plan, row.forecast) == (Decimal("1000000.00"), Decimal("2500.00"))
    assert benefit.events.filter(kind="written_off", reason="Pilot failed").exists()


def test_re_profiling_needs_a_reason_and_moves_the_forecast():
    benefit = new_benefit()
    with pytest.raises(ValidationError):
        services.benefit_reprofile(
            benefit=benefit, forecast={FY + 1: Decimal("1")}, reason="", by=UserFactory()
        )
    services.benefit_reprofile(
        benefit=benefit,
        forecast={FY: Decimal("0"), FY + 1: Decimal("1000000")},
        reason="Recruitment delay",
        by=UserFactory(),
        today=TODAY,
    )
    assert dict(benefit.years.values_list("year", "forecast")) == {
        FY: Decimal("0.00"),
        FY + 1: Decimal("1000000.00"),
    }


def test_confirmed_fte_cannot_exceed_proposed():
    with pytest.raises(ValidationError) as error:
        new_benefit(fte_proposed=Decimal("2"), fte_confirmed=Decimal("3"))
    assert "Confirmed FTE cannot be more than the FTE proposed" in str(error.value)


def test_a_duplicate_is_shown_but_counted_once():
    from benefits.selectors import tracker_totals

    first = BenefitYearFactory(year=FY).benefit
    second = BenefitYearFactory(
        year=FY, benefit=FinancialBenefitFactory(budget_code=first.budget_code)
    ).benefit
    assert tracker_totals({}, FY).plan == Decimal("200000.00")
    services.benefit_mark_duplicate(
        benefit=second, duplicate_of=first, reason="Same contract", by=UserFactory()
    )
    assert tracker_totals({}, FY).plan == Decimal("100000.00")


def test_a_year_that_has_not_started_cannot_be_signed_off():
    benefit = new_benefit()
    BenefitYearFactory(benefit=benefit, year=FY + 1)
    with pytest.raises(ValidationError) as error:
        services.benefit_sign_off(
            benefit=benefit, year=FY + 1, by=finance_user("fiona"), today=TODAY
        )
    assert "2027/28 has not started" in str(error.value)


def test_an_over_recorded_actual_is_corrected_by_a_negative_adjustment_with_a_reason():
    benefit = new_benefit()
    recorder = UserFactory()
    record = {"benefit": benefit, "evidence": "Outturn", "by": recorder, "today": TODAY}
    services.benefit_record_actual(
        month=datetime.date(2026, 5, 1), amount=Decimal("5000"), **record
    )

    with pytest.raises(ValidationError) as error:
        services.benefit_record_actual(
            month=datetime.date(2026, 6, 1), amount=Decimal("-1200.50"), **record
        )
    assert "Enter the reason for this correction" in str(error.value)

    correction = services.benefit_record_actual(
        month=datetime.date(2026, 6, 1),
        amount=Decimal("-1200.50"),
        reason="May invoice was counted twice",
        **record,
    )
    assert correction.is_adjustment
    assert sum(a.amount for a in benefit.actuals.all()) == Decimal("3799.50")
