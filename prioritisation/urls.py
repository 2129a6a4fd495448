from django.urls import path

from prioritisation import views

app_name = "prioritisation"

urlpatterns = [
    path("", views.index, name="index"),
    path("grid/", views.grid, name="grid"),
    path("grid/present/", views.present, name="present"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/export/", views.ranking_export, name="ranking_export"),
    path("phase/<str:reference>/", views.set_phase, name="set_phase"),
    path("capacity/", views.capacity, name="capacity"),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("moderation/", views.moderation, name="moderation"),
    path("models/", views.models_list, name="models"),
    path("models/new-draft/", views.model_draft_create, name="model_draft_create"),
    path("models/<int:number>/", views.model_detail, name="model_detail"),
    path("models/<int:number>/activate/", views.model_activate, name="model_activate"),
    path("calibration/", views.calibration, name="calibration"),
    path("calibration/<int:pk>/remove/", views.calibration_remove, name="calibration_remove"),
]
