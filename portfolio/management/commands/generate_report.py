"""generate_report TYPE YYYY-MM [--publish]: the same task the pages and the
schedule use, run in this process, for a shell or cron."""

from django.core.management.base import BaseCommand, CommandError

from pmo import reports
from pmo.models import ReportType, RunStatus, Trigger
from pmo.tasks import generate_report_task

TYPES = {choice.value: choice for choice in ReportType}


class Command(BaseCommand):
    help = "Generate a monthly report (portfolio, benefits or clt) for a month, e.g. 2026-11."

    def add_arguments(self, parser):
        parser.add_argument("report_type", metavar="TYPE", choices=sorted(TYPES))
        parser.add_argument("period", metavar="YYYY-MM")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish it if it succeeds (refused if a version is already published).",
        )

    def handle(self, *args, report_type, period, publish, **options):
        try:
            month = reports.parse_period(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        run = reports.report_run_request(
            report_type=report_type,
            period=month,
            trigger=Trigger.COMMAND,
            publish=publish,
            enqueue=False,
        )
        self.stdout.write(f"Generating {run} (run {run.pk})")

        def echo(percent: int, step: str) -> None:
            self.stdout.write(f"  {percent:3d}%  {step}")

        with reports.echo_progress(echo):
            generate_report_task.apply(args=[run.pk])
        run.refresh_from_db()
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"{run} failed: {run.error or run.step}")
        for _fmt, label, handle in run.files():
            self.stdout.write(f"  {label}: {handle.path}")
        if run.published:
            state = "published"
        elif publish:
            reason = run.step.removeprefix("Done, not published: ").rstrip(".")
            state = f"not published: {reason}"
        else:
            state = "not published (a draft)"
        self.stdout.write(self.style.SUCCESS(f"Done: {run}, {state}."))
