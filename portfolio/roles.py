"""The six roles as Django groups, with the admin permissions each needs.

Created after every `migrate` (Django's own pattern for permissions), so a
fresh install has the roles before anyone signs in.
"""

from django.contrib.auth.models import Group, Permission

from pmo.permissions import Role

# PMO staff run the admin: reference data, users, schedules.
PMO_ADMIN_APPS = (
    "portfolio",
    "partners",
    "prioritisation",
    "benefits",
    "pmo",
    "django_celery_beat",
    "auth",
    "axes",
)


def ensure_roles(**kwargs) -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    pmo = Group.objects.get(name=Role.PMO.value)
    pmo.permissions.set(Permission.objects.filter(content_type__app_label__in=PMO_ADMIN_APPS))
