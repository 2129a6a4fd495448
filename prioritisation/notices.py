"""Prioritisation's e-mail notices: scores awaiting moderation."""

from __future__ import annotations

from django.urls import reverse

from pmo.models import NoticeKind
from pmo.notifications import notify
from pmo.permissions import Role, holders_of
from prioritisation.models import Assessment


def assessment_submitted(assessment: Assessment, by) -> None:
    """PMO hear of each submission; a re-submission after changes is a new
    event (its version), the same one saved twice is not."""
    project = assessment.project
    who = by.get_full_name() or by.username
    notify(
        kind=NoticeKind.MODERATION,
        event_key=f"moderation:{assessment.pk}:{assessment.version}",
        recipients=holders_of(Role.PMO),
        subject=f"Score to moderate: {project.reference} {project.title}",
        body=(
            f"{who} submitted scores for {project.reference} {project.title}: impact "
            f"{assessment.impact}, risk {assessment.risk}, range {assessment.tier}.\n\n"
            "Check the rationale against the calibration references, then moderate it."
        ),
        path=reverse("prioritisation:moderation"),
        actor=by,
    )
