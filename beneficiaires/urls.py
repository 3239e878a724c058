"""URLs of bénéficiaires, mounted at /beneficiaires/."""

from django.urls import path

from .views import fiches, orientations, rgpd

app_name = "beneficiaires"
urlpatterns = [
    # Records (views/fiches.py)
    path("", fiches.liste, name="liste"),
    path("nouvelle/", fiches.creer, name="creer"),
    path("rattacher/", fiches.rattacher, name="rattacher"),
    path("<int:pk>/", fiches.fiche, name="fiche"),
    path("<int:pk>/modifier/", fiches.modifier, name="modifier"),
    # Orientations (views/orientations.py)
    path("<int:pk>/orienter/", orientations.orienter, name="orienter"),
    path("orientations/<int:pk>/fiche/", orientations.fiche_orientation, name="fiche_orientation"),
    path("orientations/recues/", orientations.recues, name="orientations_recues"),
    path("orientations/envoyees/", orientations.envoyees, name="orientations_envoyees"),
    path("orientations/<int:pk>/accepter/", orientations.accepter, name="accepter_orientation"),
    path("orientations/<int:pk>/refuser/", orientations.refuser, name="refuser_orientation"),
    # Personal data rights and coordinators' tools (views/rgpd.py)
    path("<int:pk>/acces/", rgpd.journal_acces, name="journal_acces"),
    path("<int:pk>/export.json", rgpd.export_json, name="export_json"),
    path("<int:pk>/export.pdf", rgpd.export_pdf, name="export_pdf"),
    path("<int:pk>/fusionner/", rgpd.fusionner, name="fusionner"),
    path("<int:pk>/anonymiser/", rgpd.anonymiser, name="anonymiser"),
]
