"""Read-only admin of the Pass numérique: the ledger of public money changes only through the
services (state machine, locks, journal), never by editing rows here."""

from django.contrib import admin

from .models import Carnet, Cheque, CompteurDepartement, Dispositif, Financeur, Participation, Qualification


class LectureSeule:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FinanceurInline(LectureSeule, admin.TabularInline):
    model = Financeur
    fields = ["nom", "pourcentage", "ordre"]
    extra = 0


@admin.register(Dispositif)
class DispositifAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["nom", "departement", "debut", "fin", "validite_fin", "valeur_faciale", "clos_le"]
    list_filter = ["departement"]
    search_fields = ["nom", "reseau"]
    inlines = [FinanceurInline]


@admin.register(Qualification)
class QualificationAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["lieu", "dispositif", "statut", "decide_le"]
    list_filter = ["statut", "dispositif__departement"]
    list_select_related = ["lieu", "dispositif"]
    search_fields = ["lieu__nom", "dispositif__nom"]


@admin.register(Participation)
class ParticipationAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["organisme", "dispositif", "depuis_le"]
    list_select_related = ["organisme", "dispositif"]
    search_fields = ["organisme__nom", "dispositif__nom"]


@admin.register(CompteurDepartement)
class CompteurDepartementAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["departement", "dernier_numero_carnet", "dernier_numero_serie"]


@admin.register(Carnet)
class CarnetAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["numero", "departement", "dispositif", "taille", "statut", "organisme", "lot"]
    list_filter = ["statut", "departement"]
    list_select_related = ["departement", "dispositif", "organisme"]
    search_fields = ["=lot"]
    raw_id_fields = ["dispositif", "organisme", "beneficiaire", "remis_par"]
    show_full_result_count = False


@admin.register(Cheque)
class ChequeAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["numero_serie", "departement", "dispositif", "carnet", "statut", "valeur"]
    list_filter = ["statut", "departement"]
    list_select_related = ["departement", "dispositif", "carnet"]
    search_fields = ["=code"]
    raw_id_fields = ["carnet", "dispositif", "lieu_encaissement"]
    show_full_result_count = False
