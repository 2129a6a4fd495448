"""Admin is for looking things up and fixing reference data; scoring,
moderation and model changes go through the product's own pages and
services so their rules always apply."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from prioritisation.models import (
    Assessment,
    CalibrationReference,
    CriterionScore,
    Phase,
    ScoringModel,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoringModel)
class ScoringModelAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "status", "impact_threshold", "risk_threshold", "activated_at"]


class CriterionScoreInline(ReadOnlyMixin, admin.TabularInline):
    model = CriterionScore
    fields = ["criterion", "level", "rationale"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["project", "model", "status", "impact", "risk", "tier", "is_current"]
    list_filter = ["status", "tier", "is_current", "model"]
    search_fields = ["project__reference", "project__title"]
    list_select_related = ["project", "model"]
    inlines = [CriterionScoreInline]


@admin.register(Phase)
class PhaseAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["project", "phase", "target_quarter", "set_by", "set_at"]
    list_filter = ["phase"]
    list_select_related = ["project", "set_by"]


@admin.register(CalibrationReference)
class CalibrationReferenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["project", "expected_tier", "marked_by", "marked_at"]
    list_select_related = ["project", "marked_by"]
