"""URLs of structures (public). Filled by the lieux issue."""

from django.urls import path  # noqa: F401

app_name = "structures_public"
urlpatterns = []
