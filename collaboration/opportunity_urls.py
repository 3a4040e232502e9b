from django.urls import path

from . import opportunity_views as views
from .opportunity_feeds import OpportunityFeed

urlpatterns = [
    path("opportunities/", views.opportunity_list, name="opportunities"),
    path("opportunities/feed/", OpportunityFeed(), name="opportunity_feed"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity"),
    path("opportunities/<int:pk>/respond/", views.respond, name="respond"),
    path("opportunities/<int:pk>/respond/sent/", views.response_sent, name="response_sent"),
    path("opportunities/digest/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("manage/opportunities/", views.my_opportunities, name="my_opportunities"),
    path("manage/initiatives/<slug:slug>/opportunities/new/", views.publish, name="publish"),
    path("manage/opportunities/<int:pk>/edit/", views.edit, name="edit_opportunity"),
    path("manage/opportunities/<int:pk>/close/", views.close, name="close_opportunity"),
    path("manage/initiatives/<slug:slug>/digest/", views.subscription, name="subscription"),
]
