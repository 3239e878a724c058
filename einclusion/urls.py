from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "einclusion — administration technique"
admin.site.site_title = "einclusion"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("mentions-legales/", views.mentions_legales, name="mentions_legales"),
    path("donnees-personnelles/", views.donnees_personnelles, name="donnees_personnelles"),
    path("theme/<str:code>.css", views.theme_css, name="theme_css"),
    path("sante/", views.sante, name="sante"),
    path("compte/", include("allauth.urls")),
    path("", include("comptes.urls")),
    path("journal/", include("journal.urls")),
    path("lieux/", include("structures.urls_public")),
    path("gestion/lieux/", include("structures.urls_gestion")),
    path("gestion/lieux/import/", include("structures.urls_import")),
    path("gestion/prescripteurs/", include("prescripteurs.urls")),
    path("beneficiaires/", include("beneficiaires.urls")),
    path("gestion/pass/", include("pass_numerique.urls_dispositifs")),
    path("pass/", include("pass_numerique.urls_encaissement")),
    path("pass/remise/", include("pass_numerique.urls_remise")),
    path("pass/remboursements/", include("pass_numerique.urls_remboursement")),
    path("api/v1/cheques/", include("pass_numerique.urls_api")),
    path("ateliers/", include("ateliers.urls")),
    path("rapports/", include("rapports.urls")),
    path("api/v1/", include("structures.urls_api")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
