from django.contrib import admin

from pmo.models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    """Read-only: runs are made by the task and published from the reports
    page, so the archive cannot be edited behind the pack's back. The
    schedule itself is under Periodic tasks (django-celery-beat)."""

    list_display = ("__str__", "status", "published", "trigger", "requested_at", "finished_at")
    list_filter = ("report_type", "status", "published", "trigger")
    date_hierarchy = "period"
    exclude = ("snapshot",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
