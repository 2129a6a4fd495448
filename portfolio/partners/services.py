"""Writes for partners, contracts, engagements and reviews.

Every edit carries the version it was read at; a save against a newer
version raises EditConflict instead of silently overwriting someone else's
change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from benefits.money import fy_bounds, fy_label
from portfolio.partners import selectors
from portfolio.partners.models import (
    BreakClause,
    Contract,
    Engagement,
    EngagementCost,
    Partner,
    PartnershipReview,
)


class EditConflict(Exception):
    """Someone else saved this record after the form was opened."""


class ContractValueWarning(ValidationError):
    """Engagement costs under a contract would exceed its value. Not an
    error: overruns happen (variations are agreed later), but the user must
    say they know before it is saved."""


def _claim_version(instance, expected_version: int | None) -> None:
    if instance.pk is None:
        instance.version = 1
        return
    current = (
        type(instance)
        .objects.select_for_update()
        .values_list("version", flat=True)
        .get(pk=instance.pk)
    )
    if expected_version is not None and current != expected_version:
        raise EditConflict(
            f"This {type(instance)._meta.verbose_name} was changed by someone else while you "
            "were editing it. Your changes have not been saved: check the latest version "
            "below and enter them again."
        )
    instance.version = current + 1


@transaction.atomic
def partner_save(*, partner: Partner, expected_version: int | None = None) -> Partner:
    _claim_version(partner, expected_version)
    partner.updated_at = timezone.now()
    partner.full_clean()
    partner.save()
    return partner


@dataclass(frozen=True)
class BreakClauseInput:
    break_date: datetime.date
    notice_date: datetime.date
    terms: str = ""


@transaction.atomic
def contract_save(
    *,
    contract: Contract,
    break_clauses: list[BreakClauseInput],
    expected_version: int | None = None,
) -> Contract:
    """Save a contract and replace its break clauses."""
    _claim_version(contract, expected_version)
    contract.full_clean()
    if contract.pk:
        _check_engagements_within(contract)
    contract.save()
    contract.break_clauses.all().delete()
    for number, clause in enumerate(break_clauses, start=1):
        row = BreakClause(contract=contract, **clause.__dict__)
        try:
            row.full_clean()
        except ValidationError as exc:
            raise ValidationError([f"Break clause {number}: {m}" for m in exc.messages]) from None
        row.save()
    return contract


def _check_engagements_within(contract: Contract) -> None:
    outside = contract.engagements.exclude(
        start_date__gte=contract.start_date, end_date__lte=contract.end_date
    )
    if outside.exists():
        names = ", ".join(e.title for e in outside[:3])
        raise ValidationError(
            {
                "end_date": "These dates would leave engagements outside the contract "
                f"({names}): change the engagements first"
            }
        )


@dataclass(frozen=True)
class CostInput:
    financial_year: int
    partner_cost: Decimal
    internal_cost: Decimal = Decimal("0")


@transaction.atomic
def engagement_save(
    *,
    engagement: Engagement,
    costs: list[CostInput],
    acknowledge_overrun: bool = False,
    expected_version: int | None = None,
) -> Engagement:
    """Save an engagement and replace its cost profile.

    Costs above the contract's value are a warning, not an error: raises
    ContractValueWarning unless `acknowledge_overrun`.
    """
    _claim_version(engagement, expected_version)
    engagement.full_clean()
    _check_cost_years(engagement, costs)
    if engagement.contract_id:
        contract = Contract.objects.select_for_update().get(pk=engagement.contract_id)
        committed = selectors.contract_committed_cost(contract, exclude_engagement=engagement)
        total = committed + sum((c.partner_cost for c in costs), Decimal("0"))
        if total > contract.value and not acknowledge_overrun:
            raise ContractValueWarning(
                f"Partner costs under contract {contract.reference} would total "
                f"£{total:,.2f}, which is £{total - contract.value:,.2f} more than the contract "
                f"value of £{contract.value:,.2f}. Tick the box to confirm you want to save "
                "this anyway.",
                code="contract_value_exceeded",
            )
    engagement.save()
    engagement.costs.all().delete()
    EngagementCost.objects.bulk_create(
        EngagementCost(engagement=engagement, **cost.__dict__) for cost in costs
    )
    return engagement


def _check_cost_years(engagement: Engagement, costs: list[CostInput]) -> None:
    seen = set()
    errors = []
    for cost in costs:
        label = fy_label(cost.financial_year)
        if cost.financial_year in seen:
            errors.append(f"{label} is entered twice: enter each financial year once")
        seen.add(cost.financial_year)
        start, end = fy_bounds(cost.financial_year)
        if end < engagement.start_date or start > engagement.end_date:
            errors.append(
                f"{label} is outside the engagement, which runs from "
                f"{engagement.start_date.day} {engagement.start_date:%b %Y} to "
                f"{engagement.end_date.day} {engagement.end_date:%b %Y}"
            )
        if cost.partner_cost < 0 or cost.internal_cost < 0:
            errors.append(f"Costs for {label} must be £0 or more")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def review_save(
    *, review: PartnershipReview, expected_version: int | None = None
) -> PartnershipReview:
    _claim_version(review, expected_version)
    review.full_clean()
    review.save()
    return review
