from django.conf import settings
from django.urls import reverse

from pmo.permissions import can, roles_of


def navigation(request):
    """The header's service navigation, by role, with the current section marked."""
    user = getattr(request, "user", None)
    items = []
    if user is not None and (roles_of(user) or getattr(user, "is_superuser", False)):
        items = [
            # The sections' paths are the product's public surface (bookmarks
            # and emails link to them), so they are written out here.
            ("Portfolio", "/", ("/", "/projects/", "/my/")),
            ("Prioritisation", "/prioritisation/grid/", ("/prioritisation/",)),
            ("Benefits", "/benefits/", ("/benefits/",)),
            ("Partners", "/partners/", ("/partners/",)),
            ("Reports", "/reports/", ("/reports/",)),
        ]
        if can(user, "admin"):
            items.append(("Admin", reverse("admin:index"), ("/admin/",)))
    path = request.path
    nav = []
    for label, url, prefixes in items:
        active = any(
            path == prefix if prefix == "/" else path.startswith(prefix) for prefix in prefixes
        )
        nav.append({"label": label, "url": url, "active": active})
    return {
        "service_name": settings.PMO_SERVICE_NAME,
        "organisation_name": settings.PMO_ORGANISATION_NAME,
        "service_navigation": nav,
    }
