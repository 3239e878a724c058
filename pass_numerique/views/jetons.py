"""API tokens of a place, for its responsable: list, create (the token is shown once), revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees

from ..forms_encaissement import JetonForm
from ..selectors.encaissements import get_jeton_du_lieu, jetons_du_lieu, lieu_de
from ..services import jetons as service

PAGE_SIZE = 25


def _exemple_api(request) -> dict:
    return {
        "url_exemple": request.build_absolute_uri(
            reverse("pass_api:encaisser", kwargs={"code": "CODEDUCHEQUE"})
        ).replace("CODEDUCHEQUE", "{code}"),
        "url_openapi": request.build_absolute_uri(reverse("pass_api:openapi")),
    }


@role_required(Role.RESPONSABLE)
def liste(request):
    lieu = lieu_de(request.membership)
    page = Paginator(jetons_du_lieu(lieu), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pass_numerique/jetons/liste.html", {"lieu": lieu, "page": page, **_exemple_api(request)})


@never_cache
@role_required(Role.RESPONSABLE)
@require_http_methods(["GET", "POST"])
def creer(request):
    lieu = lieu_de(request.membership)
    form = JetonForm(donnees_postees(request))
    if request.method == "POST" and form.is_valid():
        try:
            jeton, clair = service.creer_jeton(
                par=request.membership, lieu=lieu, nom=form.cleaned_data["nom"], request=request
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            # Shown once, on this response only (never stored, never in a message; never_cache
            # sends « no-store »).
            return render(
                request,
                "pass_numerique/jetons/cree.html",
                {"lieu": lieu, "jeton": jeton, "clair": clair, **_exemple_api(request)},
            )
    return render(request, "pass_numerique/jetons/creer.html", {"lieu": lieu, "form": form})


@role_required(Role.RESPONSABLE)
@require_http_methods(["GET", "POST"])
def revoquer(request, pk):
    lieu = lieu_de(request.membership)
    jeton = get_jeton_du_lieu(lieu, pk)
    if jeton.revoque_le is not None:
        messages.info(request, f"Le jeton « {jeton.nom} » est déjà révoqué.")
        return redirect("pass_encaissement:jetons")
    if request.method == "POST":
        service.revoquer_jeton(par=request.membership, jeton=jeton, request=request)
        messages.success(request, f"Le jeton « {jeton.nom} » est révoqué : il ne permet plus d’encaisser.")
        return redirect("pass_encaissement:jetons")
    return render(request, "pass_numerique/jetons/revoquer.html", {"lieu": lieu, "jeton": jeton})
