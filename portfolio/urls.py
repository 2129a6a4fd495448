from django.urls import path

from portfolio import import_views, views

app_name = "portfolio"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("my/", views.my_projects, name="my"),
    path("projects/", views.register, name="register"),
    path("projects/export.csv", views.register_export_csv, name="export_csv"),
    path("projects/export.xlsx", views.register_export_xlsx, name="export_xlsx"),
    path("projects/new/", views.project_new, name="new"),
    # Before the detail pattern, which would otherwise read "import" as a reference.
    path("projects/import/", import_views.import_upload, name="import"),
    path("projects/import/<int:pk>/", import_views.import_run, name="import_run"),
    path("projects/import/<int:pk>/columns/", import_views.import_columns, name="import_columns"),
    path(
        "projects/import/<int:pk>/problems.xlsx",
        import_views.import_problems,
        name="import_problems",
    ),
    path("projects/import/template.xlsx", import_views.import_template, name="import_template"),
    path("projects/<str:reference>/", views.project_detail, name="detail"),
    path("projects/<str:reference>/tabs/<slug:tab_id>/", views.project_tab, name="tab"),
    path("projects/<str:reference>/edit/", views.project_edit, name="edit"),
    path("projects/<str:reference>/updates/new/", views.update_new, name="update_new"),
    path(
        "projects/<str:reference>/updates/no-change/",
        views.update_no_change,
        name="update_no_change",
    ),
]

# Milestones, RAID items, dependencies and gates share one add/edit view.
# The names are singular: portfolio:milestone_new, portfolio:milestone_edit, ...
RECORD_URL_NAMES = {
    "milestones": "milestone",
    "risks": "risk",
    "issues": "issue",
    "assumptions": "assumption",
    "decisions": "decision",
    "dependencies": "dependency",
    "gates": "gate",
}
for kind, name in RECORD_URL_NAMES.items():
    urlpatterns += [
        path(
            f"projects/<str:reference>/{kind}/new/",
            views.record_form,
            {"kind": kind},
            name=f"{name}_new",
        ),
        path(
            f"projects/<str:reference>/{kind}/<int:pk>/edit/",
            views.record_form,
            {"kind": kind},
            name=f"{name}_edit",
        ),
    ]
