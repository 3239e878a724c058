"""URLs of pass_numerique (remise), mounted at /pass/remise/: handing a booklet to a person,
the booklet's page and PDF, dérogations, and a cheque's page with its history."""

from django.urls import path

from .views import cheques, remise

app_name = "pass_remise"
urlpatterns = [
    path("beneficiaire/<int:pk>/", remise.remettre, name="remettre"),
    path("beneficiaire/<int:pk>/derogation/", remise.derogation, name="derogation"),
    path("carnets/<int:pk>/", remise.carnet, name="carnet"),
    path("carnets/<int:pk>/carnet.pdf", remise.carnet_pdf, name="carnet_pdf"),
    path("cheques/", cheques.recherche, name="recherche_cheque"),
    path("cheques/<int:pk>/", cheques.cheque, name="cheque"),
]
