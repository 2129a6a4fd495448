"""Forms for importing the project spreadsheet (kept apart from the register's
forms so the two can change independently)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from pmo.forms import GovukFormMixin
from portfolio import imports


class UploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="An Excel workbook (.xlsx or .xls) or a .csv file, up to "
        f"{settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
        error_messages={"required": "Choose a spreadsheet to upload"},
        widget=forms.FileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def clean_file(self) -> imports.Upload:
        """The file read into sheets; a refusal is this field's error."""
        uploaded = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if uploaded.size > limit:
            raise ValidationError(
                f"The file is {imports.file_size(uploaded.size)}: it must be "
                f"{imports.file_size(limit)} or smaller"
            )
        content = uploaded.read(limit + 1)
        try:
            return imports.read_upload(uploaded.name, content)
        except imports.ImportRefused as refusal:
            raise ValidationError(str(refusal)) from None


class ConfirmForm(forms.Form):
    """Which of the unknown people and directorates to add on confirm. Only
    names the server found in the staged file can be chosen. All start
    ticked, as the preview checked the file with every one of them added:
    its all-clear is what Confirm does unless the PMO unticks a name."""

    create_people = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    create_directorates = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people=(), directorates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["create_people"].choices = [(u.name, u.name) for u in people]
        self.fields["create_directorates"].choices = [(u.name, u.name) for u in directorates]
        self.initial.setdefault("create_people", [u.name for u in people])
        self.initial.setdefault("create_directorates", [u.name for u in directorates])
