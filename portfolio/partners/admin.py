from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portfolio.partners.models import (
    BreakClause,
    Contract,
    Engagement,
    EngagementCost,
    Partner,
    PartnershipReview,
)


class BreakClauseInline(admin.TabularInline):
    model = BreakClause
    extra = 0


class EngagementCostInline(admin.TabularInline):
    model = EngagementCost
    extra = 0


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "partner_type", "review_interval_months"]
    list_filter = ["partner_type"]
    search_fields = ["name"]


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "partner", "procurement_route", "value", "start_date", "end_date"]
    list_select_related = ["partner"]
    inlines = [BreakClauseInline]


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "partner",
        "project",
        "workstream",
        "role",
        "start_date",
        "end_date",
        "kt_status",
    ]
    list_select_related = ["partner", "project", "workstream"]
    list_filter = ["role", "kt_status"]
    inlines = [EngagementCostInline]


@admin.register(PartnershipReview)
class PartnershipReviewAdmin(SimpleHistoryAdmin):
    list_display = ["partner", "review_date", "reviewer", "delivery", "value_for_money"]
    list_select_related = ["partner", "reviewer"]
