from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from benefits import services
from benefits.models import (
    BenefitStatus,
    BenefitType,
    Confidence,
    FinancialBenefit,
    KpiMeasurement,
    NarrativeEntry,
    NonFinancialBenefit,
)
from benefits.money import financial_year_of, fy_label, mtfp_years
from benefits.selectors import INCREMENTAL, VIEW_LABELS
from pmo.forms import GovukDateInput, GovukFormMixin, QueryFilterForm
from pmo.permissions import restrict
from pmo.spreadsheets import parse_money
from portfolio import imports as project_imports
from portfolio.models import Directorate, MTFPCategory, Project, Service, Workstream

User = get_user_model()


class MoneyField(forms.CharField):
    """Money as people type it: '£1,200', '1.2m', '250k'. Always Decimal."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in (None, ""):
            return None if self.required else Decimal("0.00")
        try:
            return parse_money(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        return value


def name_required_errors(form: forms.BaseForm, **specific: str) -> None:
    """GOV.UK error messages for a missing answer, never Django's generic
    "This field is required.": `specific` ones by field name, else "Enter
    the <label>" ("Choose the <label>" for a choice)."""
    for name, field in form.fields.items():
        if name in specific:
            message = specific[name]
        else:
            verb = (
                "Choose"
                if isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
                else "Enter"
            )
            message = f"{verb} the {str(field.label or name.replace('_', ' ')).lower()}"
        field.error_messages["required"] = message


# --- The lists' filters (query string) ---------------------------------------


class FiguresForm(QueryFilterForm):
    """Which financial year and which figures a page of money shows: one of
    the medium-term plan's years, incremental or budget effect."""

    year = forms.TypedChoiceField(label="Financial year", coerce=int, required=False)
    view = forms.ChoiceField(label="Figures", choices=list(VIEW_LABELS.items()), required=False)

    def __init__(self, data=None, *args, today: datetime.date, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.today = today
        self.fields["year"].choices = [(y, fy_label(y)) for y in mtfp_years(today)]

    @property
    def chosen_year(self) -> int:
        return self.valid().get("year") or financial_year_of(self.today)

    @property
    def chosen_view(self) -> str:
        return self.valid().get("view") or INCREMENTAL


class SummaryFiguresForm(FiguresForm):
    measure = forms.ChoiceField(
        label="Measure",
        choices=[("plan", "Plan"), ("forecast", "Forecast"), ("actual", "Actual")],
        required=False,
    )

    @property
    def chosen_measure(self) -> str:
        return self.valid().get("measure") or "forecast"


class TrackerFilterForm(FiguresForm):
    directorate = forms.ModelChoiceField(Directorate.objects.all(), required=False)
    workstream = forms.ModelChoiceField(Workstream.objects.all(), required=False)
    benefit_type = forms.ChoiceField(
        label="Type", choices=[("", "All"), *BenefitType.choices], required=False
    )
    mtfp_category = forms.ChoiceField(
        label="MTFP category", choices=[("", "All"), *MTFPCategory.choices], required=False
    )
    confidence = forms.ChoiceField(choices=[("", "All"), *Confidence.choices], required=False)
    status = forms.ChoiceField(choices=[("", "All"), *BenefitStatus.choices], required=False)

    def filters(self) -> dict:
        """The tracker's filters for benefits.selectors.filtered_benefits:
        recognised values only, a directorate or workstream by its id."""
        chosen = self.valid()
        chosen.pop("year", None)
        chosen.pop("view", None)
        for name in ("directorate", "workstream"):
            if name in chosen:
                chosen[name] = chosen[name].pk
        return chosen


class AddBenefitQuery(QueryFilterForm):
    """The add page's ?project= prefill: a project reference, checked like a
    list's filters (a NUL byte or an over-long value is ignored, never a query)."""

    project = forms.CharField(max_length=12, required=False)


class YearProfileMixin:
    """Adds one money field per financial year for each named measure."""

    measures: tuple[str, ...] = ()
    blank_initial: Decimal | None = Decimal("0.00")

    def add_year_fields(self, years: list[int], initial: dict[str, dict[int, Decimal]]):
        self.years = years
        for measure in self.measures:
            for year in years:
                name = f"{measure}_{year}"
                self.fields[name] = MoneyField(
                    label=f"{measure.capitalize()} {fy_label(year)} (incremental)",
                    initial=initial.get(measure, {}).get(year, self.blank_initial),
                )
                self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def profile(self, measure: str) -> dict[int, Decimal]:
        return {y: self.cleaned_data.get(f"{measure}_{y}") or Decimal("0.00") for y in self.years}

    def forecast_or_plan(self) -> dict[int, Decimal]:
        """A forecast left blank is the plan: a new benefit starts on plan."""
        plan = self.profile("plan")
        return {
            y: plan[y]
            if str(self.data.get(self.add_prefix(f"forecast_{y}"), "")).strip() == ""
            else self.cleaned_data.get(f"forecast_{y}") or Decimal("0.00")
            for y in self.years
        }

    def year_rows(self):
        return [(fy_label(y), [self[f"{m}_{y}"] for m in self.measures]) for y in self.years]

    def year_headings(self):
        return [f"{m.capitalize()} (incremental)" for m in self.measures]

    def apply_service_errors(self, exc: ValidationError) -> None:
        """Map a service's year_<n> keys onto the year field of each measure."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for key, errors in exc.message_dict.items():
            if key.startswith("year_"):
                year = key.removeprefix("year_")
                target = next(
                    (
                        f"{m}_{year}"
                        for m in self.measures
                        if any(e.lower().startswith(m) for e in errors)
                        and f"{m}_{year}" in self.fields
                    ),
                    None,
                ) or next(
                    (f"{m}_{year}" for m in self.measures if f"{m}_{year}" in self.fields), None
                )
                for error in errors:
                    self.add_error(target, error)
            elif key in self.fields:
                for error in errors:
                    self.add_error(key, error)
            else:
                for error in errors:
                    self.add_error(None, error)


def people():
    return (
        User.objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class BenefitForm(GovukFormMixin, YearProfileMixin, forms.ModelForm):
    measures = ("plan", "forecast")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    owner = UserChoiceField(queryset=User.objects.none(), required=False, label="Benefit owner")
    baseline_value = MoneyField(label="Baseline value", required=False)

    class Meta:
        model = FinancialBenefit
        fields = [
            "project",
            "title",
            "description",
            "benefit_type",
            "recurrence",
            "mtfp_category",
            "saving_kind",
            "is_disbenefit",
            "directorate",
            "service",
            "budget_code",
            "owner",
            "baseline_value",
            "baseline_date",
            "baseline_source",
            "measurement_method",
            "evidence",
            "confidence",
            "status",
            "fte_proposed",
            "fte_confirmed",
        ]
        widgets = {"baseline_date": GovukDateInput}

    def __init__(self, *args, user, years, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["owner"].queryset = people()
        self.fields["service"].queryset = Service.objects.select_related("directorate")
        if self.instance.status != "written_off":
            # Writing off is its own action, with a reason (benefit_write_off).
            self.fields["status"].choices = [
                c for c in self.fields["status"].choices if c[0] != "written_off"
            ]
        name_required_errors(self)
        instance = self.instance
        initial = {"plan": {}, "forecast": {}}
        self.blank_initial = Decimal("0.00") if instance.pk else None
        if instance.pk:
            self.fields["project"].disabled = True
            self.fields["version"].initial = instance.version
            for row in instance.years.all():
                initial["plan"][row.year] = row.plan
                initial["forecast"][row.year] = row.forecast
            years = sorted(set(years) | set(initial["plan"]))
        self.add_year_fields(years, initial)
        self.plan_locked = bool(instance.pk and instance.plan_is_approved)
        self.signed_years = (
            {row.year for row in instance.years.all() if row.is_signed_off}
            if instance.pk
            else set()
        )
        for year in years:
            if self.plan_locked or year in self.signed_years:
                self.fields[f"plan_{year}"].disabled = True
            if year in self.signed_years:
                self.fields[f"forecast_{year}"].disabled = True

    def clean_baseline_value(self):
        value = self.cleaned_data.get("baseline_value")
        raw = self.data.get(self.add_prefix("baseline_value"), "")
        return None if str(raw).strip() == "" else value

    def detail_fields(self):
        return {
            name: value for name, value in self.cleaned_data.items() if name in self.Meta.fields
        }


class ActualForm(GovukFormMixin, forms.Form):
    month = forms.DateField(
        label="Month realised",
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d", "%d/%m/%Y", "%m/%Y"],
        help_text="The month the saving was realised. A future month is refused.",
        error_messages={"invalid": "Enter the month as a date, for example 2026-10"},
    )
    amount = MoneyField(label="Amount realised (incremental)", required=True)
    evidence = forms.CharField(label="Evidence note", widget=forms.Textarea)
    reason = forms.CharField(
        label="Reason for adjustment",
        widget=forms.Textarea,
        required=False,
        help_text=(
            "Needed when the year is already signed off, or for a negative amount that "
            "corrects one recorded too high: the entry is then an adjustment."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_required_errors(
            self,
            month="Enter the month the saving was realised",
            amount="Enter the amount realised",
            evidence="Enter the evidence for this actual",
        )


class SignOffForm(GovukFormMixin, forms.Form):
    note = forms.CharField(label="Sign-off note", widget=forms.Textarea, required=False)

    def __init__(self, *args, running_year: str | None = None, **kwargs):
        """`running_year` ("2026/27") when the year is still running: the
        officer then confirms it (benefits.services.benefit_sign_off refuses
        without), GOV.UK's warning text and a confirm checkbox."""
        super().__init__(*args, **kwargs)
        if running_year:
            self.fields[services.RUNNING_YEAR_FIELD] = forms.BooleanField(
                required=False,
                label=(
                    f"I am signing off {running_year} while it is still running, and any "
                    "actual recorded later will need an adjustment with a reason"
                ),
                widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
            )

    @property
    def running_year_confirmed(self) -> bool:
        return bool(self.cleaned_data.get(services.RUNNING_YEAR_FIELD))


class ReasonForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea)

    def full_clean(self):
        # Subclasses relabel the reason ("Reason for re-baselining"), so the
        # message follows the label it ends up with.
        name_required_errors(self)
        super().full_clean()


class WriteOffForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Reason for writing off the benefit"


class RebaselineForm(ReasonForm, YearProfileMixin):
    measures = ("plan",)

    def __init__(self, *args, benefit, years, **kwargs):
        super().__init__(*args, **kwargs)
        rows = {r.year: r for r in benefit.years.all()}
        self.add_year_fields(
            sorted(set(years) | set(rows)), {"plan": {y: r.plan for y, r in rows.items()}}
        )
        for year, row in rows.items():
            if row.is_signed_off:
                self.fields[f"plan_{year}"].disabled = True
        self.fields["reason"].label = "Reason for re-baselining"


class ReprofileForm(ReasonForm, YearProfileMixin):
    measures = ("forecast",)

    def __init__(self, *args, benefit, years, **kwargs):
        super().__init__(*args, **kwargs)
        rows = {r.year: r for r in benefit.years.all()}
        self.add_year_fields(
            sorted(set(years) | set(rows)), {"forecast": {y: r.forecast for y, r in rows.items()}}
        )
        for year, row in rows.items():
            if row.is_signed_off:
                self.fields[f"forecast_{year}"].disabled = True
        self.fields["reason"].label = "Reason for re-profiling"


class ForecastCellForm(forms.Form):
    forecast = MoneyField(
        label="Forecast", required=True, error_messages={"required": "Enter the forecast"}
    )


class ResolveFlagForm(GovukFormMixin, forms.Form):
    ACTIONS = [
        ("distinct", "They are distinct savings"),
        ("duplicate", "They are the same saving: count it once"),
    ]
    budget_code = forms.CharField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput)
    benefit_ids = forms.CharField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect, label="Resolution")
    duplicate = forms.ModelChoiceField(
        queryset=FinancialBenefit.objects.none(),
        required=False,
        label="The benefit that duplicates the other (it will not be counted again)",
    )
    reason = forms.CharField(widget=forms.Textarea, label="Reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_required_errors(
            self, action="Choose whether they are distinct savings or the same saving"
        )
        self.fields["duplicate"].queryset = FinancialBenefit.objects.select_related("project")
        self.fields["duplicate"].label_from_instance = lambda b: (
            f"{b.reference} {b.title} ({b.project.reference})"
        )

    def clean_benefit_ids(self):
        try:
            return sorted({int(i) for i in self.cleaned_data["benefit_ids"].split(",") if i})
        except ValueError:
            raise ValidationError("The flag's benefits are not valid") from None

    def clean(self):
        data = super().clean()
        if data.get("action") == "duplicate":
            duplicate = data.get("duplicate")
            if duplicate is None:
                self.add_error("duplicate", "Choose which benefit is the duplicate")
            elif duplicate.pk not in (data.get("benefit_ids") or []):
                self.add_error("duplicate", "Choose one of the benefits in this flag")
        return data


class ImportUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Benefits file (CSV, XLSX or XLS)",
        help_text="One row per benefit, with one column per financial year for plan and "
        f"forecast. Up to {settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
        widget=forms.FileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
        error_messages={"required": "Choose a CSV, XLSX or XLS file of benefits to import"},
    )

    def clean_file(self):
        """Refuse an oversized, mislabelled, malformed or zip-bomb file before
        it is parsed or kept in the session: the project import's checks."""
        uploaded = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if uploaded.size > limit:
            raise ValidationError(
                f"The file is {project_imports.file_size(uploaded.size)}: it must be "
                f"{project_imports.file_size(limit)} or smaller"
            )
        try:
            project_imports.check_upload_is_safe(uploaded.name, uploaded.read(limit + 1))
        except project_imports.ImportRefused as refusal:
            raise ValidationError(str(refusal)) from None
        uploaded.seek(0)
        return uploaded


class CostForm(GovukFormMixin, forms.Form):
    def __init__(self, *args, years, initial_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            row = initial_rows.get(year)
            for name, label in (
                ("capital", "One-off capital"),
                ("revenue", "One-off revenue"),
                ("ongoing", "Ongoing revenue"),
            ):
                attr = {
                    "capital": "capital_one_off",
                    "revenue": "revenue_one_off",
                    "ongoing": "revenue_ongoing",
                }[name]
                field = MoneyField(
                    label=f"{label} {fy_label(year)}",
                    initial=getattr(row, attr) if row else Decimal("0.00"),
                )
                field.widget.attrs["class"] = "govuk-input govuk-input--width-10"
                self.fields[f"{name}_{year}"] = field

    def rows(self):
        return {
            y: tuple(
                self.cleaned_data.get(f"{n}_{y}") or Decimal("0.00")
                for n in ("capital", "revenue", "ongoing")
            )
            for y in self.years
        }

    def year_headings(self):
        return ["One-off capital", "One-off revenue", "Ongoing revenue"]

    def year_rows(self):
        return [
            (fy_label(y), [self[f"{n}_{y}"] for n in ("capital", "revenue", "ongoing")])
            for y in self.years
        ]


class OutcomeForm(GovukFormMixin, forms.ModelForm):
    owner = UserChoiceField(queryset=User.objects.none(), required=False)

    class Meta:
        model = NonFinancialBenefit
        fields = [
            "project",
            "title",
            "description",
            "owner",
            "category",
            "kind",
            "kpi_name",
            "unit",
            "higher_is_better",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "frequency",
        ]
        widgets = {
            "baseline_date": GovukDateInput,
            "target_date": GovukDateInput,
            "kind": forms.RadioSelect,
        }

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["owner"].queryset = people()
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0]]
        name_required_errors(
            self,
            project="Choose the project the outcome comes from",
            kind="Choose whether the outcome is a measured KPI or a narrative",
        )


class MeasurementForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = KpiMeasurement
        fields = ["measured_on", "value", "note", "source"]
        widgets = {"measured_on": GovukDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_required_errors(
            self, measured_on="Enter the date it was measured", value="Enter the value measured"
        )


class NarrativeForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = NarrativeEntry
        fields = ["entry_date", "description", "evidence"]
        widgets = {"entry_date": GovukDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_required_errors(self, entry_date="Enter the date of the entry")


def editable_projects(user):
    """Projects a user may add benefits to (pmo.permissions' list rule)."""
    qs = Project.objects.select_related("lead_directorate").order_by("number")
    return restrict(qs, user, "edit_benefit")


def month_default(today: datetime.date) -> str:
    return today.strftime("%Y-%m")
