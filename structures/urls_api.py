"""Public API, mounted at /api/v1/ (docs/adr/0007-public-api.md). Open to everyone, GET only."""

from django.urls import path

from . import api

app_name = "structures_api"
urlpatterns = [
    path("lieux", api.lieux, name="lieux"),
    path("lieux.csv", api.lieux_csv, name="lieux_csv"),
    path("lieux.geojson", api.lieux_geojson, name="lieux_geojson"),
]
