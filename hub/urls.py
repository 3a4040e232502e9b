from django.urls import path

from . import feeds, views

app_name = "hub"

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/<slug:slug>/", views.library_item, name="library_item"),
    path("events/", views.events, name="events"),
    path("events/past/", views.events, {"past": True}, name="events_past"),
    path("events/calendar.ics", views.events_calendar, name="events_ics"),
    path("events/<slug:slug>/", views.event, name="event"),
    path("events/<slug:slug>/calendar.ics", views.event_calendar, name="event_ics"),
    path("news/", views.news, name="news"),
    path("news/feed/", feeds.NewsFeed(), name="news_feed"),
    path("news/<slug:slug>/", views.news_item, name="news_item"),
    path("propose/", views.propose, name="propose"),
    path("proposals/", views.proposal_lookup, name="proposal_lookup"),
    path("proposals/<str:reference>/", views.proposal_status, name="proposal_status"),
    path("initiatives/<slug:slug>/collaborate/", views.interest, name="interest"),
    path("initiatives/<slug:slug>/collaborate/sent/", views.interest_sent, name="interest_sent"),
]
