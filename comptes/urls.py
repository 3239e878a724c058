from django.urls import path

from .views import compte, invitations, organisations

app_name = "comptes"

urlpatterns = [
    path("mon-compte/", compte.mon_compte, name="mon_compte"),
    path("organisation/choisir/", compte.choisir_organisation, name="choisir_organisation"),
    path("organisations/", organisations.organisations, name="organisations"),
    path("organisations/<int:pk>/membres/", organisations.membres, name="membres"),
    path("organisations/<int:pk>/inviter/", organisations.inviter, name="inviter"),
    path("membres/<int:pk>/desactiver/", organisations.desactiver_membre, name="desactiver_membre"),
    path("membres/<int:pk>/reactiver/", organisations.reactiver_membre, name="reactiver_membre"),
    path("invitations/<int:pk>/annuler/", organisations.annuler_invitation, name="annuler_invitation"),
    path("invitations/<int:pk>/renvoyer/", organisations.renvoyer_invitation, name="renvoyer_invitation"),
    path("invitation/<str:token>/", invitations.accepter_invitation, name="accepter_invitation"),
]
