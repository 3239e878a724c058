"""URLs of the public directory of places (no login), mounted at /lieux/."""

from django.urls import path

from .views import public

app_name = "structures_public"
urlpatterns = [
    path("", public.recherche, name="recherche"),
    path("communes.json", public.communes, name="communes"),
    path("carte-integrable/", public.carte_integrable, name="carte_integrable"),
    # Last: a place's standard identifier (or its primary key) may be any string.
    path("<path:ref>/", public.lieu, name="lieu"),
]
