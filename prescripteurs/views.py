"""Management pages of organismes prescripteurs: the coordinator's directory, create, edit
(also the organisation's référent·e), close, reopen. Thin views: reads through selectors,
writes through services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees

from . import services
from .forms import FermetureForm, OrganismeForm
from .models import TypeOrganisme
from .selectors import (
    STATUT_FERMES,
    STATUT_OUVERTS,
    STATUT_TOUS,
    avec_membres,
    get_organisme_gere,
    organismes_geres_par,
    rechercher_organismes,
)

PAGE_SIZE = 25
STATUTS = ((STATUT_OUVERTS, "Ouverts"), (STATUT_FERMES, "Fermés"), (STATUT_TOUS, "Ouverts et fermés"))


@role_required(Role.COORDINATEUR)
def liste(request):
    texte = request.GET.get("q", "").strip()
    type_organisme = request.GET.get("type", "")
    type_organisme = type_organisme if type_organisme in TypeOrganisme.values else ""
    statut = request.GET.get("statut", "")
    statut = statut if statut in dict(STATUTS) else STATUT_OUVERTS
    organismes = rechercher_organismes(
        organismes_geres_par(request.membership), texte=texte, type_organisme=type_organisme, statut=statut
    )
    page = Paginator(avec_membres(organismes), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "prescripteurs/liste.html",
        {
            "page": page,
            "q": texte,
            "type": type_organisme,
            "types": TypeOrganisme.choices,
            "statut": statut,
            "statuts": STATUTS,
            "filtre": bool(texte or type_organisme or statut != STATUT_OUVERTS),
        },
    )


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def creer(request):
    form = OrganismeForm(donnees_postees(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisme = services.creer_organisme(par=request.membership, donnees=form.donnees(), request=request)
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(
                request,
                f"L’organisme « {organisme.nom} » est créé. Invitez maintenant son ou sa référent·e : "
                "le rôle « Référent·e » est déjà choisi ci-dessous.",
            )
            return redirect(reverse("comptes:inviter", args=[organisme.pk]) + f"?role={Role.REFERENT.value}")
    return render(request, "prescripteurs/formulaire.html", {"form": form, "organisme": None, "peut_fermer": False})


@role_required(Role.COORDINATEUR, Role.REFERENT)
@require_http_methods(["GET", "POST"])
def modifier(request, pk):
    organisme = get_organisme_gere(request.membership, pk)
    form = OrganismeForm(donnees_postees(request), organisme=organisme)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.modifier_organisme(
                par=request.membership, organisme=organisme, donnees=form.donnees(), request=request
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            if changes:
                libelles = ", ".join(str(form.fields[c].label).lower() for c in changes)
                messages.success(request, f"Modifications enregistrées ({libelles}).")
            else:
                messages.info(request, "Aucune modification : l’organisme est inchangé.")
            return redirect("prescripteurs:modifier", pk=organisme.pk)
    return render(
        request,
        "prescripteurs/formulaire.html",
        {"form": form, "organisme": organisme, "peut_fermer": services.peut_fermer(request.membership, organisme)},
    )


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def fermer(request, pk):
    organisme = get_organisme_gere(request.membership, pk)
    if not organisme.est_actif:
        messages.info(request, f"L’organisme « {organisme.nom} » est déjà fermé.")
        return redirect("prescripteurs:modifier", pk=organisme.pk)
    form = FermetureForm(donnees_postees(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.fermer_organisme(
                par=request.membership, organisme=organisme, motif=form.cleaned_data["motif"], request=request
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(
                request,
                f"L’organisme « {organisme.nom} » est fermé. Il reste dans la liste des organismes fermés ; "
                "vous pourrez le rouvrir depuis sa fiche.",
            )
            return redirect("prescripteurs:liste")
    return render(request, "prescripteurs/fermer.html", {"organisme": organisme, "form": form})


@role_required(Role.COORDINATEUR)
@require_POST
def rouvrir(request, pk):
    organisme = get_organisme_gere(request.membership, pk)
    try:
        services.rouvrir_organisme(par=request.membership, organisme=organisme, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"L’organisme « {organisme.nom} » est rouvert.")
    return redirect("prescripteurs:modifier", pk=organisme.pk)
