"""The register's e-mail notices, in its users' words: monthly updates due
and overdue, milestones overdue, gate boards near, and Red ratings with
their Response to Red. pmo.notifications records and sends them once each.

`send_reminders(today)` is the daily run (portfolio.tasks, from beat): it
finds what is due today, and the event keys make a second run on the same
day, or on the next, send nothing that has been sent.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections import Counter

from django.conf import settings
from django.urls import reverse

from pmo.models import NoticeKind
from pmo.notifications import notify
from pmo.permissions import Role, holders_of
from pmo.templatetags.pmo import ukdate
from portfolio.models import (
    ACTIVE_STAGES,
    GateDecision,
    Milestone,
    Project,
    StatusUpdate,
    first_of_month,
)

logger = logging.getLogger(__name__)


def _tab(project: Project, tab: str) -> str:
    return f"{reverse('portfolio:detail', args=[project.reference])}?tab={tab}#{tab}"


def _name(user) -> str:
    return user.get_full_name() or user.username


def update_deadline(period: datetime.date) -> datetime.date:
    """The day a month's update is due by: PMO_UPDATE_DEADLINE_DAY of that
    month, or its last day in a shorter month."""
    last = calendar.monthrange(period.year, period.month)[1]
    return period.replace(day=min(settings.PMO_UPDATE_DEADLINE_DAY, last))


def red_reported(update: StatusUpdate) -> None:
    """A Red update goes to the sponsor and PMO with its Response to Red."""
    project = update.project
    submitted_by = update.submitted_by
    body = "\n\n".join(
        [
            f"{_name(submitted_by) if submitted_by else 'The project manager'} reported "
            f"{project.reference} {project.title} as Red for {update.period:%B %Y}.",
            f"Response to Red owner: {update.red_owner}",
            f"Actions (path to green):\n{update.path_to_green.strip()}",
            f"Re-review date: {ukdate(update.red_review_date)}",
        ]
    )
    notify(
        kind=NoticeKind.RED,
        event_key=f"red:{update.pk}",
        recipients=[project.sponsor, *holders_of(Role.PMO)],
        subject=f"{project.reference} {project.title} is reported Red for {update.period:%B %Y}",
        body=body,
        path=_tab(project, "updates"),
        actor=submitted_by,
    )


def _updates_due(today: datetime.date) -> Counter:
    """Due before the deadline, overdue after it (to the PM), and a few days
    later overdue to the PM and sponsor. Only projects in a reporting stage
    with no update for the month yet."""
    sent: Counter = Counter()
    period = first_of_month(today)
    deadline = update_deadline(period)
    days_left = (deadline - today).days
    missing = Project.objects.update_due(period).select_related("project_manager", "sponsor")
    if 0 <= days_left <= settings.PMO_UPDATE_REMINDER_DAYS:
        for project in missing.filter(project_manager__isnull=False):
            sent["update_due"] += len(
                notify(
                    kind=NoticeKind.UPDATE_DUE,
                    event_key=f"update-due:{project.pk}:{period:%Y-%m}",
                    recipients=[project.project_manager],
                    subject=(
                        f"Monthly update for {project.reference} {project.title} due by "
                        f"{ukdate(deadline)}"
                    ),
                    body=(
                        f"The {period:%B %Y} update for {project.reference} {project.title} "
                        f"is due by {ukdate(deadline)}.\n\n"
                        "It starts from last month's values: change what has moved on, or "
                        "confirm that nothing has changed in one step."
                    ),
                    path=reverse("portfolio:update_new", args=[project.reference]),
                )
            )
    if days_left < 0:
        escalate = -days_left >= settings.PMO_UPDATE_ESCALATION_DAYS
        for project in missing:
            recipients = [project.project_manager]
            key = f"update-overdue:{project.pk}:{period:%Y-%m}"
            # The manager's link opens the form; once the sponsor is told
            # too, it is the project's updates, which both may open.
            path = reverse("portfolio:update_new", args=[project.reference])
            if escalate:
                recipients.append(project.sponsor)
                key = f"update-overdue-sponsor:{project.pk}:{period:%Y-%m}"
                path = _tab(project, "updates")
            sent["update_overdue"] += len(
                notify(
                    kind=NoticeKind.UPDATE_OVERDUE,
                    event_key=key,
                    recipients=recipients,
                    subject=(f"Monthly update for {project.reference} {project.title} is overdue"),
                    body=(
                        f"The {period:%B %Y} update for {project.reference} {project.title} "
                        f"was due by {ukdate(deadline)} and has not been submitted.\n\n"
                        + (
                            "The sponsor is now told too. "
                            if escalate
                            else f"If it is not in within {settings.PMO_UPDATE_ESCALATION_DAYS} "
                            "days of the deadline, the sponsor is told too. "
                        )
                        + "The monthly pack reports projects with no update."
                    ),
                    path=path,
                )
            )
    return sent


def _milestones_overdue(today: datetime.date) -> int:
    """Each open milestone past its forecast date, to the project's manager,
    once per forecast date (re-forecast and missed again is a new notice)."""
    count = 0
    overdue = (
        Milestone.objects.overdue(today)
        .filter(project__stage__in=ACTIVE_STAGES)
        .exclude(project__project_manager__isnull=True)
        .select_related("project__project_manager")
    )
    for milestone in overdue:
        project = milestone.project
        count += len(
            notify(
                kind=NoticeKind.MILESTONE_OVERDUE,
                event_key=f"milestone-overdue:{milestone.pk}:{milestone.forecast_date}",
                recipients=[project.project_manager],
                subject=f"Milestone overdue on {project.reference}: {milestone.title}",
                body=(
                    f"“{milestone.title}” on {project.reference} {project.title} was forecast "
                    f"for {ukdate(milestone.forecast_date)} and is not recorded as achieved.\n\n"
                    "Record the date it was achieved, or a new forecast date. A Green rating "
                    "with an overdue milestone needs a written justification."
                ),
                path=_tab(project, "milestones"),
            )
        )
    return count


def _gates_near(today: datetime.date) -> int:
    """A scheduled gate board (a date, no decision yet) within the notice
    period, or past with no decision recorded, to the sponsor and PMO."""
    count = 0
    horizon = today + datetime.timedelta(days=settings.PMO_GATE_NOTICE_DAYS)
    gates = (
        GateDecision.objects.filter(decision="", decided_on__lte=horizon)
        .filter(project__stage__in=ACTIVE_STAGES)
        .select_related("project__sponsor")
    )
    pmo = holders_of(Role.PMO)
    for gate in gates:
        project = gate.project
        when = (
            f"is scheduled for {ukdate(gate.decided_on)}"
            if gate.decided_on >= today
            else f"was scheduled for {ukdate(gate.decided_on)} and has no decision recorded"
        )
        count += len(
            notify(
                kind=NoticeKind.GATE,
                event_key=f"gate:{gate.pk}:{gate.decided_on}",
                recipients=[project.sponsor, *pmo],
                subject=f"Gate decision needed: {project.reference} {gate.get_gate_display()}",
                body=(
                    f"The {gate.board} board for {project.reference} {project.title}, "
                    f"{gate.get_gate_display()}, {when}.\n\n"
                    "Record the decision (go, go with conditions, defer or stop) on the "
                    "project's Gates tab."
                ),
                path=_tab(project, "gates"),
            )
        )
    return count


def send_reminders(today: datetime.date) -> dict[str, int]:
    """The daily run: how many notices of each kind were recorded."""
    sent = {"update_due": 0, "update_overdue": 0, **_updates_due(today)}
    sent["milestone_overdue"] = _milestones_overdue(today)
    sent["gate"] = _gates_near(today)
    logger.info(
        "event=reminders_run day=%s %s", today, " ".join(f"{k}={v}" for k, v in sent.items())
    )
    return sent
