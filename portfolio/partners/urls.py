from django.urls import path

from portfolio.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("new/", views.partner_create, name="create"),
    path("export/<slug:dataset>.<slug:fmt>", views.export, name="export"),
    path("<int:pk>/", views.partner_detail, name="detail"),
    path("<int:pk>/edit/", views.partner_edit, name="edit"),
    path("<int:partner_pk>/contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("<int:partner_pk>/engagements/new/", views.engagement_create, name="engagement_create"),
    path("engagements/<int:pk>/edit/", views.engagement_edit, name="engagement_edit"),
    path("<int:partner_pk>/reviews/new/", views.review_create, name="review_create"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="review_edit"),
]
