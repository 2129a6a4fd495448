"""E-mail notices: each person's own choices, and PMO's notice log."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from pmo import notifications
from pmo.forms import NoticeLogFilterForm, NotificationPreferencesForm
from pmo.models import Notice
from pmo.permissions import require

NOTICE_LOG_PAGE_SIZE = 50


@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    require(request, "view")
    current = notifications.preferences_of(request.user)
    form = NotificationPreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        notifications.preferences_save(user=request.user, deliveries=form.cleaned_data)
        messages.success(request, "Your e-mail choices are saved")
        return redirect("notification_preferences")
    return render(
        request,
        "notices/preferences.html",
        {"form": form, "email": request.user.email},
    )


def _filtered(filters: dict):
    notices = Notice.objects.select_related("recipient")
    if "kind" in filters:
        notices = notices.filter(kind=filters["kind"])
    if "recipient" in filters:
        words = filters["recipient"].strip()
        notices = notices.filter(
            Q(email__icontains=words)
            | Q(recipient__first_name__icontains=words)
            | Q(recipient__last_name__icontains=words)
            | Q(recipient__username__icontains=words)
        )
    status = filters.get("status")
    if status == "sent":
        notices = notices.filter(sent_at__isnull=False)
    elif status == "waiting":
        notices = notices.filter(sent_at__isnull=True, error="")
    elif status == "failed":
        notices = notices.filter(sent_at__isnull=True).exclude(error="")
    return notices


@require_safe
def log(request):
    require(request, "view_notice_log")
    form = NoticeLogFilterForm(request.GET)
    page = Paginator(_filtered(form.valid()), NOTICE_LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notices/log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
