"""Prioritisation pages that live under a project's own path."""

from django.urls import path

from prioritisation import views

app_name = "prioritisation_project"

urlpatterns = [
    path("projects/<str:reference>/score/", views.score, name="score"),
]
