"""The one place that answers "may this user do this to this object?".

Views call `require()` (403 on refusal) and templates ask `{% can %}`; lists
(a queryset of what a user may see or pick) come from `restrict()`, whose
list rules sit beside the object rules they must agree with
(tests/pmo/test_restrict.py checks that they do). Nothing else decides
access. Roles are Django groups so IT can assign them in admin.

Rules, in the users' words:
- PMO edits everything.
- A project manager updates their own projects (status updates, milestones,
  RAID, benefits forecasts) and reads the rest.
- Sponsors read, and draft scores for the projects they sponsor.
- CLT, Finance and Viewer read. Finance also signs off savings and records
  actuals.
- Partner costs are seen by PMO and Finance only; everyone else with a role
  reads partners, engagements and reviews without the money.
- A signed-in user with no role sees nothing but the sign-out link.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet


class Role(StrEnum):
    PMO = "PMO"
    PROJECT_MANAGER = "Project Manager"
    SPONSOR = "Sponsor"
    CLT = "CLT"
    FINANCE = "Finance"
    VIEWER = "Viewer"


ALL_ROLES = frozenset(Role)


def roles_of(user) -> frozenset[Role]:
    """The user's roles, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_pmo_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        _keep_roles(user, cached)
    return cached


def _keep_roles(user: Any, roles: frozenset[Role]) -> None:
    """Keeps the user's roles on the user object for the rest of the request."""
    user._pmo_roles = roles


def holders_of(role: Role) -> list:
    """The active users who hold `role`, by name, for pages that say who can
    act ("can be signed off by ..."). Their roles are read here in one go,
    so asking `can()` of each costs no further query."""
    from django.contrib.auth import get_user_model

    users = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=role.value)
        .distinct()
        .order_by("first_name", "last_name", "username")
        .prefetch_related("groups")
    )
    for user in users:
        names = {group.name for group in user.groups.all()}
        _keep_roles(user, frozenset(r for r in Role if r.value in names))
    return users


def _is_own_project(user, project) -> bool:
    return project is not None and user.pk in (project.project_manager_id, project.sponsor_id)


def _manages(user, project) -> bool:
    return project is not None and project.project_manager_id == user.pk


def _any_role(user, roles, obj) -> bool:
    return bool(roles)


def _pmo(user, roles, obj) -> bool:
    return Role.PMO in roles


def _pmo_or_finance(user, roles, obj) -> bool:
    return bool(roles & {Role.PMO, Role.FINANCE})


def _pmo_or_project_manager_of(user, roles, obj) -> bool:
    """`obj` is a project, or anything with a `project` attribute."""
    if Role.PMO in roles:
        return True
    project = getattr(obj, "project", obj)
    return Role.PROJECT_MANAGER in roles and _manages(user, project)


def _score_project(user, roles, obj) -> bool:
    if Role.PMO in roles:
        return True
    return bool(roles & {Role.PROJECT_MANAGER, Role.SPONSOR}) and _is_own_project(user, obj)


def _record_actual(user, roles, obj) -> bool:
    """Actuals are recorded by finance, PMO, or the benefit's owner."""
    if roles & {Role.PMO, Role.FINANCE}:
        return True
    return bool(roles) and obj is not None and getattr(obj, "owner_id", None) == user.pk


# Who reads each kind of report once it is published. PMO and Finance, who
# generate reports, also see drafts and failed runs.
REPORT_AUDIENCES = {
    "portfolio": ALL_ROLES,
    "benefits": frozenset({Role.PMO, Role.FINANCE, Role.CLT, Role.SPONSOR}),
    "clt": frozenset({Role.PMO, Role.FINANCE, Role.CLT}),
}


def _view_report(user, roles, run) -> bool:
    """`run` is a pmo.models.ReportRun, or None for the archive itself."""
    if run is None:
        return bool(roles)
    if roles & {Role.PMO, Role.FINANCE}:
        return True
    return run.published and bool(roles & REPORT_AUDIENCES.get(run.report_type, frozenset()))


def _own_import(user, roles, run) -> bool:
    """`run` is a portfolio.models.ImportRun: its check shows the names and
    figures one officer uploaded, and only they confirm it."""
    return Role.PMO in roles and (run is None or run.requested_by_id == user.pk)


RULES: dict[str, Callable[[Any, frozenset[Role], Any], bool]] = {
    # Reading anything in the product needs a role.
    "view": _any_role,
    # Admin and reference data.
    "admin": _pmo,
    # Projects and their monthly reporting.
    "create_project": _pmo,
    "edit_project": _pmo,
    "import_projects": _pmo,
    "view_import": _own_import,
    "update_project": _pmo_or_project_manager_of,
    "override_gate": _pmo,
    # Prioritisation.
    "score_project": _score_project,
    "moderate_assessment": _pmo,
    "manage_scoring_models": _pmo,
    "set_phase": _pmo,
    # Benefits.
    "edit_benefit": _pmo_or_project_manager_of,
    "record_actual": _record_actual,
    "sign_off_benefit": lambda user, roles, obj: Role.FINANCE in roles,
    "resolve_data_quality": _pmo,
    "export_benefits": _any_role,
    # Strategic partners: PMO edits; costs are seen by PMO and Finance only.
    "edit_partners": _pmo,
    "view_partner_costs": _pmo_or_finance,
    # An approved plan is the business case: PMO approves and re-baselines it.
    "approve_benefit_plan": _pmo,
    # Bulk loads of benefits and profiles come from PMO or finance.
    "import_benefits": _pmo_or_finance,
    # Reports.
    "view_report": _view_report,
    "generate_report": _pmo_or_finance,
    "publish_report": _pmo,
    # E-mail notices: what was sent to whom.
    "view_notice_log": _pmo,
}


def can(user, action: str, obj: Any = None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"Unknown permission action {action!r}") from None
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return rule(user, roles_of(user), obj)


# The list form of an object rule: the Q that keeps exactly the objects `can`
# allows, for a user who is not a superuser. Written on field names, so this
# module imports no app.
LIST_RULES: dict[str, Callable[[Any, frozenset[Role]], Q]] = {
    "view_report": lambda user, roles: (
        Q()
        if roles & {Role.PMO, Role.FINANCE}
        else Q(
            published=True,
            report_type__in=[kind for kind, seen in REPORT_AUDIENCES.items() if roles & seen],
        )
    ),
    "edit_benefit": lambda user, roles: (
        Q()
        if Role.PMO in roles
        else Q(project_manager=user)
        if Role.PROJECT_MANAGER in roles
        else Q(pk__in=[])
    ),
    "view_import": lambda user, roles: Q(requested_by=user) if Role.PMO in roles else Q(pk__in=[]),
}


def restrict(queryset: QuerySet, user, action: str) -> QuerySet:
    """The objects of `queryset` that `can(user, action, obj)` allows, in
    NetBox's RestrictedQuerySet.restrict style."""
    try:
        rule = LIST_RULES[action]
    except KeyError:
        raise ValueError(f"No list rule for permission action {action!r}") from None
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return queryset
    return queryset.filter(rule(user, roles_of(user)))


def require(request, action: str, obj: Any = None) -> None:
    """Raise 403 unless the signed-in user may do `action` to `obj`."""
    if not can(request.user, action, obj):
        raise PermissionDenied(f"You do not have permission to {action.replace('_', ' ')}.")
