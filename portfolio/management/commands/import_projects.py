"""import_projects FILE [--dry-run] [--create-unknown] [--user USERNAME] [--mapping NAME]

The operator's way in for the project spreadsheet: the same reading, checks
and all-or-nothing import as /projects/import/. The columns are matched from
their headers, or by a mapping saved on the columns page (--mapping), as the
page would start. Prints what it would do (with --dry-run) or did; exits
non-zero listing every problem by row and column.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portfolio import import_mapping, imports
from portfolio.models import SavedMapping


class Command(BaseCommand):
    help = "Import projects, milestones and risks from a CSV or XLSX file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )
        parser.add_argument(
            "--create-unknown",
            action="store_true",
            help="Add people and directorates the file names that the register lacks.",
        )
        parser.add_argument("--user", help="Username recorded as the importer in history.")
        parser.add_argument(
            "--mapping", help="The name of a mapping saved on the import's columns page."
        )

    def handle(self, *args, file: Path, dry_run: bool, create_unknown: bool, user, **options):
        saved = None
        if options.get("mapping"):
            saved = SavedMapping.objects.filter(name=options["mapping"]).first()
            if saved is None:
                known = ", ".join(SavedMapping.objects.values_list("name", flat=True)) or "none"
                raise CommandError(
                    f"No mapping is saved as {options['mapping']!r} (saved: {known})"
                )
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No user is called {user!r}")
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            raw = import_mapping.read_tables(file.name, content)
        except imports.ImportRefused as refusal:
            raise CommandError(f"{file.name} refused: {refusal}") from None
        mapping = import_mapping.guess_mapping(raw, saved.mapping if saved else None)
        upload = import_mapping.apply_mapping(raw, mapping)

        for sheet in upload.sheets:
            self.stdout.write(f"{sheet.name}: {len(sheet.rows)} rows read as {sheet.kind}")
            if sheet.ignored_columns:
                self.stdout.write(f"  columns skipped: {', '.join(sheet.ignored_columns)}")
        for name in upload.ignored_sheets:
            self.stdout.write(f"{name}: skipped (not projects, milestones or risks)")

        people, directorates = imports.find_unknowns(upload)
        for unknown in people + directorates:
            verb = "will add" if create_unknown else "unknown"
            self.stdout.write(f"{verb} {unknown.kind}: {unknown.name} ({unknown.where})")
        outcome = imports.run_import(
            upload,
            user=importer,
            create_people=[u.name for u in people] if create_unknown else [],
            create_directorates=[u.name for u in directorates] if create_unknown else [],
            commit=not dry_run,
        )
        if outcome.errors:
            for error in outcome.errors:
                self.stderr.write(f"{error.sheet} row {error.row}, {error.column}: {error.message}")
            hint = (
                " (add --create-unknown to add unknown people)"
                if people and not create_unknown
                else ""
            )
            raise CommandError(
                f"{len(outcome.errors)} problem{'s' if len(outcome.errors) != 1 else ''} "
                f"in {file.name}: nothing was imported{hint}"
            )
        for row in outcome.rows:
            changes = f" ({', '.join(row.changes)})" if row.changes else ""
            self.stdout.write(f"{row.sheet} row {row.row}: {row.action} {row.label}{changes}")
        for update in outcome.status_updates:
            self.stdout.write(f"RAG recorded: {update}")
        if dry_run:
            self.stdout.write(f"Dry run: would have {outcome.summary()}. Nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {file.name}: {outcome.summary()}."))
