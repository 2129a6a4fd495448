"""GOV.UK Frontend styling for Django forms, in one place.

Every form in the product inherits GovukFormMixin, so each widget gets the
GOV.UK class, and fields in error get the error class and aria-describedby
pointing at their hint and error message (GOV.UK Design System error pattern).
"""

from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import ErrorDict
from django.http import QueryDict

from pmo.models import Delivery, NoticeKind
from pmo.notifications import KIND_HELP

WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select pmo-select-multiple",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}
ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class GovukDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


if TYPE_CHECKING:
    # The mixin is only ever mixed into forms: its type checks see a form's
    # attributes, and at run time it is a plain mixin.
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class GovukFormMixin(_FormBase):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next(
                (c for klass, c in WIDGET_CLASSES.items() if type(widget) is klass),
                "govuk-input",
            )
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 4)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        self.mark_errors()

    def add_error(self, field, error):
        """Errors added after validation (a service's rules) get the same
        GOV.UK error styling as the form's own."""
        super().add_error(field, error)
        if getattr(self, "cleaned_data", None) is not None and self.is_bound:
            self.mark_errors()

    def mark_errors(self):
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            classes = widget.attrs.get("class", "").split()
            for base, error_class in ERROR_CLASSES.items():
                if base in classes and error_class not in classes:
                    classes.append(error_class)
            widget.attrs["class"] = " ".join(classes)
            bound = self[name]
            described = [f"{bound.id_for_label}-error"]
            if self.fields[name].help_text:
                described.insert(0, f"{bound.id_for_label}-hint")
            widget.attrs["aria-describedby"] = " ".join(described)


class QueryFilterForm(GovukFormMixin, forms.Form):
    """A list page's filters, read from the query string: the one place a
    list's GET values are checked before any reaches a query.

    A value the form does not recognise (an old bookmark, a deleted
    directorate, a hand-edited link) is ignored rather than refused, and
    `ignored` names it, so the page can say so (includes/ignored_filters.html)
    instead of failing or silently showing everything.
    """

    def __init__(self, data=None, *args, **kwargs):
        # A query string with none of the form's names is an unfiltered
        # list, not an invalid form.
        super().__init__(data if data is not None else {}, *args, **kwargs)

    def full_clean(self):
        super().full_clean()
        # Not recognised is not an error the user made on this page: the
        # value is dropped (its field shows "All" again) and named instead.
        self.ignored_names = [name for name in self.errors if name in self.fields]
        if self.ignored_names:
            # The stubs say Mapping; it is a QueryDict or a dict, both with copy().
            data = cast(QueryDict | dict, self.data).copy()
            for name in self.ignored_names:
                data.pop(name, None)
            self.data = data
            self._errors = ErrorDict()

    def mark_errors(self):
        """Filters are never shown in error (see full_clean)."""

    def valid(self) -> dict:
        """Every recognised value, with empty ones and unrecognised ones left out."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.ignored_names and value not in (None, "", False)
        }

    @property
    def ignored(self) -> list[str]:
        """The labels of the filters whose values were not recognised."""
        self.is_valid()
        return [
            str(self.fields[name].label or name.replace("_", " ")).lower()
            for name in self.ignored_names
        ]


class LoginForm(GovukFormMixin, AuthenticationForm):
    pass


class NotificationPreferencesForm(GovukFormMixin, forms.Form):
    """One radios group per kind of notice: straight away, digest, or never."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, initial=current, **kwargs)
        for kind in NoticeKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                help_text=KIND_HELP[kind],
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose how to hear that {kind.label[0].lower()}{kind.label[1:]}"
                },
            )


class NoticeLogFilterForm(QueryFilterForm):
    kind = forms.ChoiceField(label="Kind", required=False)
    recipient = forms.CharField(label="Sent to (name or e-mail)", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All"), ("sent", "Sent"), ("waiting", "Waiting"), ("failed", "Failed")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "All"), *NoticeKind.choices]
