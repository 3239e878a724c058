"""URLs of prescripteurs (gestion), mounted at /gestion/prescripteurs/."""

from django.urls import path

from . import views

app_name = "prescripteurs"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouveau/", views.creer, name="creer"),
    path("<int:pk>/modifier/", views.modifier, name="modifier"),
    path("<int:pk>/fermer/", views.fermer, name="fermer"),
    path("<int:pk>/rouvrir/", views.rouvrir, name="rouvrir"),
]
