"""URLs of pass_numerique (remboursement), mounted at /pass/remboursements/: bordereaux, their
validation, payment and downloads; a place's reimbursements and bank details."""

from django.urls import path

from .views import remboursement

app_name = "pass_remboursement"
urlpatterns = [
    path("", remboursement.liste, name="liste"),
    path("creer/", remboursement.generer, name="creer"),
    path("<int:pk>/", remboursement.detail, name="detail"),
    path("<int:pk>/valider/", remboursement.valider, name="valider"),
    path("<int:pk>/paiement/", remboursement.payer, name="payer"),
    path("<int:pk>/bordereau.pdf", remboursement.bordereau_pdf, name="pdf"),
    path("<int:pk>/bordereau.csv", remboursement.bordereau_csv, name="csv"),
    path("lieux/<int:pk>/", remboursement.lieu, name="lieu"),
    path("lieux/<int:pk>/coordonnees-bancaires/", remboursement.coordonnees, name="coordonnees"),
]
