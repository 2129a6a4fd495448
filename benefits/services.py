"""Writes to benefits. The UI, the import and the admin all call these, so
each rule (signs, MTFP range, sign-off locks, self sign-off) is written once.

Every service validates with full_clean() and writes under transaction.atomic;
a ValidationError names the field (or the `year_<n>` of a profile cell) so
forms and the import can point at it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from benefits import notices
from benefits.models import (
    ZERO,
    BenefitActual,
    BenefitEvent,
    BenefitEventKind,
    BenefitStatus,
    BenefitYear,
    DoubleCountResolution,
    FinancialBenefit,
    KpiMeasurement,
    NarrativeEntry,
    NonFinancialBenefit,
    ProjectCost,
    validate_amount,
    validate_year,
)
from benefits.money import financial_year_of, fy_label, is_future_month, month_start
from pmo.reports import assert_period_open


class ConflictError(Exception):
    """Someone else saved the benefit since this form was read."""


def _money_text(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def _log(benefit, kind, *, by, year=None, reason="", detail=""):
    BenefitEvent.objects.create(
        benefit=benefit, kind=kind, year=year, reason=reason, detail=detail, by=by
    )


def _check_profile(benefit: FinancialBenefit, amounts: Mapping[int, Decimal], field: str, today):
    errors = {}
    for year, amount in amounts.items():
        try:
            validate_year(year, f"year_{year}", today)
            validate_amount(benefit, amount, f"year_{year}")
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors[key] = [f"{field.capitalize()} {fy_label(year)}: {m}" for m in messages]
    if errors:
        raise ValidationError(errors)


def _refuse_signed_off(year: int, field: str = "") -> None:
    raise ValidationError(
        {
            field
            or f"year_{year}": f"{fy_label(year)} is signed off by finance and cannot change; "
            "record an adjustment with a reason instead"
        }
    )


def _write_amounts(
    benefit: FinancialBenefit, amounts: Mapping[int, Decimal], field: str
) -> list[str]:
    """Set `field` (plan or forecast) for each year; return what changed."""
    existing = {row.year: row for row in benefit.years.all()}
    changes = []
    for year, amount in sorted(amounts.items()):
        row = existing.get(year)
        before = getattr(row, field) if row else ZERO
        if row is None:
            if amount == ZERO:
                continue
            row = BenefitYear(benefit=benefit, year=year)
        if row.pk and before == amount:
            continue
        if row.is_signed_off:
            _refuse_signed_off(year)
        setattr(row, field, amount)
        row.full_clean()
        row.save()
        changes.append(f"{fy_label(year)}: {_money_text(before)} → {_money_text(amount)}")
    return changes


@transaction.atomic
def benefit_create(
    *,
    by,
    plan: Mapping[int, Decimal],
    forecast: Mapping[int, Decimal] | None = None,
    today: datetime.date | None = None,
    **fields,
) -> FinancialBenefit:
    """A new benefit with its profile. Until the plan is approved the forecast
    starts equal to the plan unless one is given."""
    today = today or timezone.localdate()
    benefit = FinancialBenefit(created_by=by, **fields)
    benefit.full_clean()
    _check_profile(benefit, plan, "plan", today)
    forecast = dict(plan) if forecast is None else forecast
    _check_profile(benefit, forecast, "forecast", today)
    benefit.save()
    for year in sorted(set(plan) | set(forecast)):
        p, f = plan.get(year, ZERO), forecast.get(year, ZERO)
        if p or f:
            BenefitYear.objects.create(benefit=benefit, year=year, plan=p, forecast=f)
    _log(benefit, BenefitEventKind.CREATED, by=by)
    return benefit


@transaction.atomic
def benefit_update(
    *,
    benefit: FinancialBenefit,
    version: int,
    by,
    plan: Mapping[int, Decimal] | None = None,
    forecast: Mapping[int, Decimal] | None = None,
    today: datetime.date | None = None,
    **fields,
) -> FinancialBenefit:
    """Edit details and, while the plan is unapproved, the plan. An approved
    plan changes only by benefit_rebaseline(), which records a reason."""
    today = today or timezone.localdate()
    locked = FinancialBenefit.objects.select_for_update().get(pk=benefit.pk)
    if locked.version != version:
        raise ConflictError
    for name, value in fields.items():
        setattr(benefit, name, value)
    benefit.version = locked.version + 1
    benefit.updated_at = timezone.now()
    benefit.full_clean()
    benefit.save()
    changes = []
    if plan is not None:
        existing_plan = {row.year: row.plan for row in benefit.years.all()}
        if locked.plan_approved_at and any(
            existing_plan.get(y, ZERO) != a for y, a in plan.items()
        ):
            raise ValidationError(
                {"plan": "The plan is approved: change it by re-baselining, with a reason"}
            )
        _check_profile(benefit, plan, "plan", today)
        changes += _write_amounts(benefit, plan, "plan")
    if forecast is not None:
        _check_profile(benefit, forecast, "forecast", today)
        changes += _write_amounts(benefit, forecast, "forecast")
    _log(benefit, BenefitEventKind.EDITED, by=by, detail="; ".join(changes))
    return benefit


@transaction.atomic
def benefit_approve_plan(*, benefit: FinancialBenefit, by) -> FinancialBenefit:
    if benefit.plan_is_approved:
        raise ValidationError("The plan is already approved")
    if not benefit.years.exclude(plan=0).exists():
        raise ValidationError("Enter a plan for at least one year before approving it")
    benefit.plan_approved_at = timezone.now()
    benefit.plan_approved_by = by
    if benefit.status == BenefitStatus.IDENTIFIED:
        benefit.status = BenefitStatus.VALIDATED
    benefit.save(update_fields=["plan_approved_at", "plan_approved_by", "status"])
    _log(benefit, BenefitEventKind.PLAN_APPROVED, by=by)
    return benefit


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter the reason for the change"})


@transaction.atomic
def benefit_rebaseline(
    *,
    benefit: FinancialBenefit,
    plan: Mapping[int, Decimal],
    reason: str,
    by,
    today: datetime.date | None = None,
) -> FinancialBenefit:
    """Change an approved plan (the business case). The old and new figures
    and the reason stay in the benefit's history."""
    _require_reason(reason)
    _check_profile(benefit, plan, "plan", today or timezone.localdate())
    changes = _write_amounts(benefit, plan, "plan")
    if not changes:
        raise ValidationError({"reason": "The new plan is the same as the current plan"})
    _log(benefit, BenefitEventKind.REBASELINED, by=by, reason=reason, detail="; ".join(changes))
    return benefit


@transaction.atomic
def benefit_reprofile(
    *,
    benefit: FinancialBenefit,
    forecast: Mapping[int, Decimal],
    reason: str,
    by,
    today: datetime.date | None = None,
) -> FinancialBenefit:
    """Move or change the forecast across years, with a reason."""
    _require_reason(reason)
    _check_profile(benefit, forecast, "forecast", today or timezone.localdate())
    changes = _write_amounts(benefit, forecast, "forecast")
    if not changes:
        raise ValidationError({"reason": "The new forecast is the same as the current forecast"})
    _log(benefit, BenefitEventKind.REPROFILED, by=by, reason=reason, detail="; ".join(changes))
    return benefit


@transaction.atomic
def benefit_set_forecast(
    *,
    benefit: FinancialBenefit,
    year: int,
    forecast: Decimal,
    by,
    today: datetime.date | None = None,
) -> BenefitYear:
    """The inline forecast edit on the profile table: one year at a time."""
    _check_profile(benefit, {year: forecast}, "forecast", today or timezone.localdate())
    changes = _write_amounts(benefit, {year: forecast}, "forecast")
    if changes:
        _log(benefit, BenefitEventKind.FORECAST_CHANGED, by=by, year=year, detail=changes[0])
    return benefit.years.get(year=year)


@transaction.atomic
def benefit_write_off(
    *, benefit: FinancialBenefit, reason: str, by, today: datetime.date | None = None
) -> FinancialBenefit:
    """Test, scale or stop: stop expecting the rest of the saving. Every year
    not signed off keeps only what has actually been realised; the plan
    stays, so the gap shows as lost."""
    _require_reason(reason)
    if benefit.is_written_off:
        raise ValidationError({"reason": "This benefit is already written off"})
    actuals = dict(
        benefit.actuals.values("year").annotate(total=Sum("amount")).values_list("year", "total")
    )
    changes = []
    for row in benefit.years.select_for_update():
        if row.is_signed_off:
            continue
        realised = actuals.get(row.year, ZERO)
        if row.forecast != realised:
            changes.append(f"{row.label}: {_money_text(row.forecast)} → {_money_text(realised)}")
            row.forecast = realised
            row.save(update_fields=["forecast"])
    benefit.status = BenefitStatus.WRITTEN_OFF
    benefit.written_off_reason = reason
    benefit.version = F("version") + 1
    benefit.save(update_fields=["status", "written_off_reason", "version"])
    benefit.refresh_from_db()
    _log(benefit, BenefitEventKind.WRITTEN_OFF, by=by, reason=reason, detail="; ".join(changes))
    return benefit


@transaction.atomic
def benefit_record_actual(
    *,
    benefit: FinancialBenefit,
    month: datetime.date,
    amount: Decimal,
    evidence: str,
    by,
    reason: str = "",
    today: datetime.date | None = None,
) -> BenefitActual:
    """A realised amount for one month. A future month is refused, and so is
    a month closed by a published pack (pmo.reports.assert_period_open).
    Once the year is signed off, only an adjustment with a reason can be
    added."""
    today = today or timezone.localdate()
    month = month_start(month)
    errors: dict[str, str | list[str]] = {}
    if is_future_month(month, today):
        errors["month"] = (
            f"{month:%B %Y} has not happened yet: record actuals for this month or earlier"
        )
    try:
        # Once a month's pack is published its actuals are closed: a
        # correction goes into a later month, with a reason.
        assert_period_open(month)
    except ValidationError as exc:
        errors["month"] = exc.messages
    year = financial_year_of(month)
    try:
        validate_year(year, "month", today)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    # A negative actual is a correction of an amount recorded too high: it
    # is allowed as an adjustment with a written reason, never silently.
    is_correction = amount is not None and amount < 0 and not benefit.is_disbenefit
    if is_correction and not reason.strip():
        errors["reason"] = (
            "Enter the reason for this correction: a negative actual reduces "
            "an amount recorded earlier"
        )
    elif not is_correction:
        try:
            validate_amount(benefit, amount, "amount")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not (evidence or "").strip():
        errors["evidence"] = "Enter the evidence for this actual"
    if errors:
        raise ValidationError(errors)
    profile_row, _ = BenefitYear.objects.select_for_update().get_or_create(
        benefit=benefit, year=year
    )
    is_adjustment = profile_row.is_signed_off or is_correction
    if is_adjustment and not reason.strip():
        raise ValidationError(
            {
                "reason": f"{fy_label(year)} is signed off by finance: "
                "enter the reason for this adjustment"
            }
        )
    actual = BenefitActual(
        benefit=benefit,
        month=month,
        year=year,
        amount=amount,
        evidence=evidence,
        reason=reason,
        is_adjustment=is_adjustment,
        entered_by=by,
    )
    actual.full_clean()
    actual.save()
    _log(
        benefit,
        BenefitEventKind.ADJUSTMENT if is_adjustment else BenefitEventKind.ACTUAL_RECORDED,
        by=by,
        year=year,
        reason=reason,
        detail=f"{month:%b %Y}: {_money_text(amount)}",
    )
    notices.actual_awaits_sign_off(actual)
    return actual


def sign_off_refusal(
    *, row: BenefitYear | None, year: int, by, enterers: set[int], today: datetime.date
) -> str | None:
    """Why `by` may not sign off `year`, or None when they may.

    The one place the sign-off rules are decided: benefit_sign_off refuses
    with it, and the benefit page and the sign-off form ask it first, so a
    finance officer sees why before pressing anything. `enterers` are the
    ids of the users who entered any of the year's actuals. Segregation of
    duties: whoever entered any of them cannot be the one who signs them
    off. (Who holds the Finance role is pmo.permissions' rule.)
    """
    label = fy_label(year)
    if row is None:
        return f"{label} has no profile to sign off"
    if row.is_signed_off:
        return f"{label} is already signed off"
    if year > financial_year_of(today):
        return f"{label} has not started: nothing can be realised yet"
    if by.pk in enterers:
        return f"You entered actuals for {label}, so another finance officer must sign them off"
    return None


def is_running_year(year: int, today: datetime.date) -> bool:
    """The financial year still under way (1 April to 31 March): actuals can
    still arrive, so signing it off means later ones become adjustments."""
    return year == financial_year_of(today)


RUNNING_YEAR_FIELD = "confirm_running_year"


@transaction.atomic
def benefit_sign_off(
    *,
    benefit: FinancialBenefit,
    year: int,
    by,
    note: str = "",
    running_year_confirmed: bool = False,
    today: datetime.date | None = None,
) -> BenefitYear:
    """Finance confirms the realised amount for a year and locks it.

    The rules are sign_off_refusal's. A year still running is signed off only
    when the officer confirms it, knowing that any actual recorded later is
    an adjustment with a reason.
    """
    today = today or timezone.localdate()
    row = BenefitYear.objects.select_for_update().filter(benefit=benefit, year=year).first()
    actuals = benefit.actuals.filter(year=year)
    refusal = sign_off_refusal(
        row=row,
        year=year,
        by=by,
        enterers=set(actuals.values_list("entered_by", flat=True)),
        today=today,
    )
    if refusal:
        raise ValidationError(refusal)
    if is_running_year(year, today) and not running_year_confirmed:
        raise ValidationError(
            {
                RUNNING_YEAR_FIELD: f"Confirm that you are signing off {fy_label(year)} "
                "while it is still running"
            }
        )
    assert row is not None  # sign_off_refusal refuses a year with no row
    realised = actuals.aggregate(total=Sum("amount"))["total"] or ZERO
    row.signed_off_amount = realised
    row.signed_off_by = by
    row.signed_off_at = timezone.now()
    row.sign_off_note = note
    row.save(update_fields=["signed_off_amount", "signed_off_by", "signed_off_at", "sign_off_note"])
    _log(
        benefit,
        BenefitEventKind.SIGNED_OFF,
        by=by,
        year=year,
        reason=note,
        detail=f"Realised {_money_text(realised)}",
    )
    return row


# --- Double counting ---------------------------------------------------------


def flag_key(benefit_ids) -> str:
    return ",".join(str(i) for i in sorted(set(benefit_ids)))


@transaction.atomic
def double_count_mark_distinct(
    *, budget_code: str, year: int, benefit_ids: list[int], reason: str, by
) -> DoubleCountResolution:
    _require_reason(reason)
    resolution = DoubleCountResolution(
        budget_code=budget_code,
        year=year,
        benefit_ids=flag_key(benefit_ids),
        reason=reason,
        resolved_by=by,
    )
    resolution.full_clean()
    resolution.save()
    return resolution


@transaction.atomic
def benefit_mark_duplicate(
    *, benefit: FinancialBenefit, duplicate_of: FinancialBenefit, reason: str, by
) -> FinancialBenefit:
    """Fix a double count: the benefit stays on its project's page but the
    portfolio counts the saving once, under `duplicate_of`."""
    _require_reason(reason)
    if duplicate_of.duplicate_of_id:
        raise ValidationError(
            {"duplicate_of": "Choose the benefit that is counted, not another duplicate"}
        )
    benefit.duplicate_of = duplicate_of
    benefit.full_clean()
    benefit.save(update_fields=["duplicate_of"])
    _log(
        benefit,
        BenefitEventKind.MARKED_DUPLICATE,
        by=by,
        reason=reason,
        detail=f"Counted under {duplicate_of.reference} {duplicate_of.title}",
    )
    return benefit


# --- Costs -------------------------------------------------------------------


@transaction.atomic
def project_costs_save(
    *, project, rows: Mapping[int, tuple[Decimal, Decimal, Decimal]], today=None
) -> list[ProjectCost]:
    """Replace the project's investment profile, year by year."""
    today = today or timezone.localdate()
    errors: dict[str, str | list[str]] = {}
    for year, amounts in rows.items():
        try:
            validate_year(year, f"year_{year}", today)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if any(a < 0 for a in amounts):
            errors[f"year_{year}"] = f"{fy_label(year)}: enter costs of £0 or more"
    if errors:
        raise ValidationError(errors)
    saved = []
    for year, (capital, revenue, ongoing) in sorted(rows.items()):
        if not (capital or revenue or ongoing):
            ProjectCost.objects.filter(project=project, year=year).delete()
            continue
        cost, _ = ProjectCost.objects.update_or_create(
            project=project,
            year=year,
            defaults={
                "capital_one_off": capital,
                "revenue_one_off": revenue,
                "revenue_ongoing": ongoing,
            },
        )
        saved.append(cost)
    return saved


# --- Non-financial benefits -----------------------------------------------


@transaction.atomic
def outcome_create(*, by=None, **fields) -> NonFinancialBenefit:
    outcome = NonFinancialBenefit(**fields)
    outcome.full_clean()
    outcome.save()
    return outcome


@transaction.atomic
def kpi_record_measurement(
    *, benefit: NonFinancialBenefit, measured_on, value, note="", source="", by, today=None
) -> KpiMeasurement:
    today = today or timezone.localdate()
    if benefit.kind != "measured":
        raise ValidationError("Only a measured benefit takes KPI measurements")
    if measured_on > today:
        raise ValidationError({"measured_on": "The measurement date must be today or earlier"})
    measurement = KpiMeasurement(
        benefit=benefit,
        measured_on=measured_on,
        value=value,
        note=note,
        source=source,
        recorded_by=by,
    )
    measurement.full_clean()
    measurement.save()
    return measurement


@transaction.atomic
def narrative_add(
    *, benefit: NonFinancialBenefit, entry_date, description, evidence="", by, today=None
) -> NarrativeEntry:
    today = today or timezone.localdate()
    if entry_date > today:
        raise ValidationError({"entry_date": "The date must be today or earlier"})
    entry = NarrativeEntry(
        benefit=benefit,
        entry_date=entry_date,
        description=description,
        evidence=evidence,
        recorded_by=by,
    )
    entry.full_clean()
    entry.save()
    return entry
