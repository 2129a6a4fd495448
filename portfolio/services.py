"""Writes to the project register. The pages, the import, admin actions and
tasks all call these, so each rule (references, optimistic locking, the
honesty rule, gates before stages) is written once.

Every write calls full_clean() and then save() on the instance, never a bulk
path, so django-simple-history records who changed what and why.
"""

from __future__ import annotations

import datetime
from contextlib import nullcontext
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone

from pmo import datacache
from pmo.permissions import can
from pmo.reports import period_is_locked
from portfolio import notices
from portfolio.models import (
    APPROVING_OUTCOMES,
    Dependency,
    Gate,
    GateDecision,
    Issue,
    Milestone,
    Project,
    RaidStatus,
    Risk,
    Stage,
    StageOverride,
    StatusUpdate,
    first_of_month,
)
from portfolio.rag import RAG, SCALES, SEVERE_RAID_SCORE, honesty_problems

PROJECT_M2M_FIELDS = ("services", "priorities", "tags")

# A stage that can only be entered once a gate has approved it.
GATED_STAGES: dict[str, int] = {Stage.DELIVERY: Gate.BUSINESS_CASE, Stage.CLOSED: Gate.CLOSURE}

# Creating a project races for the next number; retry a few times on a clash.
REFERENCE_ATTEMPTS = 5


class EditConflict(Exception):
    """The record changed after the user opened the form (optimistic locking)."""

    def __init__(self, current_version: int, changed_by=None, changed_at=None):
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        who = f" by {changed_by.get_full_name() or changed_by.username}" if changed_by else ""
        super().__init__(
            f"Someone else changed this project{who} while you were editing it. "
            "Your changes have not been saved. Check the current details, then save again."
        )


class RecordConflict(Exception):
    """A milestone, RAID item, dependency or gate changed after the user
    opened its form. These records carry no version field; their latest
    history row serves as one."""

    def __init__(self, instance: models.Model, current_marker: int, changed_by=None):
        self.current_marker = current_marker
        who = f" ({changed_by.get_full_name() or changed_by.username})" if changed_by else ""
        noun = instance._meta.verbose_name
        super().__init__(
            f"Someone else{who} changed this {noun} while you were editing it. "
            "Your changes have not been saved. Check the current details, then save again."
        )


# The records below are models with django-simple-history's HistoricalRecords:
# their `history` manager and the `_change_reason` and `_history_user` it reads
# are added at run time, where the type checker cannot see them.


def history_marker(instance: Any) -> int:
    """The id of the record's latest history row: it changes on every save."""
    return (
        instance.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
    )


def _check_unchanged(instance: Any, expected_marker: int | None) -> None:
    if expected_marker is None:
        return
    # Lock the row (on PostgreSQL) so two saves cannot both pass the check.
    type(instance).objects.select_for_update().filter(pk=instance.pk).exists()
    current = history_marker(instance)
    if current != expected_marker:
        latest = instance.history.order_by("-history_id").select_related("history_user").first()
        raise RecordConflict(instance, current, latest.history_user if latest else None)


# --- Projects ---------------------------------------------------------------


def _attribute(instance: Any, reason: str, user) -> None:
    """Tell django-simple-history why, and by whom, for writes made outside
    a request (the import, tasks, the shell)."""
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user


def _split_m2m(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: fields.pop(name) for name in PROJECT_M2M_FIELDS if name in fields}


def _set_m2m(project: Project, m2m: dict[str, Any]) -> None:
    for name, values in m2m.items():
        getattr(project, name).set(values)


def _has_approved_gate(project: Project, gate: int) -> bool:
    if project.pk is None:
        return False
    return project.gate_decisions.filter(gate=gate, decision__in=APPROVING_OUTCOMES).exists()


def gate_refusal(stage: str) -> str:
    """Why a project cannot enter `stage` (a gated stage) yet."""
    gate = GATED_STAGES[stage]
    name = Gate(gate).label.split(": ")[1]
    gate_name = name[0].lower() + name[1:]  # "closure and handover to BAU"
    return (
        f"A project cannot move to {Stage(stage).label} without an approved gate {gate} "
        f"({gate_name})"
    )


def _check_stage_gate(
    *,
    project: Project,
    old_stage: str | None,
    user,
    override_reason: str,
    override_authorised: bool = False,
) -> tuple[int, str] | None:
    """Refuse entry to Delivery without an approved gate 1, or Closed without
    an approved gate 3. PMO may override with a written reason; the override
    is returned so it can be recorded once the project is saved.
    `override_authorised` is for callers whose entry point already admits
    only PMO (the import, the server's import command)."""
    gate = GATED_STAGES.get(project.stage)
    if gate is None or project.stage == old_stage or _has_approved_gate(project, gate):
        return None
    may_override = override_authorised or can(user, "override_gate", project)
    if override_reason.strip() and may_override:
        return gate, override_reason.strip()
    message = gate_refusal(project.stage)
    # A gate decision can only be recorded on a project that exists, so a new
    # project is told to start at an earlier stage rather than to record it.
    if project.pk is None:
        first_step = f"Create it at an earlier stage and record gate {gate} on its Gates tab"
    else:
        first_step = "Record the gate decision first"
    if can(user, "override_gate", project):
        message += f". {first_step}, or give a reason to override the gate"
        raise ValidationError({"gate_override_reason": message})
    raise ValidationError({"stage": f"{message}. {first_step}"})


def _record_stage_override(project: Project, override: tuple[int, str] | None, user) -> None:
    if override is None:
        return
    gate, reason = override
    record = StageOverride(
        project=project, stage=project.stage, missing_gate=gate, reason=reason, overridden_by=user
    )
    # An import run on the server by no named user still records its override.
    record.full_clean(exclude=["overridden_by"])
    _attribute(record, f"Gate {gate} overridden: {reason}", user)
    record.save()


def _next_number() -> int:
    return (Project.objects.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def project_create(
    *,
    user,
    gate_override_reason: str = "",
    gate_override_authorised: bool = False,
    **fields: Any,
) -> Project:
    """Create a project with the next reference (TP-0001, TP-0002, ...).

    The reference is given once and never changes. Two people creating
    projects at the same moment can both read the same next number; the
    unique constraint catches that and we retry with a fresh number.
    """
    m2m = _split_m2m(fields)
    for attempt in range(REFERENCE_ATTEMPTS):
        number = _next_number()
        project = Project(
            number=number,
            reference=Project.reference_for(number),
            created_by=user,
            updated_by=user,
            **fields,
        )
        # The unique number is checked by the database on save, where a
        # clash with a concurrent create can be caught and retried.
        project.full_clean(exclude=["number", "reference"])
        override = _check_stage_gate(
            project=project,
            old_stage=None,
            user=user,
            override_reason=gate_override_reason,
            override_authorised=gate_override_authorised,
        )
        _attribute(project, "Project created", user)
        try:
            with transaction.atomic():
                project.save()
        except IntegrityError:
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
            continue
        _set_m2m(project, m2m)
        _record_stage_override(project, override, user)
        return project
    raise AssertionError("unreachable")  # pragma: no cover


@transaction.atomic
def project_update(
    *, project: Project, user, version: int, gate_override_reason: str = "", **fields: Any
) -> Project:
    """Save an edit made to the project as it was at `version`.

    Optimistic locking: the version is bumped with a conditional UPDATE, so
    of two people saving the same version only the first wins and the second
    gets EditConflict (their form keeps what they typed). `project` is left
    untouched when the edit is refused.
    """
    m2m = _split_m2m(fields)
    fresh = Project.objects.get(pk=project.pk)
    old_stage = fresh.stage
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.full_clean()
    override = _check_stage_gate(
        project=fresh, old_stage=old_stage, user=user, override_reason=gate_override_reason
    )
    claimed = Project.objects.filter(pk=project.pk, version=version).update(version=version + 1)
    if not claimed:
        current = Project.objects.select_related("updated_by").get(pk=project.pk)
        raise EditConflict(current.version, current.updated_by, current.updated_at)
    fresh.version = version + 1
    fresh.updated_by = user
    fresh.updated_at = timezone.now()
    if fresh.stage != old_stage:
        reason = f"Stage changed from {Stage(old_stage).label} to {fresh.get_stage_display()}"
        if fresh.stage_reason and fresh.stage in (Stage.PAUSED, Stage.STOPPED):
            reason += f": {fresh.stage_reason}"
        if override:
            reason += f" (gate {override[0]} overridden by PMO: {override[1]})"
        _attribute(fresh, reason, user)
    else:
        _attribute(fresh, "Project edited", user)
    fresh.save()
    _set_m2m(fresh, m2m)
    _record_stage_override(fresh, override, user)
    return fresh


# --- Monthly status updates (highlight reports) ----------------------------


def locked_period_message(period: datetime.date) -> str:
    return (
        f"The pack for {period:%B %Y} has been published, so its updates are locked. "
        "Record a correction in a later month."
    )


def assert_updates_open(period: datetime.date, field: str = "period") -> None:
    """Once a month's pack is published its highlight reports are read-only
    (pmo.reports owns which months are closed). Every write of a
    StatusUpdate calls this first."""
    period = first_of_month(period)
    if period_is_locked(period):
        raise ValidationError({field: locked_period_message(period)})


def honesty_counts(project: Project, today: datetime.date | None = None) -> dict[str, int]:
    """The evidence the honesty rule weighs: overdue milestones, and open
    risks or issues scored 15 or more."""
    today = today or timezone.localdate()
    severe_risks = project.risks.filter(status=RaidStatus.OPEN, score__gte=SEVERE_RAID_SCORE)
    severe_issues = project.issues.filter(status=RaidStatus.OPEN, score__gte=SEVERE_RAID_SCORE)
    return {
        "overdue_milestones": project.milestones.overdue(today).count(),
        "severe_open_raid": severe_risks.count() + severe_issues.count(),
    }


@transaction.atomic
def status_update_submit(
    *,
    project: Project,
    user,
    period: datetime.date,
    delivery_confidence: str,
    schedule_rag: str,
    cost_rag: str,
    benefits_rag: str,
    resources_rag: str,
    risk_rag: str,
    progress: str,
    next_steps: str,
    issues_and_decisions: str = "",
    path_to_green: str = "",
    red_owner: str = "",
    red_review_date: datetime.date | None = None,
    override_justification: str = "",
    no_change: bool = False,
    today: datetime.date | None = None,
) -> StatusUpdate:
    """Submit the month's highlight report, applying the honesty rule. A Red
    rating carries its Response to Red (owner, actions, re-review date),
    which goes to the sponsor and PMO."""
    today = today or timezone.localdate()
    period = first_of_month(period)
    assert_updates_open(period)
    errors: dict[str, str] = {}
    scale = [r.value for r in SCALES[settings.PMO_RAG_SCALE]]
    if delivery_confidence not in scale:
        errors["delivery_confidence"] = "Choose a delivery confidence from the scale"
    if StatusUpdate.objects.filter(project=project, period=period).exists():
        errors["period"] = (
            f"An update for {period:%B %Y} has already been submitted for {project.reference}. "
            "There is one update per month"
        )
    if delivery_confidence != RAG.GREEN and not path_to_green.strip():
        errors["path_to_green"] = (
            "Enter the path to green: what will bring delivery confidence back to green, and when"
        )
    if delivery_confidence == RAG.RED:
        errors.update(_response_to_red_errors(red_owner, red_review_date, today))
    problems = honesty_problems(delivery_confidence, **honesty_counts(project, today))
    override = bool(problems)
    if problems and not override_justification.strip():
        label = RAG(delivery_confidence).label
        errors["override_justification"] = (
            f"{label} cannot be reported while {' and '.join(problems)}. "
            "Choose a lower rating, or explain why it is still honest"
        )
    if errors:
        raise ValidationError(errors)
    update = StatusUpdate(
        project=project,
        period=period,
        delivery_confidence=delivery_confidence,
        schedule_rag=schedule_rag,
        cost_rag=cost_rag,
        benefits_rag=benefits_rag,
        resources_rag=resources_rag,
        risk_rag=risk_rag,
        progress=progress,
        next_steps=next_steps,
        issues_and_decisions=issues_and_decisions,
        path_to_green=path_to_green,
        red_owner=red_owner.strip() if delivery_confidence == RAG.RED else "",
        red_review_date=red_review_date if delivery_confidence == RAG.RED else None,
        honesty_override=override,
        override_justification=override_justification.strip() if override else "",
        submitted_by=user,
        no_change=no_change,
    )
    update.full_clean()
    if override:
        reason = f"Honesty rule overridden: {update.override_justification}"
    elif no_change:
        reason = f"Update for {period:%B %Y} submitted: no change confirmed"
    else:
        reason = f"Update for {period:%B %Y} submitted"
    _attribute(update, reason, user)
    with datacache.project_rows(project.pk, StatusUpdate):
        update.save()
        StatusUpdate.objects.mark_latest([project.pk])
    if update.delivery_confidence == RAG.RED:
        notices.red_reported(update)
    return update


def _response_to_red_errors(
    owner: str, review_date: datetime.date | None, today: datetime.date
) -> dict[str, str]:
    errors = {}
    if not owner.strip():
        errors["red_owner"] = "Enter who owns the Response to Red: the rating is Red"
    if review_date is None:
        errors["red_review_date"] = "Enter the date the Red rating will be reviewed again"
    elif review_date <= today:
        errors["red_review_date"] = (
            f"The re-review date must be after today ({today.day} {today:%b %Y})"
        )
    return errors


def previous_update(project: Project, period: datetime.date) -> StatusUpdate | None:
    """The update a new month's starts from: the project's latest before it."""
    return project.status_updates.filter(period__lt=first_of_month(period)).first()


def status_update_confirm_no_change(
    *, project: Project, user, period: datetime.date, today: datetime.date | None = None
) -> StatusUpdate:
    """One click for a quiet project: this month's update is last update's
    values, submitted by this user as a real submission, under the same
    honesty rule (a carried Green with an overdue milestone is refused)."""
    previous = previous_update(project, period)
    if previous is None:
        raise ValidationError(
            {"period": "There is no earlier update to carry forward. Complete the update below"}
        )
    return status_update_submit(
        project=project,
        user=user,
        period=period,
        no_change=True,
        today=today,
        red_review_date=previous.red_review_date,
        **previous.carried_values(),
    )


# --- Milestones, RAID, dependencies and gates ------------------------------


_Record = TypeVar("_Record", bound=models.Model)


def _noun(model: type[models.Model] | models.Model) -> str:
    """The model's name to start a sentence: "Risk", "Gate decision"."""
    return str(model._meta.verbose_name).capitalize()


def _save(instance: _Record, reason: str, user=None) -> _Record:
    instance.full_clean()
    _attribute(instance, reason, user)
    instance.save()
    return instance


@transaction.atomic
def record_create(*, model: type[models.Model], project: Project, user, **fields: Any):
    """Create a milestone, risk, issue, assumption or decision on a project."""
    instance = model(project=project, **fields)
    with _rows_of_its_project(instance, fields):
        return _save(instance, f"{_noun(model)} added", user)


def _rows_of_its_project(instance: models.Model, fields: dict[str, Any]):
    """A record of one project (not a dependency, which joins two), written
    without moving it to another project, is that project's rows alone: other
    projects' cached pages keep their renders (pmo/datacache.py)."""
    project_id = getattr(instance, "project_id", None)
    if project_id is None or {"project", "project_id"} & fields.keys():
        return nullcontext()
    return datacache.project_rows(project_id, type(instance))


@transaction.atomic
def record_update(
    *, instance: models.Model, user, expected_marker: int | None = None, **fields: Any
):
    """Edit a milestone, risk, issue, assumption, decision or dependency.

    `expected_marker` is history_marker() as it was when the form was opened;
    if the record has been saved since, RecordConflict is raised instead.
    """
    _check_unchanged(instance, expected_marker)
    for name, value in fields.items():
        setattr(instance, name, value)
    reason = f"{_noun(instance)} edited"
    if isinstance(instance, (Risk, Issue)) and "status" in fields:
        if fields["status"] == RaidStatus.CLOSED:
            reason = f"{_noun(instance)} closed"
    if isinstance(instance, Milestone) and fields.get("actual_date"):
        reason = "Milestone achieved"
    with _rows_of_its_project(instance, fields):
        return _save(instance, reason, user)


@transaction.atomic
def dependency_create(*, source: Project, user, **fields: Any) -> Dependency:
    dependency = Dependency(source=source, **fields)
    return _save(dependency, "Dependency added", user)


@transaction.atomic
def gate_decision_record(*, project: Project, user, **fields: Any) -> GateDecision:
    """Record a gate decision, or schedule a gate (a future date, no decision)."""
    gate = GateDecision(project=project, recorded_by=user, **fields)
    if gate.decision == "" and gate.decided_on and gate.decided_on <= timezone.localdate():
        raise ValidationError({"decision": "Enter the board's decision for a gate already held"})
    label = gate.get_decision_display() if gate.decision else "scheduled"
    return _save(gate, f"Gate {gate.gate} {label.lower()}", user)


@transaction.atomic
def gate_decision_update(
    *, gate_decision: GateDecision, user, expected_marker: int | None = None, **fields: Any
) -> GateDecision:
    _check_unchanged(gate_decision, expected_marker)
    for name, value in fields.items():
        setattr(gate_decision, name, value)
    gate_decision.recorded_by = user
    if (
        gate_decision.decision == ""
        and gate_decision.decided_on
        and gate_decision.decided_on <= timezone.localdate()
    ):
        raise ValidationError({"decision": "Enter the board's decision for a gate already held"})
    label = gate_decision.get_decision_display() if gate_decision.decision else "rescheduled"
    return _save(gate_decision, f"Gate {gate_decision.gate} {label.lower()}", user)
