"""GOV.UK Frontend styling for Django forms, in one place.

Every form in the product inherits GovukFormMixin, so each widget gets the
GOV.UK class, and fields in error get the error class and aria-describedby
pointing at their hint and error message (GOV.UK Design System error pattern).
"""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

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


class GovukFormMixin:
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


class LoginForm(GovukFormMixin, AuthenticationForm):
    pass
