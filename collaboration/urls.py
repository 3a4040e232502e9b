from django.urls import path

from . import views

app_name = "collaboration"

urlpatterns = [
    path("manage/", views.dashboard, name="dashboard"),
]
