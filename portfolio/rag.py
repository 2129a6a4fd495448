"""Delivery confidence (RAG) and the honesty rule. Pure functions.

The scale is a setting (PMO_RAG_SCALE): the common 5-point scale, or the
3-point scale central government's major projects have used since 2024.
"""

from __future__ import annotations

from django.db import models


class RAG(models.TextChoices):
    GREEN = "G", "Green"
    AMBER_GREEN = "AG", "Amber/Green"
    AMBER = "A", "Amber"
    AMBER_RED = "AR", "Amber/Red"
    RED = "R", "Red"


SCALES = {
    "5": [RAG.GREEN, RAG.AMBER_GREEN, RAG.AMBER, RAG.AMBER_RED, RAG.RED],
    "3": [RAG.GREEN, RAG.AMBER, RAG.RED],
}

# Ordered best to worst, so "worse" comparisons are plain integer ones.
SEVERITY = {RAG.GREEN: 0, RAG.AMBER_GREEN: 1, RAG.AMBER: 2, RAG.AMBER_RED: 3, RAG.RED: 4}

# A risk or issue at or above this likelihood x impact blocks a green rating.
SEVERE_RAID_SCORE = 15

GREENISH = frozenset({RAG.GREEN, RAG.AMBER_GREEN})


def rag_label(code: str) -> str:
    return RAG(code).label if code in RAG.values else code


def scale_choices(scale: str) -> list[tuple[str, str]]:
    return [(rag.value, rag.label) for rag in SCALES[scale]]


def honesty_problems(
    confidence: str, *, overdue_milestones: int, severe_open_raid: int
) -> list[str]:
    """Why a green-ish rating would not be honest, in the PM's words.

    Wokingham's lesson: reporting must not be "everything marked green". A
    Green or Amber/Green rating with overdue milestones or open risks/issues
    scored 15+ is refused unless the PM writes a justification.
    """
    if confidence not in GREENISH:
        return []
    problems = []
    if overdue_milestones:
        problems.append(
            f"{overdue_milestones} milestone{'s are' if overdue_milestones != 1 else ' is'} overdue"
        )
    if severe_open_raid:
        problems.append(
            f"{severe_open_raid} open risk{'s or issues' if severe_open_raid != 1 else ' or issue'}"
            f" scored {SEVERE_RAID_SCORE} or more"
        )
    return problems
