from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from benefits.models import (
    BenefitActual,
    BenefitEvent,
    BenefitYear,
    DoubleCountResolution,
    FinancialBenefit,
    KpiMeasurement,
    NarrativeEntry,
    NonFinancialBenefit,
    ProjectCost,
)


class BenefitYearInline(admin.TabularInline):
    model = BenefitYear
    extra = 0
    readonly_fields = ["signed_off_amount", "signed_off_by", "signed_off_at"]


@admin.register(FinancialBenefit)
class FinancialBenefitAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "benefit_type", "mtfp_category", "status", "confidence"]
    list_filter = ["status", "confidence", "benefit_type", "mtfp_category"]
    search_fields = ["title", "budget_code", "project__reference", "project__title"]
    raw_id_fields = ["project", "owner", "duplicate_of"]
    inlines = [BenefitYearInline]


@admin.register(BenefitActual)
class BenefitActualAdmin(SimpleHistoryAdmin):
    list_display = ["benefit", "month", "amount", "is_adjustment", "entered_by"]
    raw_id_fields = ["benefit"]

    def has_change_permission(self, request, obj=None):
        # Actuals are a ledger: corrections are new adjustments, never edits.
        return False


@admin.register(BenefitEvent)
class BenefitEventAdmin(admin.ModelAdmin):
    list_display = ["benefit", "kind", "year", "by", "at"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(DoubleCountResolution, SimpleHistoryAdmin)
admin.site.register(ProjectCost, SimpleHistoryAdmin)
admin.site.register(NonFinancialBenefit, SimpleHistoryAdmin)
admin.site.register(KpiMeasurement, SimpleHistoryAdmin)
admin.site.register(NarrativeEntry, SimpleHistoryAdmin)
