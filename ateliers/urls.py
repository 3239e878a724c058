"""URLs of the workshops (mounted at /ateliers/). Each views module belongs to one area."""

from django.urls import path

from .views import activite, agenda, ateliers, emargement, feuilles, inscriptions, seances

app_name = "ateliers"

urlpatterns = [
    # ateliers (per place)
    path("", ateliers.liste, name="liste"),
    path("creer/", ateliers.creer, name="creer"),
    path("<int:pk>/", ateliers.detail, name="detail"),
    path("<int:pk>/modifier/", ateliers.modifier, name="modifier"),
    path("<int:pk>/archiver/", ateliers.archiver, name="archiver"),
    # séances
    path("<int:pk>/seances/programmer/", seances.programmer, name="programmer"),
    path("seances/<int:pk>/", seances.detail, name="seance"),
    path("seances/<int:pk>/modifier/", seances.modifier, name="seance_modifier"),
    path("seances/<int:pk>/annuler/", seances.annuler, name="seance_annuler"),
    path("agenda/", agenda.agenda, name="agenda"),
    # inscriptions
    path("seances/<int:pk>/inscrire/", inscriptions.inscrire, name="inscrire"),
    path("seances/<int:pk>/inscrire/nouvelle-personne/", inscriptions.nouvelle_personne, name="nouvelle_personne"),
    path("seances/<int:pk>/inscriptions/<int:ipk>/retirer/", inscriptions.retirer, name="desinscrire"),
    path("seances/<int:pk>/anonymes/", inscriptions.anonymes, name="anonymes"),
    # émargement (roll-call)
    path("seances/<int:pk>/emargement/", emargement.emargement, name="emargement"),
    path("seances/<int:pk>/emargement/<int:ipk>/", emargement.pointer, name="pointer"),
    path("seances/<int:pk>/emargement/<int:ipk>/cheque/", emargement.encaisser, name="encaisser"),
    # attendance sheet
    path("seances/<int:pk>/feuille.pdf", feuilles.feuille_pdf, name="feuille_pdf"),
    path("seances/<int:pk>/feuille/deposer/", feuilles.deposer, name="feuille_deposer"),
    path("seances/<int:pk>/feuille/<int:fpk>/", feuilles.telecharger, name="feuille_telecharger"),
    path("sans-feuille/", feuilles.sans_feuille, name="sans_feuille"),
    # activity figures and parcours
    path("activite/", activite.activite, name="activite"),
    path("activite.csv", activite.activite_csv, name="activite_csv"),
    path("parcours/<int:pk>/", activite.parcours, name="parcours"),
]
