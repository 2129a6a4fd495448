from django.urls import path

from benefits import views

app_name = "benefits"

urlpatterns = [
    path("", views.tracker, name="tracker"),
    path("add/", views.add, name="add"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/years/<int:year>/forecast/", views.forecast_cell, name="forecast_cell"),
    path("<int:pk>/years/<int:year>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/actuals/add/", views.record_actual, name="record_actual"),
    path("<int:pk>/rebaseline/", views.rebaseline, name="rebaseline"),
    path("<int:pk>/reprofile/", views.reprofile, name="reprofile"),
    path("<int:pk>/write-off/", views.write_off, name="write_off"),
    path("summary/", views.summary, name="summary"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("outcomes/add/", views.outcome_add, name="outcome_add"),
    path("outcomes/<int:pk>/measure/", views.outcome_measure, name="outcome_measure"),
    path("outcomes/<int:pk>/narrative/", views.outcome_narrative, name="outcome_narrative"),
    path("quality/", views.quality, name="quality"),
    path("quality/resolve/", views.resolve_flag, name="resolve_flag"),
    path("closed/", views.closed, name="closed"),
    path("projects/<str:reference>/costs/", views.project_costs, name="project_costs"),
    path("export/", views.export_page, name="export"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export/<slug:sheet>.csv", views.export_csv, name="export_csv"),
    path("import/", views.import_benefits, name="import"),
]
