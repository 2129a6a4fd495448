"""Forms for importing the project spreadsheet (kept apart from the register's
forms so the two can change independently)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from pmo.forms import GovukFormMixin
from pmo.spreadsheets import MONEY_UNITS, parse_month
from portfolio import import_mapping, imports


class UploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="An Excel workbook (.xlsx or .xls) or a .csv file, up to "
        f"{settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
        error_messages={"required": "Choose a spreadsheet to upload"},
        widget=forms.FileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def clean_file(self) -> import_mapping.RawUpload:
        """The file read into sheets of columns; a refusal is this field's error."""
        uploaded = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if uploaded.size > limit:
            raise ValidationError(
                f"The file is {imports.file_size(uploaded.size)}: it must be "
                f"{imports.file_size(limit)} or smaller"
            )
        content = uploaded.read(limit + 1)
        try:
            return import_mapping.read_tables(uploaded.name, content)
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


CHOOSE = "?"  # a value's meaning not yet chosen


class MappingForm(GovukFormMixin, forms.Form):
    """The mapping step: for each file column the field it fills (guessed
    from its header, or a saved mapping), the unit of a money column, the
    month of a month's rating column; what each word in a rating or choice
    column means; the file's date order and the month its ratings are as at.

    A select the PMO changed can need fields the page did not show (a column
    switched to Stage needs its values matched): those come back filled with
    the guess and the form asks the PMO to look at them."""

    day_first = forms.TypedChoiceField(
        label="How are dates written?",
        choices=[
            ("True", "Day first, as in the UK: 31/03/2026"),
            ("False", "Month first, as in the US: 03/31/2026"),
        ],
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
        initial="True",
        required=False,
        empty_value=True,
    )
    as_at = forms.CharField(
        required=False,
        label="The month the ratings were given",
        help_text="For example March 2023. Leave it blank if the ratings are this month's. "
        "A row's own RAG as at date, if the file has that column, comes first.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    save_as = forms.CharField(
        required=False,
        max_length=100,
        label="Save this mapping for next time as",
        help_text="For example Monthly portfolio return. Next month's file is offered it. "
        "A saved mapping of the same name is replaced.",
    )

    def __init__(self, data=None, *, raw, mapping):
        self.raw = raw
        self.mapping = mapping
        self.review: list[str] = []
        if data is not None:
            data = data.copy()
        initial = {"day_first": str(mapping.day_first), "as_at": _month_text(mapping.as_at)}
        super().__init__(data, initial=initial)
        self.sheets = [self._sheet_fields(i, sheet) for i, sheet in enumerate(raw.sheets)]
        # GovukFormMixin styled the fixed fields; these are the file's own.
        for field in self.fields.values():
            css = "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"
            if not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs.setdefault("class", css)

    # --- Building the fields ---------------------------------------------------

    def _current(self, name: str, initial: str) -> str:
        """What a field holds now: the posted value, else its initial one,
        which is then posted back (the page did not show the field)."""
        if not self.is_bound:
            self.initial[name] = initial
            return initial
        if name not in self.data:
            self.data[name] = initial
        return self.data[name]

    def _sheet_fields(self, i: int, sheet) -> dict:
        chosen = self.mapping.sheets[i]
        columns, keys = self._column_fields(i, sheet, chosen)
        values = self._value_fields(i, sheet, chosen, keys)
        return {"index": i, "sheet": sheet, "columns": columns, "values": values, "keys": keys}

    def _column_fields(self, i: int, sheet, chosen) -> tuple[list[dict], list[str]]:
        """Each file column's select, with its unit and month; and the key
        each column holds now, by position."""
        options = [(import_mapping.SKIP, "Do not import")] + [
            (c.key, c.header) for c in sheet.spec.columns
        ]
        if sheet.kind == "projects":
            options.append((import_mapping.RAG_FOR_MONTH, "RAG for a month (history)"))
        units = [(u.label, f"{u.label} ({u.words})") for u in MONEY_UNITS.values()]
        money = {c.key for c in sheet.spec.columns if c.money}
        columns = []
        keys = []
        for j, header in enumerate(sheet.headers):
            choice = chosen.columns[j] if j < len(chosen.columns) else import_mapping.ColumnChoice()
            if not header and not any(sheet.cells(j)):
                keys.append(import_mapping.SKIP)
                continue
            name = f"s{i}c{j}"
            label = header or f"Column {j + 1} (no header)"
            self.fields[name] = forms.ChoiceField(
                label=f"{label} goes into", choices=options, required=False
            )
            self.fields[f"{name}-unit"] = forms.ChoiceField(
                label=f"Unit of {label}", choices=units, required=False
            )
            self.fields[f"{name}-month"] = forms.CharField(
                label=f"Month {label} rates",
                required=False,
                max_length=20,
                widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
            )
            key = self._current(name, choice.key)
            self._current(f"{name}-unit", choice.unit)
            self._current(f"{name}-month", _month_text(choice.month))
            keys.append(key)
            columns.append(
                {
                    "position": j,
                    "header": label,
                    "examples": sheet.examples(j),
                    "field": self[name],
                    "unit": self[f"{name}-unit"] if key in money else None,
                    "month": self[f"{name}-month"] if key == import_mapping.RAG_FOR_MONTH else None,
                }
            )
        return columns, keys

    def _value_fields(self, i: int, sheet, chosen, keys: list[str]) -> list[dict]:
        """A select for each word in the columns whose values are mapped."""
        values = []
        for group, positions in import_mapping.value_groups(sheet, keys).items():
            meanings = chosen.values.get(group, {})
            choices = [(CHOOSE, "Choose what it means")] + import_mapping.value_options(
                sheet.kind, group
            )
            items = []
            for n, (value_key, (written, count)) in enumerate(
                sorted(sheet.distinct_values(*positions).items())
            ):
                name = f"s{i}v-{group}-{n}"
                self.fields[name] = forms.ChoiceField(
                    label=f"'{written}' means", choices=choices, required=False
                )
                meaning = meanings.get(value_key)
                if meaning is None:
                    meaning = import_mapping.recognise(sheet.kind, group, written)
                if self.is_bound and name not in self.data:
                    self.review.append(sheet.spec.column(group).header)
                self._current(name, CHOOSE if meaning is None else meaning)
                items.append(
                    {"written": written, "count": count, "key": value_key, "field": self[name]}
                )
            headers = [sheet.headers[p] or f"Column {p + 1}" for p in positions]
            values.append({"group": group, "headers": headers, "items": items})
        return values

    # --- Checking them -------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        if self.review:
            self.add_error(
                None,
                "Check what the values in "
                + ", ".join(dict.fromkeys(self.review))
                + " mean, below: the column was changed, so its values are matched now",
            )
        today = timezone.localdate()
        as_at = ""
        if cleaned.get("as_at"):
            as_at = self._month(cleaned["as_at"], "as_at", today)
        sheets = [self._clean_sheet(entry, today) for entry in self.sheets]
        if not self.errors:
            cleaned["mapping"] = import_mapping.Mapping(
                sheets, cleaned.get("day_first", True), as_at
            )
        return cleaned

    def _month(self, text: str, name: str, today) -> str:
        try:
            period = parse_month(text)
        except ValueError as exc:
            self.add_error(name, str(exc))
            return ""
        if period > today:
            self.add_error(
                name, f"{period:%B %Y} is after this month: ratings are of a month gone by"
            )
            return ""
        return f"{period:%Y-%m}"

    def _clean_sheet(self, entry: dict, today) -> import_mapping.SheetMapping:
        i, sheet = entry["index"], entry["sheet"]
        columns = [import_mapping.ColumnChoice() for _ in sheet.headers]
        first_for: dict[str, str] = {}
        for column in entry["columns"]:
            j = column["position"]
            name = f"s{i}c{j}"
            key = self.cleaned_data.get(name, import_mapping.SKIP)
            choice = import_mapping.ColumnChoice(key, self.cleaned_data.get(f"{name}-unit") or "£")
            if key == import_mapping.RAG_FOR_MONTH:
                text = self.cleaned_data.get(f"{name}-month", "")
                if not text:
                    self.add_error(
                        name, f"Enter the month {column['header']} rates, for example March 2023"
                    )
                else:
                    choice.month = self._month(text, name, today)
                taken = f"{key}:{choice.month}"
            else:
                taken = key
            if key and taken in first_for:
                what = (
                    f"A RAG for {_month_text(choice.month)}"
                    if key == import_mapping.RAG_FOR_MONTH
                    else sheet.spec.column(key).header
                )
                self.add_error(
                    name,
                    f"{what} is already chosen for {first_for[taken]}: choose one column for it",
                )
            first_for.setdefault(taken, column["header"])
            columns[j] = choice
        chosen = {c.key for c in columns}
        for spec_column in sheet.spec.columns:
            exempt = (
                sheet.kind == "projects"
                and spec_column.key == "title"
                and ("reference" in chosen or "external_id" in chosen)
            )
            if spec_column.required and spec_column.key not in chosen and not exempt:
                first = entry["columns"][0]["position"] if entry["columns"] else 0
                self.add_error(
                    f"s{i}c{first}" if entry["columns"] else None,
                    f"Choose the column of {sheet.name} that holds the {spec_column.header}",
                )
        values: dict[str, dict[str, str]] = {}
        for group in entry["values"]:
            values[group["group"]] = {}
            for item in group["items"]:
                meaning = self.cleaned_data.get(item["field"].name, CHOOSE)
                if meaning == CHOOSE:
                    self.add_error(
                        item["field"].name,
                        f"Choose what '{item['written']}' in {', '.join(group['headers'])} means",
                    )
                else:
                    values[group["group"]][item["key"]] = meaning
        return import_mapping.SheetMapping(columns, values)


def _month_text(month: str) -> str:
    """'2023-03' as the page writes it: March 2023."""
    return f"{imports.month_period(month):%B %Y}" if month else ""
