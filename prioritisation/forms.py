from __future__ import annotations

import datetime
import functools
from decimal import Decimal
from html import escape

from django import forms
from django.utils.safestring import mark_safe

from pmo.forms import GovukFormMixin, QueryFilterForm
from portfolio.models import Directorate, Project, Stage, Workstream
from prioritisation.models import PhaseChoice, ScoringModel, TierChoices
from prioritisation.scoring import LEVELS, add_quarters, quarter_label
from prioritisation.selectors import ProjectFilters
from prioritisation.services import LevelEntry

PHASE_FILTER_CHOICES = [("", "All phases"), *PhaseChoice.choices, ("none", "Not yet phased")]


class ProjectFilterForm(QueryFilterForm):
    directorate = forms.ModelChoiceField(
        queryset=Directorate.objects.all(), required=False, empty_label="All directorates"
    )
    workstream = forms.ModelChoiceField(
        queryset=Workstream.objects.all(), required=False, empty_label="All workstreams"
    )
    stage = forms.ChoiceField(
        choices=[("", "All open stages"), *Stage.choices],
        required=False,
    )
    phase = forms.ChoiceField(choices=PHASE_FILTER_CHOICES, required=False)

    def filters(self) -> ProjectFilters:
        """The recognised filters; one not recognised is left off (and
        named by `ignored`), the others still apply."""
        data = self.valid()
        return ProjectFilters(
            directorate_id=data["directorate"].pk if "directorate" in data else None,
            workstream_id=data["workstream"].pk if "workstream" in data else None,
            stage=data.get("stage"),
            phase=data.get("phase"),
        )


class GridFilterForm(ProjectFilterForm):
    size = forms.ChoiceField(
        label="Bubble size",
        choices=[("investment", "One-off investment"), ("savings", "Annual savings")],
        required=False,
    )


class CapacityFilterForm(QueryFilterForm):
    """The change-load page's filters, and the cell (a service in a quarter)
    whose projects it lists."""

    directorate = forms.ModelChoiceField(Directorate.objects.all(), required=False)
    weighted = forms.BooleanField(label="Weight by range", required=False)
    # The cell's service is looked up among the load's rows, not in a query.
    service = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    quarter = forms.DateField(required=False)

    def chosen(self, name: str):
        return self.valid().get(name)


# --- Assessment ----------------------------------------------------------


class AssessmentForm(GovukFormMixin, forms.Form):
    """A score (radio buttons, each showing its level descriptor) and a
    rationale for every criterion of the model, each with its own error."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, criteria, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        initial_scores = initial_scores or {}
        for criterion in self.criteria:
            level, rationale = initial_scores.get(criterion.pk, (None, ""))
            self.fields[f"level_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"Score for {criterion.name}",
                choices=[(level, f"{level}") for level in LEVELS],
                coerce=int,
                widget=forms.RadioSelect,
                initial=level,
                error_messages={
                    "required": f"Select a score for {criterion.name}",
                    "invalid_choice": f"Choose a score of 1 to 5 for {criterion.name}",
                },
            )
            self.fields[f"rationale_{criterion.pk}"] = forms.CharField(
                label=f"Rationale for {criterion.name}",
                widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
                initial=rationale,
                error_messages={"required": f"Enter the rationale for {criterion.name}"},
            )

    def entries(self) -> dict[int, LevelEntry]:
        return {
            c.pk: LevelEntry(
                self.cleaned_data[f"level_{c.pk}"], self.cleaned_data[f"rationale_{c.pk}"]
            )
            for c in self.criteria
        }

    def groups(self):
        """(criterion, level field, rationale field, [(radio, descriptor)])
        for the template, so each score sits beside its level descriptor."""
        groups = []
        for c in self.criteria:
            level = self[f"level_{c.pk}"]
            radios = list(zip(level.subwidgets, [text for _, text in c.descriptors], strict=True))
            groups.append((c, level, self[f"rationale_{c.pk}"], radios))
        return groups

    def error_links(self):
        """(anchor, message) for the error summary: a radio group links to its first radio."""
        links = [("score-form", str(e)) for e in self.non_field_errors()]
        for c in self.criteria:
            for e in self.errors.get(f"level_{c.pk}", []):
                links.append((f"id_level_{c.pk}_0", e))
            for e in self.errors.get(f"rationale_{c.pk}", []):
                links.append((f"id_rationale_{c.pk}", e))
        return links


# --- Phasing ---------------------------------------------------------------


def phase_choices(today: datetime.date, quarters: int = 12) -> list[tuple[str, str]]:
    """Now / Next / Later, then the next `quarters` quarters as targets."""
    return list(_phase_choices(today, quarters))


@functools.lru_cache(maxsize=4)
def _phase_choices(today: datetime.date, quarters: int) -> tuple[tuple[str, str], ...]:
    # The same for every one of the ranking's 100 forms on a given day.
    targets = [add_quarters(today, n) for n in range(1, quarters + 1)]
    return (
        ("", "Choose a phase"),
        (PhaseChoice.NOW.value, "Now"),
        (PhaseChoice.NEXT.value, "Next (from next quarter)"),
        (PhaseChoice.LATER.value, "Later (after the next two quarters)"),
        *[(f"quarter:{q.isoformat()}", f"Target {quarter_label(q)}") for q in targets],
    )


class PhaseForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    phase = forms.ChoiceField(choices=[])
    reason = forms.CharField(
        label="Reason", widget=forms.TextInput, error_messages={"required": "Enter the reason"}
    )

    def __init__(self, *args, today: datetime.date, project: Project, **kwargs):
        kwargs.setdefault("auto_id", f"phase-{project.reference}-%s")
        super().__init__(*args, **kwargs)
        self.project = project
        choices = phase_choices(today)
        current = self.initial.get("phase")
        if current and current not in dict(choices):
            choices.append(
                (
                    current,
                    f"Target {quarter_label(datetime.date.fromisoformat(current.split(':')[1]))}",
                )
            )
        self.fields["phase"].choices = choices
        self.fields["phase"].label = f"Phase for {project.reference}"
        self.fields["phase"].error_messages["required"] = "Choose a phase"
        self.fields["reason"].label = f"Reason for phasing {project.reference}"

    def clean_phase(self) -> tuple[str, datetime.date | None]:
        value = self.cleaned_data["phase"]
        if value.startswith("quarter:"):
            return PhaseChoice.QUARTER, datetime.date.fromisoformat(value.split(":", 1)[1])
        return value, None

    def phase_options(self) -> str:
        """The select's <option>s. The ranking shows 100 of these forms, and
        rendering 16 options each through the widget templates (or a template
        loop) took most of the page's time; this is the same markup."""
        current = str(self["phase"].value() or "")
        # Every value and label is escaped here.
        return mark_safe(  # noqa: S308  # nosec B308 B703
            "".join(
                f'<option value="{escape(str(value))}"'
                f"{' selected' if str(value) == current else ''}>{escape(str(label))}</option>"
                for value, label in self.fields["phase"].choices
            )
        )

    @staticmethod
    def initial_for(phase) -> dict:
        if phase is None:
            return {"version": 0}
        value = phase.phase
        if phase.phase == PhaseChoice.QUARTER and phase.target_quarter:
            value = f"quarter:{phase.target_quarter.isoformat()}"
        return {"phase": value, "reason": phase.reason, "version": phase.version}


# --- Editing a draft model -------------------------------------------------

WEIGHT_ERROR = "Weight for {name} must be more than 0"
THRESHOLD_ERROR = "{label} must be between 0 and 100"


class DraftModelForm(GovukFormMixin, forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    impact_threshold = forms.DecimalField(
        label="Impact threshold",
        max_digits=4,
        decimal_places=1,
        help_text="Projects scoring this or more on impact are high impact (0 to 100).",
    )
    risk_threshold = forms.DecimalField(
        label="Risk threshold",
        max_digits=4,
        decimal_places=1,
        help_text="Projects scoring this or more on risk are high risk (0 to 100).",
    )
    change_note = forms.CharField(
        label="What changed and why", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, model: ScoringModel, **kwargs):
        initial = {
            "revision": model.revision,
            "impact_threshold": model.impact_threshold,
            "risk_threshold": model.risk_threshold,
            "change_note": model.change_note,
        }
        self.criteria = list(model.criteria.all())
        self.ranges = list(model.ranges.all())
        for c in self.criteria:
            initial[f"weight_{c.pk}"] = c.weight
            initial[f"guidance_{c.pk}"] = c.guidance
            for level in LEVELS:
                initial[f"descriptor_{c.pk}_{level}"] = c.descriptor(level)
        for r in self.ranges:
            initial[f"name_{r.tier}"] = r.name
            initial[f"governance_{r.tier}"] = r.governance_route
            initial[f"cadence_{r.tier}"] = r.reporting_cadence
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for c in self.criteria:
            self.fields[f"weight_{c.pk}"] = forms.DecimalField(
                label=f"Weight for {c.name}",
                max_digits=5,
                decimal_places=2,
                error_messages={
                    "required": f"Enter a weight for {c.name}",
                    "invalid": f"Weight for {c.name} must be a number, like 2 or 1.5",
                },
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-4"}
                ),
            )
            self.fields[f"guidance_{c.pk}"] = forms.CharField(
                label=f"Guidance for {c.name}",
                widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
                required=False,
            )
            for level in LEVELS:
                self.fields[f"descriptor_{c.pk}_{level}"] = forms.CharField(
                    label=f"Level {level}",
                    widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
                    required=False,
                )
        for r in self.ranges:
            self.fields[f"name_{r.tier}"] = forms.CharField(
                label=f"Tier {r.tier} name",
                max_length=80,
                error_messages={"required": f"Enter a name for tier {r.tier}"},
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            )
            self.fields[f"governance_{r.tier}"] = forms.CharField(
                label=f"Tier {r.tier} governance route",
                max_length=160,
                required=False,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            )
            self.fields[f"cadence_{r.tier}"] = forms.CharField(
                label=f"Tier {r.tier} reporting cadence",
                max_length=80,
                required=False,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            )
        for name in ("impact_threshold", "risk_threshold"):
            label = self.fields[name].label
            self.fields[name].error_messages.update(
                {
                    "required": f"Enter the {label.lower()}",
                    "invalid": f"{label} must be a number between 0 and 100",
                    "max_digits": THRESHOLD_ERROR.format(label=label),
                    "max_whole_digits": THRESHOLD_ERROR.format(label=label),
                }
            )
            self.fields[name].widget = forms.TextInput(
                attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-4"}
            )

    def clean(self):
        cleaned = super().clean()
        for name in ("impact_threshold", "risk_threshold"):
            value = cleaned.get(name)
            if value is not None and not (Decimal(0) <= value <= Decimal(100)):
                self.add_error(name, THRESHOLD_ERROR.format(label=self.fields[name].label))
        for c in self.criteria:
            weight = cleaned.get(f"weight_{c.pk}")
            if weight is not None and weight <= 0:
                self.add_error(f"weight_{c.pk}", WEIGHT_ERROR.format(name=c.name))
        return cleaned

    def criteria_changes(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            c.pk: {
                "weight": data[f"weight_{c.pk}"],
                "guidance": data[f"guidance_{c.pk}"],
                **{f"descriptor_{lvl}": data[f"descriptor_{c.pk}_{lvl}"] for lvl in LEVELS},
            }
            for c in self.criteria
        }

    def range_changes(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            r.tier: {
                "name": data[f"name_{r.tier}"],
                "governance_route": data[f"governance_{r.tier}"],
                "reporting_cadence": data[f"cadence_{r.tier}"],
            }
            for r in self.ranges
        }

    def criterion_groups(self):
        return [
            (
                c,
                self[f"weight_{c.pk}"],
                self[f"guidance_{c.pk}"],
                [self[f"descriptor_{c.pk}_{level}"] for level in LEVELS],
            )
            for c in self.criteria
        ]

    def range_groups(self):
        return [
            (r, self[f"name_{r.tier}"], self[f"governance_{r.tier}"], self[f"cadence_{r.tier}"])
            for r in self.ranges
        ]


# --- Calibration -------------------------------------------------------------


class CalibrationForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(
        label="Project reference",
        max_length=12,
        help_text="For example, TP-0012.",
        error_messages={"required": "Enter the project reference"},
    )
    expected_tier = forms.TypedChoiceField(
        label="Expected range",
        choices=[("", "Choose a range"), *TierChoices.choices],
        coerce=int,
        error_messages={"required": "Choose the range you expect"},
    )
    note = forms.CharField(
        label="Why this range", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, ranges=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ranges:
            self.fields["expected_tier"].choices = [("", "Choose a range")] + [
                (int(r.tier), r.label) for r in ranges
            ]

    def clean_reference(self) -> Project:
        reference = self.cleaned_data["reference"].strip().upper()
        project = Project.objects.filter(reference=reference).first()
        if project is None:
            raise forms.ValidationError(f"There is no project with the reference {reference}")
        return project
