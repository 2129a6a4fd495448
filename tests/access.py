"""Vocabulary for the role matrix: each app's tests/<app>/access.py lists a
Route for every URL pattern it owns; tests/test_role_matrix.py checks them all.

A status map gives the expected status code per role; `ANONYMOUS` is a user
who has not signed in (302 to the sign-in page for every protected page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pmo.permissions import Role

ANONYMOUS = "anonymous"
NO_ROLE = "no role"  # signed in, but given no role yet
ALL_ROLES = tuple(Role)
EVERY_PRINCIPAL = (ANONYMOUS, NO_ROLE, *ALL_ROLES)


def statuses(ok: int = 200, *, allowed=ALL_ROLES, refused: int = 403, anonymous: int = 302):
    """Status per principal: `ok` for the allowed roles, `refused` for the rest."""
    expected = {ANONYMOUS: anonymous, NO_ROLE: refused}
    for role in ALL_ROLES:
        expected[role] = ok if role in allowed else refused
    return expected


def public(ok: int = 200):
    return dict.fromkeys(EVERY_PRINCIPAL, ok)


@dataclass(frozen=True)
class Route:
    name: str
    get: dict | None = None
    post: dict | None = None
    kwargs: Callable[[dict], dict] = field(default=lambda world: {})
    post_data: Callable[[dict], dict] = field(default=lambda world: {})
    query: str = ""


def method_not_allowed(*, anonymous: int = 302):
    """A method the view refuses (405) for everyone signed in; the sign-in
    redirect still comes first for anonymous users on protected pages."""
    return dict.fromkeys(EVERY_PRINCIPAL, 405) | {ANONYMOUS: anonymous}
