"""PMO forms for partners, contracts, engagements and reviews. Each edit
form carries the version it was read at (optimistic locking)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model

from pmo.forms import GovukDateInput, GovukFormMixin
from pmo.spreadsheets import parse_financial_year, parse_money
from portfolio.models import Project, Workstream
from portfolio.partners.models import (
    RATING_FIELDS,
    Contract,
    Engagement,
    Partner,
    PartnershipReview,
)
from portfolio.partners.services import BreakClauseInput, CostInput


class VersionedForm(GovukFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


class PartnerForm(VersionedForm):
    class Meta:
        model = Partner
        fields = ["name", "partner_type", "contacts", "notes", "review_interval_months"]
        widgets = {"partner_type": forms.RadioSelect}


class MoneyField(forms.CharField):
    """Accepts £1,200.50, 1200.5, 250k or 1.2m, as finance staff type them."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_money(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class ContractForm(VersionedForm):
    value = MoneyField(label="Contract value", help_text="For example £250,000 or 250k.")

    class Meta:
        model = Contract
        fields = [
            "reference",
            "title",
            "procurement_route",
            "value",
            "start_date",
            "end_date",
            "social_value_commitments",
        ]
        widgets = {"start_date": GovukDateInput, "end_date": GovukDateInput}


class BreakClauseForm(GovukFormMixin, forms.Form):
    break_date = forms.DateField(widget=GovukDateInput, required=False)
    notice_date = forms.DateField(
        label="Notice must be given by", widget=GovukDateInput, required=False
    )
    terms = forms.CharField(max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("terms") or data.get("break_date") or data.get("notice_date"):
            if not data.get("break_date"):
                self.add_error("break_date", "Enter the break date")
            if not data.get("notice_date"):
                self.add_error("notice_date", "Enter the date notice must be given by")
        return data


BreakClauseFormSet = forms.formset_factory(BreakClauseForm, extra=2)


def break_clause_inputs(formset) -> list[BreakClauseInput]:
    return [
        BreakClauseInput(
            f.cleaned_data["break_date"],
            f.cleaned_data["notice_date"],
            f.cleaned_data.get("terms", ""),
        )
        for f in formset
        if f.cleaned_data.get("break_date")
    ]


class EngagementForm(VersionedForm):
    acknowledge_overrun = forms.BooleanField(
        label="I understand these costs exceed the contract value and want to save anyway",
        required=False,
    )

    class Meta:
        model = Engagement
        fields = [
            "title",
            "contract",
            "project",
            "workstream",
            "role",
            "start_date",
            "end_date",
            "exit_date",
            "deliverables",
            "kt_skills",
            "kt_counterpart",
            "kt_status",
            "kt_evidence",
        ]
        widgets = {
            "start_date": GovukDateInput,
            "end_date": GovukDateInput,
            "exit_date": GovukDateInput,
            "role": forms.RadioSelect,
            "kt_status": forms.RadioSelect,
        }

    def __init__(self, *args, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partner = partner
        self.fields["contract"].queryset = Contract.objects.filter(partner=partner)
        self.fields["project"].queryset = Project.objects.order_by("number")
        self.fields["project"].help_text = "Choose a project, or a workstream below, not both."
        self.fields["workstream"].queryset = Workstream.objects.all()


class CostLineForm(GovukFormMixin, forms.Form):
    financial_year = forms.CharField(
        label="Financial year",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    partner_cost = MoneyField(label="Partner cost", required=False)
    internal_cost = MoneyField(label="Internal staff cost", required=False)

    def clean_financial_year(self):
        text = self.cleaned_data["financial_year"].strip()
        if not text:
            return None
        try:
            return parse_financial_year(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        has_money = data.get("partner_cost") is not None or data.get("internal_cost") is not None
        if has_money and not data.get("financial_year") and "financial_year" not in self.errors:
            self.add_error("financial_year", "Enter the financial year, for example 2025/26")
        return data


# Enough blank rows for a typical engagement of up to four financial years.
CostLineFormSet = forms.formset_factory(CostLineForm, extra=4)


def cost_inputs(formset) -> list[CostInput]:
    return [
        CostInput(
            f.cleaned_data["financial_year"],
            f.cleaned_data.get("partner_cost") or Decimal("0"),
            f.cleaned_data.get("internal_cost") or Decimal("0"),
        )
        for f in formset
        if f.cleaned_data.get("financial_year")
    ]


RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


class ReviewForm(VersionedForm):
    class Meta:
        model = PartnershipReview
        fields = [
            "review_date",
            "reviewer",
            *[name for name, _ in RATING_FIELDS],
            "narrative",
            "agreed_actions",
        ]
        widgets = {"review_date": GovukDateInput}

    def __init__(self, *args, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partner = partner
        self.fields["reviewer"].queryset = (
            get_user_model()
            .objects.filter(groups__isnull=False, is_active=True)
            .distinct()
            .order_by("first_name", "last_name")
        )
        self.fields["reviewer"].label_from_instance = lambda u: u.get_full_name() or u.username
        for name, label in RATING_FIELDS:
            field = self.fields[name]
            field.widget = forms.RadioSelect(
                choices=RATING_CHOICES, attrs={"class": "govuk-radios__input"}
            )
            field.error_messages["required"] = f"Choose a rating from 1 to 5 for {label.lower()}"
            out_of_range = f"The {label.lower()} rating must be from 1 to 5"
            field.error_messages["invalid"] = out_of_range
            field.error_messages["min_value"] = out_of_range
            field.error_messages["max_value"] = out_of_range
        self.fields["narrative"].error_messages["required"] = (
            "Enter a narrative: say how the partnership is working"
        )

    def clean(self):
        data = super().clean()
        for name, label in RATING_FIELDS:
            value = data.get(name)
            if value is not None and not 1 <= value <= 5:
                self.add_error(
                    name, f"The {label.lower()} rating must be from 1 to 5 (you entered {value})"
                )
        return data
