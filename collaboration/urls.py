from django.urls import path

from . import views

app_name = "collaboration"

urlpatterns = [
    path("manage/", views.dashboard, name="dashboard"),
]

from .opportunity_urls import urlpatterns as opportunity_patterns  # noqa: E402

urlpatterns += opportunity_patterns
