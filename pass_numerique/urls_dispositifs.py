"""URLs of pass_numerique (dispositifs), mounted at /gestion/pass/: the département's pages
about dispositifs, and the prescribers' stock page."""

from django.urls import path

from .views import dispositifs, stock

app_name = "pass_dispositifs"
urlpatterns = [
    path("", dispositifs.liste, name="liste"),
    path("nouveau/", dispositifs.creer, name="creer"),
    path("<int:pk>/", dispositifs.detail, name="detail"),
    path("<int:pk>/modifier/", dispositifs.modifier, name="modifier"),
    path("<int:pk>/clore/", dispositifs.clore, name="clore"),
    path("<int:pk>/lieux/", dispositifs.lieux, name="lieux"),
    path("<int:pk>/lieux/decider/", dispositifs.decider, name="decider"),
    path("<int:pk>/prescripteurs/", dispositifs.prescripteurs, name="prescripteurs"),
    path("<int:pk>/prescripteurs/retirer/", dispositifs.retirer_prescripteur, name="retirer_prescripteur"),
    path("<int:pk>/generer/", dispositifs.generer, name="generer"),
    path("<int:pk>/doter/", dispositifs.doter, name="doter"),
    path("<int:pk>/transferer/", dispositifs.transferer, name="transferer"),
    path("stock/", stock.stock, name="stock"),
    path("stock/retourner/", stock.retourner, name="retourner"),
]
