from django.urls import path

from . import views

app_name = "collaboration"

urlpatterns = [
    path("manage/", views.dashboard, name="dashboard"),
    path("manage/account/export/", views.export_account, name="export"),
    path("manage/account/delete/", views.delete_account, name="delete"),
    path("manage/<slug:slug>/request/", views.request_management, name="request"),
    path("manage/<slug:slug>/edit/", views.edit_profile, name="edit"),
]

from .opportunity_urls import urlpatterns as opportunity_patterns  # noqa: E402

urlpatterns += opportunity_patterns
