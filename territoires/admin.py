from django.contrib import admin

from .models import Departement


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "couleur"]
    search_fields = ["code", "nom"]
