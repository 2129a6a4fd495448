from django.urls import path

from pmo import report_views

app_name = "reports"

urlpatterns = [
    path("", report_views.archive, name="archive"),
    path("generate/", report_views.generate, name="generate"),
    path("<int:pk>/", report_views.detail, name="detail"),
    path("<int:pk>/download/<str:fmt>/", report_views.download, name="download"),
    path("<int:pk>/publish/", report_views.publish, name="publish"),
]
