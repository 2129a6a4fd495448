"""Benefits' e-mail notices: actuals awaiting finance sign-off."""

from __future__ import annotations

from django.urls import reverse

from benefits.models import BenefitActual
from benefits.money import fy_label
from pmo.models import NoticeKind
from pmo.notifications import notify
from pmo.permissions import Role, holders_of


def actual_awaits_sign_off(actual: BenefitActual) -> None:
    """Finance officers hear of an actual to sign off; never the one who
    entered it, who may not sign it off (segregation of duties)."""
    benefit = actual.benefit
    project = benefit.project
    entered_by = actual.entered_by
    who = (entered_by.get_full_name() or entered_by.username) if entered_by else "Someone"
    kind = "an adjustment" if actual.is_adjustment else "an actual"
    notify(
        kind=NoticeKind.SIGN_OFF,
        event_key=f"sign-off:{actual.pk}",
        recipients=holders_of(Role.FINANCE),
        subject=(
            f"Actuals to sign off: {project.reference} {benefit.title}, {fy_label(actual.year)}"
        ),
        body=(
            f"{who} recorded {kind} of £{actual.amount:,.2f} for {actual.month:%B %Y} against "
            f"“{benefit.title}” ({project.reference} {project.title}).\n\n"
            f"Evidence given: {actual.evidence.strip()}\n\n"
            f"Check the evidence and sign off {fy_label(actual.year)} when its actuals are "
            "complete. Whoever entered an actual cannot sign it off."
        ),
        path=reverse("benefits:detail", args=[benefit.pk]),
        actor=entered_by,
    )
