"""Project-level pages: home per role, legal pages, theme stylesheet, health check."""

import hashlib

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import http_date, quote_etag
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition

from rapports.views import tableaux
from territoires.models import Departement
from territoires.validators import HEX_COLOR


@login_not_required
def accueil(request):
    if not request.user.is_authenticated:
        return render(request, "accueil/public.html")
    membership = request.membership
    if membership is None:
        return render(request, "accueil/sans_organisation.html")
    # The dashboards per role are the rapports app's.
    return tableaux.tableau_de_bord(request, membership)


def _page(template):
    @login_not_required
    def view(request):
        return render(request, template)

    return view


accessibilite = _page("pages/accessibilite.html")
mentions_legales = _page("pages/mentions_legales.html")
donnees_personnelles = _page("pages/donnees_personnelles.html")


def _theme_departement(request, code):
    return get_object_or_404(Departement.objects.only("code", "couleur", "date_maj"), code=code)


def _theme_etag(request, code):
    dep = Departement.objects.filter(code=code).values_list("couleur", "date_maj").first()
    return hashlib.sha256(repr(dep).encode()).hexdigest()[:16] if dep else None


@login_not_required
@cache_control(public=True, max_age=300)
@condition(etag_func=_theme_etag)
def theme_css(request, code):
    """The département's accent colour as CSS custom properties (no inline style anywhere)."""
    dep = _theme_departement(request, code)
    colour = dep.couleur if HEX_COLOR.match(dep.couleur) else "#005a9c"
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    css = f":root {{\n  --ei-accent: {colour};\n  --ei-accent-rgb: {r}, {g}, {b};\n}}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Last-Modified"] = http_date(dep.date_maj.timestamp())
    response["ETag"] = quote_etag(_theme_etag(request, code))
    return response


@login_not_required
def sante(request):
    """Health check for the load balancer: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"statut": "ok"})
