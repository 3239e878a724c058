"""Pass numérique pages of places (redemption, API tokens) and of prescribers and coordinators
(opposition, unused value), mounted at /pass/."""

from django.urls import path

from .views import encaissement, jetons, opposition

app_name = "pass_encaissement"
urlpatterns = [
    # Places: redeem, undo within 24 h
    path("encaisser/", encaissement.encaisser, name="encaisser"),
    path("encaissements/<int:pk>/annuler/", encaissement.annuler, name="annuler"),
    # The place's responsable: API tokens
    path("jetons/", jetons.liste, name="jetons"),
    path("jetons/creer/", jetons.creer, name="creer_jeton"),
    path("jetons/<int:pk>/revoquer/", jetons.revoquer, name="revoquer_jeton"),
    # Prescribers and coordinators: opposition on lost or stolen cheques
    path("opposition/", opposition.rechercher, name="opposition"),
    path("opposition/carnets/<int:pk>/", opposition.carnet, name="opposition_carnet"),
    # The département: value of the cheques by fate (unused value)
    path("cheques-non-utilises/", opposition.valeur_non_utilisee, name="valeur_non_utilisee"),
]
