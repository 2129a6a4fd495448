"""Service-wide pages: health check, sign-in, accessibility statement."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

logger = logging.getLogger(__name__)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the database is down
        logger.warning("event=healthz_database_down error=%r", exc)
        return "unavailable"
    return "ok"


def _broker_status() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured (tasks run in-process)"
    from pmo.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises many transport-specific errors
        logger.warning("event=healthz_broker_down error=%r", exc)
        return "unavailable"
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: 503 when the database is down.

    A broker outage is reported but not fatal: pages still work and report
    runs wait in the queue.
    """
    database = _database_status()
    body = {
        "status": "ok" if database == "ok" else "unavailable",
        "database": database,
        "broker": _broker_status(),
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)


@login_not_required
@require_safe
def accessibility_statement(request):
    return render(request, "accessibility.html")
