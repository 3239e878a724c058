"""URLs of structures (import): coordinators import and export places in the national standard."""

from django.urls import path

from structures.views import import_export

app_name = "structures_import"
urlpatterns = [
    path("", import_export.televerser, name="televerser"),
    path("<str:jeton>/apercu/", import_export.apercu, name="apercu"),
    path("<str:jeton>/confirmer/", import_export.confirmer, name="confirmer"),
    path("export/", import_export.export, name="export"),
]
