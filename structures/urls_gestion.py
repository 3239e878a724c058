"""URLs of structures (gestion): the places' management pages, mounted at /gestion/lieux/."""

from django.urls import path

from .views import gestion

app_name = "structures_gestion"
urlpatterns = [
    path("", gestion.liste, name="liste"),
    path("nouveau/", gestion.creer, name="creer"),
    path("<int:pk>/modifier/", gestion.modifier, name="modifier"),
    path("<int:pk>/fermer/", gestion.fermer, name="fermer"),
    path("<int:pk>/rouvrir/", gestion.rouvrir, name="rouvrir"),
    path("<int:pk>/historique/", gestion.historique, name="historique"),
]
