from django.contrib import admin

from .models import OrganismePrescripteur


@admin.register(OrganismePrescripteur)
class OrganismePrescripteurAdmin(admin.ModelAdmin):
    """For the operators. Coordinators use /gestion/prescripteurs/, whose services journal every
    change: prefer it to editing here."""

    list_display = ["nom", "type_organisme", "siret", "commune", "departement", "ferme_le"]
    list_filter = ["departement", "type_organisme"]
    list_select_related = ["commune", "departement"]
    search_fields = ["nom", "siret", "commune__nom"]
    raw_id_fields = ["commune"]
