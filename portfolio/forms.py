"""Forms for the register. They validate what a person typed and render it
with GOV.UK markup; the rules that span records live in portfolio.services."""

from __future__ import annotations

import datetime
from functools import cached_property

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from pmo.forms import GovukDateInput, GovukFormMixin, QueryFilterForm
from portfolio.models import (
    Assumption,
    CorporatePriority,
    Decision,
    Dependency,
    DependencyKind,
    Directorate,
    GateDecision,
    Issue,
    Milestone,
    Project,
    Risk,
    Service,
    Stage,
    StatusUpdate,
    Tag,
    Workstream,
)
from portfolio.rag import RAG, scale_choices
from portfolio.selectors import range_choices

User = get_user_model()

UNKNOWN_PERSON = "Select a person from the list: that person is not known to the register"


class PersonChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.error_messages["invalid_choice"] = UNKNOWN_PERSON

    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.username


def _score_field(label: str, **kwargs) -> forms.IntegerField:
    message = f"{label} must be a whole number from 1 to 5"
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=5,
        help_text="1 (very low) to 5 (very high)",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "min_value": message,
            "max_value": message,
            "invalid": message,
            "required": f"Enter the {label.lower()}, from 1 to 5",
        },
        **kwargs,
    )


MONEY_WIDGET = forms.NumberInput(attrs={"class": "govuk-input--width-10", "step": "0.01"})


class ProjectForm(GovukFormMixin, forms.ModelForm):
    sponsor = PersonChoiceField(label="Sponsor (SRO)")
    project_manager = PersonChoiceField(label="Project manager")
    gate_override_reason = forms.CharField(
        label="Reason to override the gate (PMO only)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Only needed to move a project into Delivery without an approved gate 1, "
            "or into Closed without an approved gate 3. The reason is recorded in History."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "title",
            "external_id",
            "summary",
            "workstream",
            "lead_directorate",
            "services",
            "priorities",
            "sponsor",
            "project_manager",
            "stage",
            "stage_reason",
            "project_type",
            "mtfp_category",
            "delivery_approach",
            "planned_start",
            "planned_end",
            "forecast_end",
            "capital_investment",
            "revenue_investment",
            "funding_source",
            "tags",
        ]
        widgets = {
            "planned_start": GovukDateInput,
            "planned_end": GovukDateInput,
            "forecast_end": GovukDateInput,
            "capital_investment": MONEY_WIDGET,
            "revenue_investment": MONEY_WIDGET,
            "stage_reason": forms.Textarea(attrs={"rows": 3}),
            "services": forms.SelectMultiple(attrs={"size": 10}),
            "priorities": forms.SelectMultiple(attrs={"size": 5}),
            "tags": forms.SelectMultiple(attrs={"size": 5}),
        }
        labels = {"priorities": "Corporate priorities", "services": "Services affected"}
        help_texts = {
            "stage_reason": "Required when the project is paused or stopped.",
            "services": "Hold Ctrl (or Cmd) to choose more than one.",
            "priorities": "Hold Ctrl (or Cmd) to choose more than one.",
            "tags": "Hold Ctrl (or Cmd) to choose more than one.",
        }
        error_messages = {
            "title": {"required": "Enter the project title"},
            "lead_directorate": {"required": "Select the lead directorate"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.select_related("directorate")
        self.fields["services"].label_from_instance = lambda s: f"{s.name} ({s.directorate.name})"
        self.fields["priorities"].queryset = CorporatePriority.objects.all()
        self.fields["tags"].queryset = Tag.objects.all()
        self.fields["workstream"].queryset = Workstream.objects.all()
        self.fields["lead_directorate"].queryset = Directorate.objects.all()
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


def reporting_periods(current: datetime.date) -> list[tuple[str, str]]:
    """The month being reported on now, and the one before it for a late report."""
    months = [current, current - relativedelta(months=1)]
    return [(m.isoformat(), f"{m:%B %Y}") for m in months]


class RequiredByRule:
    """Shown as required (no "(optional)"), but whether it may be blank is
    a rule across fields that the service applies: a path to green is
    needed unless the rating is Green, a Response to Red only for Red."""

    def validate(self, value):
        pass


class ConditionallyRequiredField(RequiredByRule, forms.CharField):
    pass


class ConditionallyRequiredDateField(RequiredByRule, forms.DateField):
    pass


class StatusUpdateForm(GovukFormMixin, forms.Form):
    # The browser must not block a blank path to green for a Green rating.
    use_required_attribute = False

    period = forms.TypedChoiceField(
        label="Month reported on",
        coerce=datetime.date.fromisoformat,
        error_messages={"invalid_choice": "Choose this month or last month"},
    )
    delivery_confidence = forms.ChoiceField(
        label="Overall delivery confidence",
        error_messages={"required": "Choose the overall delivery confidence"},
    )
    schedule_rag = forms.ChoiceField(label="Schedule")
    cost_rag = forms.ChoiceField(label="Cost")
    benefits_rag = forms.ChoiceField(label="Benefits")
    resources_rag = forms.ChoiceField(label="Resources")
    risk_rag = forms.ChoiceField(label="Risk")
    progress = forms.CharField(
        label="Progress this period",
        widget=forms.Textarea,
        error_messages={"required": "Enter the progress made this period"},
    )
    next_steps = forms.CharField(
        label="Plans for next period",
        widget=forms.Textarea,
        error_messages={"required": "Enter the plans for next period"},
    )
    issues_and_decisions = forms.CharField(
        label="Issues and decisions needed", widget=forms.Textarea, required=False
    )
    path_to_green = ConditionallyRequiredField(
        label="Path to green",
        widget=forms.Textarea,
        help_text=(
            "Required unless delivery confidence is Green: what will bring it back, and when."
        ),
    )
    red_owner = ConditionallyRequiredField(
        label="Response to Red: owner",
        max_length=200,
        help_text="Required if delivery confidence is Red: who leads the recovery.",
    )
    red_review_date = ConditionallyRequiredDateField(
        label="Response to Red: re-review date",
        widget=GovukDateInput(attrs={"class": "govuk-input--width-10"}),
        help_text=(
            "Required if delivery confidence is Red: when the rating will be reviewed again. "
            "The sponsor and PMO are e-mailed the owner, the path to green and this date."
        ),
        error_messages={"invalid": "Enter the re-review date as a real date"},
    )
    override_justification = forms.CharField(
        label="Justification for a green rating",
        widget=forms.Textarea,
        required=False,
        help_text=(
            "Only if you report Green or Amber/Green while milestones are overdue or open "
            "risks or issues score 15 or more. The override is shown on the dashboard "
            "and in the pack."
        ),
    )

    def __init__(self, *args, period: datetime.date, carried_from=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = reporting_periods(period)
        self.initial.setdefault("period", period.isoformat())
        # Copy-forward: a new month starts from the previous update's values.
        self.carried_from = carried_from
        if carried_from is not None:
            for name, value in carried_from.carried_values().items():
                self.initial.setdefault(name, value)
            # A re-review date still to come is carried; a past one is asked afresh.
            review = carried_from.red_review_date
            if review and review > timezone.localdate():
                self.initial.setdefault("red_review_date", review)
        choices = scale_choices(settings.PMO_RAG_SCALE)
        for name in StatusUpdate.RATING_FIELDS:
            self.fields[name].choices = [("", "Choose a rating")] + choices
            self.fields[name].error_messages["required"] = (
                f"Choose a rating for {self.fields[name].label.lower()}"
            )
        self.fields["delivery_confidence"].error_messages["required"] = (
            "Choose the overall delivery confidence"
        )

    @cached_property
    def carried(self) -> dict[str, str]:
        """Each field still holding the previous update's value, with the
        words that mark it ("Carried from October 2026"): all of them on a new
        form, and on a form sent back with errors, those not changed."""
        if self.carried_from is None:
            return {}
        mark = f"Carried from {self.carried_from.period:%B %Y}"
        carried = {}
        for name, value in self.carried_from.carried_values().items():
            if not value:
                continue
            shown = self.data.get(name, "") if self.is_bound else value
            if _same_text(shown, value):
                carried[name] = mark
        return carried


def _same_text(a: str, b: str) -> bool:
    """Equal as a person reads them: browsers send textareas with CRLF."""
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


RAG_LABELS = dict(RAG.choices)


class MilestoneForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "baseline_date", "forecast_date", "actual_date"]
        widgets = {
            "baseline_date": GovukDateInput,
            "forecast_date": GovukDateInput,
            "actual_date": GovukDateInput,
        }
        help_texts = {
            "baseline_date": "The date in the approved plan. Change it only by a re-baseline.",
            "actual_date": "Leave blank until the milestone is achieved.",
        }
        error_messages = {
            "title": {"required": "Enter the milestone"},
            "baseline_date": {"required": "Enter the baseline date"},
            "forecast_date": {"required": "Enter the forecast date"},
        }


class RiskForm(GovukFormMixin, forms.ModelForm):
    likelihood = _score_field("Likelihood")
    impact = _score_field("Impact")
    owner = PersonChoiceField(label="Owner")

    class Meta:
        model = Risk
        fields = [
            "title",
            "cause",
            "effect",
            "likelihood",
            "impact",
            "owner",
            "mitigation",
            "status",
            "escalated",
        ]
        error_messages = {"title": {"required": "Enter the risk"}}


class IssueForm(GovukFormMixin, forms.ModelForm):
    impact = _score_field("Impact")
    owner = PersonChoiceField(label="Owner")

    class Meta:
        model = Issue
        fields = [
            "title",
            "description",
            "priority",
            "impact",
            "owner",
            "due_date",
            "resolution",
            "status",
        ]
        widgets = {"due_date": GovukDateInput}
        error_messages = {"title": {"required": "Enter the issue"}}


class AssumptionForm(GovukFormMixin, forms.ModelForm):
    owner = PersonChoiceField(label="Owner")

    class Meta:
        model = Assumption
        fields = ["description", "owner", "validated", "notes"]
        error_messages = {"description": {"required": "Enter the assumption"}}


class DecisionForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["decision", "decided_by", "decided_on"]
        widgets = {"decided_on": GovukDateInput}
        error_messages = {
            "decision": {"required": "Enter what was decided"},
            "decided_by": {"required": "Enter who decided, or which board"},
            "decided_on": {"required": "Enter the date of the decision"},
        }


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, project) -> str:
        return f"{project.reference} {project.title}"


class DependencyForm(GovukFormMixin, forms.ModelForm):
    """A dependency from this project (the source) to another."""

    target = ProjectChoiceField(
        label="Other project",
        queryset=Project.objects.only("reference", "title", "number"),
        error_messages={
            "required": "Select the other project",
            "invalid_choice": "Select a project from the list",
        },
    )

    class Meta:
        model = Dependency
        fields = ["kind", "target", "description"]
        labels = {"kind": "This project"}

    def __init__(self, *args, source: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.instance.source = source
        self.fields["target"].queryset = self.fields["target"].queryset.exclude(pk=source.pk)
        self.fields["kind"].choices = [
            (DependencyKind.BLOCKS, "Blocks the other project"),
            (DependencyKind.INFORMS, "Informs the other project"),
        ]

    def clean(self):
        cleaned = super().clean()
        target, kind = cleaned.get("target"), cleaned.get("kind")
        duplicates = Dependency.objects.filter(source=self.source, target=target, kind=kind)
        if target and kind and duplicates.exclude(pk=self.instance.pk).exists():
            self.add_error("target", "This dependency is already recorded")
        return cleaned


class GateDecisionForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = GateDecision
        fields = ["gate", "decision", "board", "decided_on", "conditions"]
        widgets = {"decided_on": GovukDateInput}
        labels = {"decided_on": "Date of the board", "decision": "Decision"}
        help_texts = {
            "decision": "Leave blank to schedule a gate that has not been held yet.",
            "conditions": "Conditions attached to an approval, or why it was deferred or rejected.",
        }
        error_messages = {
            "board": {"required": "Enter the board that decides"},
            "decided_on": {"required": "Enter the date of the board"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("", "Not decided yet (scheduled)")] + [
            c for c in self.fields["decision"].choices if c[0]
        ]


class RegisterFilterForm(QueryFilterForm):
    """The register's filters. They come from the query string, so an
    unknown value is ignored rather than refused (links get old), and named."""

    q = forms.CharField(label="Search", required=False)
    workstream = forms.ModelChoiceField(Workstream.objects.all(), required=False)
    directorate = forms.ModelChoiceField(
        Directorate.objects.all(), required=False, label="Lead directorate"
    )
    service = forms.ModelChoiceField(
        Service.objects.all(), required=False, label="Service affected"
    )
    stage = forms.ChoiceField(choices=[("", "Any stage")] + Stage.choices, required=False)
    rag = forms.ChoiceField(label="Delivery confidence", required=False)
    project_type = forms.ChoiceField(label="Type", required=False)
    sponsor = PersonChoiceField(label="Sponsor")
    pm = PersonChoiceField(label="Project manager")
    range = forms.ChoiceField(label="Prioritisation range", required=False)
    due = forms.BooleanField(label="Update due this month", required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portfolio.models import ProjectType

        self.fields["rag"].choices = (
            [("", "Any rating")] + scale_choices(settings.PMO_RAG_SCALE) + [("none", "No update")]
        )
        self.fields["project_type"].choices = [("", "Any type")] + ProjectType.choices
        self.fields["range"].choices = [("", "Any range")] + range_choices()
        for name in ("workstream", "directorate", "service", "sponsor", "pm"):
            self.fields[name].empty_label = "Any"
        # A few people sponsor or manage many projects each: an IN over the
        # projects' columns is one hashed scan, where EXISTS per person
        # scans the table for everyone who has none.
        sponsoring = Q(pk__in=Project.objects.order_by().values("sponsor_id"))
        managing = Q(pk__in=Project.objects.order_by().values("project_manager_id"))
        self.fields["sponsor"].queryset = User.objects.filter(sponsoring)
        self.fields["pm"].queryset = User.objects.filter(managing)
        # Both lists of people from one query; the querysets above only
        # check a chosen value.
        people = list(
            User.objects.annotate(
                sponsors=ExpressionWrapper(sponsoring, output_field=BooleanField()),
                manages=ExpressionWrapper(managing, output_field=BooleanField()),
            )
            .filter(sponsoring | managing)
            .order_by("first_name", "last_name", "username")
        )
        for name, flag in (("sponsor", "sponsors"), ("pm", "manages")):
            field = self.fields[name]
            field.choices = [("", "Any")] + [
                (person.pk, field.label_from_instance(person))
                for person in people
                if getattr(person, flag)
            ]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs["class"] = "govuk-select"
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "govuk-checkboxes__input"
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs["class"] = "govuk-input"

    def filters(self) -> dict:
        """The valid filters, with anything unrecognised dropped."""
        return self.valid()
