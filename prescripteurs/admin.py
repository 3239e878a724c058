from django.contrib import admin

from .models import OrganismePrescripteur


@admin.register(OrganismePrescripteur)
class OrganismePrescripteurAdmin(admin.ModelAdmin):
    list_display = ["nom", "type_organisme", "commune", "departement"]
    list_filter = ["departement", "type_organisme"]
    search_fields = ["nom", "siret", "commune__nom"]
    raw_id_fields = ["commune"]
