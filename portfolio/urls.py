from django.urls import path

from portfolio import import_views, views

app_name = "portfolio"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("projects/import/", import_views.import_upload, name="import"),
    path("projects/import/preview/", import_views.import_preview, name="import_preview"),
    path("projects/import/template.xlsx", import_views.import_template, name="import_template"),
]
