"""Pages for the monthly packs: the archive, "Generate now" with its progress
bar, the pack itself, downloads and publishing."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from pmo import reports
from pmo.forms import GovukFormMixin
from pmo.models import ReportRun, ReportType, Trigger
from pmo.permissions import can, require, restrict

MONTHS_OFFERED = 24
# The htmx event after which the archive's list fetches itself again.
RUNS_CHANGED = "report-runs-changed"
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}


def _month_choices(today: datetime.date) -> list[tuple[str, str]]:
    month = today.replace(day=1)
    choices = []
    for _ in range(MONTHS_OFFERED):
        choices.append((f"{month:%Y-%m}", f"{month:%B %Y}"))
        month = reports.previous_month(month)
    return choices


class GenerateReportForm(GovukFormMixin, forms.Form):
    report_type = forms.ChoiceField(
        label="Report", choices=ReportType.choices, widget=forms.RadioSelect
    )
    period = forms.ChoiceField(label="Month reported on")
    publish = forms.BooleanField(
        label="Publish it when it is ready (this closes the month to changes)", required=False
    )

    def __init__(self, *args, may_publish: bool, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = _month_choices(today)
        self.fields["period"].initial = f"{reports.previous_month(today):%Y-%m}"
        self.fields["report_type"].initial = ReportType.PORTFOLIO
        self.fields["report_type"].error_messages["required"] = "Select which report to generate"
        self.fields["period"].error_messages["invalid_choice"] = (
            f"Choose a month within the last {MONTHS_OFFERED} months"
        )
        if not may_publish:
            del self.fields["publish"]

    def clean_period(self) -> datetime.date:
        return reports.parse_period(self.cleaned_data["period"])


def runs_visible_to(user):
    """The archive as this user may see it (pmo.permissions' list rule)."""
    runs = ReportRun.objects.select_related("requested_by", "published_by").defer("snapshot")
    return restrict(runs, user, "view_report")


def _get_run(request, pk: int) -> ReportRun:
    run = get_object_or_404(ReportRun.objects.select_related("requested_by", "published_by"), pk=pk)
    require(request, "view_report", run)
    return run


@require_GET
def archive(request):
    """The archive page; for htmx, just its list, which the page fetches
    again whenever a run is requested or finishes (RUNS_CHANGED)."""
    require(request, "view_report")
    form = None
    if can(request.user, "generate_report"):
        form = GenerateReportForm(may_publish=can(request.user, "publish_report"))
    template = "reports/archive.html#archive" if request.htmx else "reports/archive.html"
    return render(request, template, {"runs": runs_visible_to(request.user), "form": form})


@require_POST
def generate(request):
    require(request, "generate_report")
    form = GenerateReportForm(request.POST, may_publish=can(request.user, "publish_report"))
    if not form.is_valid():
        if request.htmx:
            # htmx swaps 2xx only: send the form back to replace itself.
            response = render(request, "reports/archive.html#generate-form", {"form": form})
            response["HX-Retarget"] = "#generate-panel"
            response["HX-Reswap"] = "outerHTML"
            return response
        context = {"runs": runs_visible_to(request.user), "form": form}
        return render(request, "reports/archive.html", context)
    run = reports.report_run_request(
        report_type=form.cleaned_data["report_type"],
        period=form.cleaned_data["period"],
        requested_by=request.user,
        trigger=Trigger.USER,
        publish=form.cleaned_data.get("publish", False),
    )
    if request.htmx:
        run.refresh_from_db()
        response = render(request, "reports/run.html#progress", {"run": run})
        return trigger_client_event(response, RUNS_CHANGED)
    return redirect("reports:detail", pk=run.pk)


@require_GET
def detail(request, pk: int):
    """The pack, or its progress while it is being made. Polled by htmx for
    the progress fragment."""
    run = _get_run(request, pk)
    template = "reports/run.html#progress" if request.htmx else "reports/run.html"
    others = ReportRun.objects.for_period(run.report_type, run.period).exclude(pk=run.pk)
    response = render(
        request,
        template,
        {
            "run": run,
            "published_version": others.published().first(),
            "may_publish": can(request.user, "publish_report", run),
        },
    )
    if request.htmx and (run.is_finished or run.is_abandoned):
        # The last poll: the archive beside the progress bar shows the outcome.
        trigger_client_event(response, RUNS_CHANGED)
    return response


@require_GET
def download(request, pk: int, fmt: str):
    run = _get_run(request, pk)
    files = {name: f for name, _label, f in run.files()}
    if fmt not in files:
        raise Http404("This report has no file in that format.")
    handle = files[fmt]
    assert handle.name  # files() lists only the files written
    return FileResponse(
        handle.open("rb"),
        as_attachment=True,
        filename=handle.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES[fmt],
    )


@require_POST
def publish(request, pk: int):
    run = _get_run(request, pk)
    require(request, "publish_report", run)
    try:
        reports.report_run_publish(run=run, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Version {run.version} of the {run.period_label} {run.name_in_sentence} "
            f"is published. {run.period_label} is now closed to changes.",
        )
    return redirect("reports:detail", pk=run.pk)
