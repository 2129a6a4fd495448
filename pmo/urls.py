from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pmo import notice_views, views
from pmo.forms import LoginForm

admin.site.site_header = "Transformation PMO administration"
admin.site.site_title = "Transformation PMO"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/notifications/", notice_views.preferences, name="notification_preferences"),
    path("notices/", notice_views.log, name="notice_log"),
    path("admin/", admin.site.urls),
    path("prioritisation/", include("prioritisation.urls")),
    path("benefits/", include("benefits.urls")),
    path("reports/", include("pmo.report_urls")),
    path("partners/", include("portfolio.partners.urls")),
    # /projects/<reference>/score/ belongs to prioritisation.
    path("", include("prioritisation.project_urls")),
    path("", include("portfolio.urls")),
]
