"""Partner pages. PMO edits; PMO and Finance see costs; every other role reads."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from benefits.money import fy_label
from pmo.charts import BASE_LAYOUT, PALETTE
from pmo.permissions import can, require
from portfolio.partners import exports, reliance, selectors, services
from portfolio.partners.forms import (
    BreakClauseFormSet,
    ContractForm,
    CostLineFormSet,
    EngagementForm,
    PartnerForm,
    ReviewForm,
    break_clause_inputs,
    cost_inputs,
)
from portfolio.partners.models import (
    RATING_FIELDS,
    Contract,
    Engagement,
    Partner,
    PartnershipReview,
)


def _today() -> datetime.date:
    return timezone.localdate()


@require_safe
def partner_list(request):
    require(request, "view")
    today = _today()
    return render(
        request,
        "partners/list.html",
        {
            "rows": selectors.partner_rows(today),
            "alerts": selectors.contract_alerts(today),
            "today": today,
            "show_costs": can(request.user, "view_partner_costs"),
            "rating_fields": RATING_FIELDS,
        },
    )


def _trend_summary(trend: list[reliance.RelianceQuarter]) -> dict | None:
    with_spend = [q for q in trend if q.share is not None]
    direction = reliance.reliance_direction(trend)
    if direction is None:
        return None
    return {
        "direction": direction,
        "first": with_spend[0].share,
        "first_label": with_spend[0].label,
        "last": with_spend[-1].share,
        "last_label": with_spend[-1].label,
    }


def reliance_figure(trend: list[reliance.RelianceQuarter]) -> dict:
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [q.label for q in trend],
                "y": [float(q.share) if q.share is not None else None for q in trend],
                "line": {"color": PALETTE[0], "width": 3},
                "marker": {"size": 8, "symbol": "circle"},
                "hovertemplate": "%{x}: %{y:.1f}% of cost paid to the partner<extra></extra>",
                "connectgaps": False,
            }
        ],
        "layout": {
            **BASE_LAYOUT,
            "margin": {**BASE_LAYOUT["margin"], "b": 110},
            "xaxis": {"title": {"text": "Financial quarter", "standoff": 20}, "tickangle": -45},
            "yaxis": {
                "title": {"text": "Partner share of cost (%)"},
                "range": [0, 100],
                "ticksuffix": "%",
            },
        },
        "config": {"displayModeBar": False},
    }


@require_safe
def partner_detail(request, pk: int):
    require(request, "view")
    try:
        partner = selectors.partner_detail(pk)
    except Partner.DoesNotExist:
        raise Http404("No such partner") from None
    today = _today()
    engagement_list = list(partner.engagements.all())
    reviews = list(partner.reviews.all())
    show_costs = can(request.user, "view_partner_costs")
    context = {
        "partner": partner,
        "today": today,
        "contracts": list(partner.contracts.all()),
        "alerts": selectors.contract_alerts(today, partner=partner),
        "engagements": engagement_list,
        "reviews": reviews,
        "next_review_due": selectors.review_status(partner, reviews[0] if reviews else None, today),
        "knowledge_transfer": selectors.knowledge_transfer_summary(engagement_list),
        "show_costs": show_costs,
        "can_edit": can(request.user, "edit_partners"),
        "rating_fields": RATING_FIELDS,
    }
    if show_costs:
        trend = reliance.reliance_by_quarter(selectors.cost_lines(engagement_list))
        context |= {
            "value": selectors.partner_value(partner),
            "trend": trend,
            "trend_direction": _trend_summary(trend),
            "trend_figure": reliance_figure(trend),
        }
    return render(request, "partners/detail.html", context)


# --- Forms ------------------------------------------------------------------


def _apply_validation_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _conflicted(request, form_class, instance, exc, **kwargs):
    """Keep the user's input, show the conflict, and let a second save go
    through knowingly against the version now stored."""
    data = request.POST.copy()
    instance.refresh_from_db()
    data["version"] = instance.version
    form = form_class(data, instance=instance, **kwargs)
    form.is_valid()
    form.add_error(None, str(exc))
    return form


def _partner_form_page(request, partner: Partner | None):
    require(request, "edit_partners")
    instance = partner or Partner()
    form = PartnerForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.partner_save(
                partner=form.instance, expected_version=form.expected_version
            )
        except services.EditConflict as exc:
            form = _conflicted(request, PartnerForm, partner, exc)
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, f"{saved.name} saved")
            return redirect("partners:detail", pk=saved.pk)
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner})


def partner_create(request):
    return _partner_form_page(request, None)


def partner_edit(request, pk: int):
    return _partner_form_page(request, get_object_or_404(Partner, pk=pk))


def _contract_form_page(request, partner: Partner, contract: Contract | None):
    require(request, "edit_partners")
    instance = contract or Contract(partner=partner)
    data = request.POST if request.method == "POST" else None
    form = ContractForm(data, instance=instance)
    initial = (
        [
            {"break_date": c.break_date, "notice_date": c.notice_date, "terms": c.terms}
            for c in contract.break_clauses.all()
        ]
        if contract
        else []
    )
    formset = BreakClauseFormSet(data, initial=initial, prefix="breaks")
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            saved = services.contract_save(
                contract=form.instance,
                break_clauses=break_clause_inputs(formset),
                expected_version=form.expected_version,
            )
        except services.EditConflict as exc:
            form = _conflicted(request, ContractForm, contract, exc)
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, f"Contract {saved.reference} saved")
            return redirect("partners:detail", pk=partner.pk)
    return render(
        request,
        "partners/contract_form.html",
        {"form": form, "formset": formset, "partner": partner, "contract": contract},
    )


def contract_create(request, partner_pk: int):
    return _contract_form_page(request, get_object_or_404(Partner, pk=partner_pk), None)


def contract_edit(request, pk: int):
    contract = get_object_or_404(Contract.objects.select_related("partner"), pk=pk)
    return _contract_form_page(request, contract.partner, contract)


def _engagement_form_page(request, partner: Partner, engagement: Engagement | None):
    require(request, "edit_partners")
    instance = engagement or Engagement(partner=partner)
    data = request.POST if request.method == "POST" else None
    form = EngagementForm(data, instance=instance, partner=partner)
    initial = (
        [
            {
                "financial_year": fy_label(c.financial_year),
                "partner_cost": f"{c.partner_cost:.2f}",
                "internal_cost": f"{c.internal_cost:.2f}",
            }
            for c in engagement.costs.all()
        ]
        if engagement
        else []
    )
    formset = CostLineFormSet(data, initial=initial, prefix="costs")
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            saved = services.engagement_save(
                engagement=form.instance,
                costs=cost_inputs(formset),
                acknowledge_overrun=form.cleaned_data["acknowledge_overrun"],
                expected_version=form.expected_version,
            )
        except services.EditConflict as exc:
            form = _conflicted(request, EngagementForm, engagement, exc, partner=partner)
        except services.ContractValueWarning as exc:
            form.add_error("acknowledge_overrun", exc.messages[0])
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, f"Engagement “{saved.title}” saved")
            return redirect("partners:detail", pk=partner.pk)
    return render(
        request,
        "partners/engagement_form.html",
        {
            "form": form,
            "formset": formset,
            "partner": partner,
            "engagement": engagement,
            "show_costs": can(request.user, "view_partner_costs"),
        },
    )


def engagement_create(request, partner_pk: int):
    return _engagement_form_page(request, get_object_or_404(Partner, pk=partner_pk), None)


def engagement_edit(request, pk: int):
    engagement = get_object_or_404(Engagement.objects.select_related("partner"), pk=pk)
    return _engagement_form_page(request, engagement.partner, engagement)


def _review_form_page(request, partner: Partner, review: PartnershipReview | None):
    require(request, "edit_partners")
    instance = review or PartnershipReview(partner=partner)
    data = request.POST if request.method == "POST" else None
    initial = None if review else {"review_date": _today(), "reviewer": request.user.pk}
    form = ReviewForm(data, instance=instance, partner=partner, initial=initial)
    if data is not None and form.is_valid():
        try:
            saved = services.review_save(
                review=form.instance, expected_version=form.expected_version
            )
        except services.EditConflict as exc:
            form = _conflicted(request, ReviewForm, review, exc, partner=partner)
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                f"Review of {partner.name} on {saved.review_date.day} "
                f"{saved.review_date:%b %Y} saved",
            )
            return redirect("partners:detail", pk=partner.pk)
    return render(
        request, "partners/review_form.html", {"form": form, "partner": partner, "review": review}
    )


def review_create(request, partner_pk: int):
    return _review_form_page(request, get_object_or_404(Partner, pk=partner_pk), None)


def review_edit(request, pk: int):
    review = get_object_or_404(PartnershipReview.objects.select_related("partner"), pk=pk)
    return _review_form_page(request, review.partner, review)


# --- Exports ----------------------------------------------------------------


@require_safe
def export(request, dataset: str, fmt: str):
    require(request, "view")
    if dataset not in exports.DATASETS or fmt not in ("csv", "xlsx"):
        raise Http404("No such export")
    with_costs = can(request.user, "view_partner_costs")
    content = exports.export_bytes(dataset, fmt, as_of=_today(), with_costs=with_costs)
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{dataset}-{_today():%Y-%m-%d}.{fmt}"'
    return response
