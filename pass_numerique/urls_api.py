"""The redemption API (mounted at /api/v1/cheques/): see pass_numerique/api.py and openapi.py."""

from django.urls import path

from . import api

app_name = "pass_api"
urlpatterns = [
    path("openapi.json", api.openapi, name="openapi"),
    path("<str:code>/encaissement", api.encaisser, name="encaisser"),
]
