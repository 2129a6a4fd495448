"""Admin for PMO staff: reference data is edited here; projects and their
monthly reporting are read-only here, because the app's own forms apply the
rules (the honesty rule, gates, optimistic locking, period locks) that a raw
admin form would skip."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portfolio.models import (
    CorporatePriority,
    Directorate,
    GateDecision,
    Milestone,
    Project,
    Risk,
    Service,
    StatusUpdate,
    Tag,
    Workstream,
)


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 1


@admin.register(Directorate)
class DirectorateAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name"]
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "directorate", "change_capacity"]
    list_filter = ["directorate"]
    list_editable = ["change_capacity"]
    search_fields = ["name"]
    list_select_related = ["directorate"]


@admin.register(CorporatePriority)
class CorporatePriorityAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]


@admin.register(Workstream)
class WorkstreamAdmin(admin.ModelAdmin):
    list_display = ["name", "lead"]
    list_select_related = ["lead"]
    autocomplete_fields = ["lead"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Listed and searchable for PMO, changed only through the app's forms."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "stage", "lead_directorate", "project_manager"]
    list_filter = ["stage", "project_type", "lead_directorate", "workstream"]
    search_fields = ["reference", "title"]
    list_select_related = ["lead_directorate", "project_manager"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdmin):
    list_display = ["project", "period", "delivery_confidence", "honesty_override"]
    list_filter = ["period", "delivery_confidence", "honesty_override"]
    search_fields = ["project__reference", "project__title"]
    list_select_related = ["project"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["title", "project", "baseline_date", "forecast_date", "actual_date"]
    search_fields = ["title", "project__reference"]
    list_select_related = ["project"]


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = ["title", "project", "score", "status", "escalated"]
    list_filter = ["status", "escalated"]
    search_fields = ["title", "project__reference"]
    list_select_related = ["project"]


@admin.register(GateDecision)
class GateDecisionAdmin(ReadOnlyAdmin):
    list_display = ["project", "gate", "decision", "board", "decided_on"]
    list_filter = ["gate", "decision"]
    list_select_related = ["project"]
