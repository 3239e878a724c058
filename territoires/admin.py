from django.contrib import admin

from .models import Commune, Departement, Region
from .text import normaliser_nom


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "region", "couleur"]
    list_select_related = ["region"]
    search_fields = ["code", "nom"]
    readonly_fields = ["region", "chef_lieu"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Reference data loaded by `charger_territoires`: read-only here."""

    list_display = ["code", "nom", "chef_lieu"]
    search_fields = ["code", "nom"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Commune)
class CommuneAdmin(RegionAdmin):
    list_display = ["code_insee", "nom", "departement_id", "codes_postaux", "population", "source_position"]
    list_filter = ["type", "source_position", "actuelle"]
    search_fields = ["code_insee", "nom_normalise", "codes_postaux"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # "Guéret", "GUERET" and "st etienne" all search the normalised name.
        return super().get_search_results(request, queryset, normaliser_nom(search_term))
