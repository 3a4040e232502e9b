from django.urls import path

from . import map_views, views

app_name = "initiatives"

urlpatterns = [
    path("", views.home, name="home"),
    path("initiatives/", views.initiative_list, name="list"),
    path("map/", map_views.map_page, name="map"),
    path("embed/map/", map_views.embed_map, name="embed-map"),
    path("initiatives/<slug:slug>/", views.initiative_detail, name="detail"),
    path("initiatives/<slug:slug>/similar/", views.similar, name="similar"),
    path("countries/<str:code>/", views.country, name="country"),
    path("rotas/<slug:slug>/", views.route, name="route"),
    path("themes/<slug:slug>/", views.theme, name="theme"),
]
