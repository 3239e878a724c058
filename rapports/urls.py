from django.urls import path

from .views import couts, demandes

app_name = "rapports"

urlpatterns = [
    path("", demandes.liste, name="liste"),
    path("demander/", demandes.demander, name="demander"),
    path("<int:pk>/", demandes.detail, name="detail"),
    path("<int:pk>/progression/", demandes.progression, name="progression"),
    path("<int:pk>/relancer/", demandes.relancer, name="relancer"),
    path("<int:pk>/fichiers/<str:format>/", demandes.telecharger, name="telecharger"),
    path("dispositifs/<int:pk>/couts/", couts.liste, name="couts"),
    path("couts/<int:pk>/modifier/", couts.modifier, name="cout_modifier"),
    path("couts/<int:pk>/supprimer/", couts.supprimer, name="cout_supprimer"),
]
