"""Management pages of places: the coordinator's list, create, edit (also the place's responsable),
close, reopen, history. Thin views: reads through selectors_gestion, writes through services."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees
from journal.models import Action
from territoires.selectors import commune_par_code_insee

from ..forms import LIBELLES, FermetureForm, LieuForm
from ..models import SourcePosition
from ..selectors_gestion import get_lieu_gere, historique_du_lieu, lieux_geres_par, rechercher_lieux
from ..services import edition

PAGE_SIZE = 25
STATUTS = (("", "Ouverts et fermés"), ("ouverts", "Ouverts"), ("fermes", "Fermés"))
# Centre of metropolitan France, when nothing better is known.
CENTRE_FRANCE = (46.6, 2.4, 6)


@role_required(Role.COORDINATEUR)
def liste(request):
    texte = request.GET.get("q", "").strip()
    statut = request.GET.get("statut", "")
    statut = statut if statut in dict(STATUTS) else ""
    lieux = rechercher_lieux(lieux_geres_par(request.membership), texte=texte, statut=statut)
    page = Paginator(lieux, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "structures/gestion/liste.html",
        {"page": page, "q": texte, "statut": statut, "statuts": STATUTS},
    )


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def creer(request):
    departement = request.membership.organisation.departement
    form = LieuForm(donnees_postees(request), departement=departement)
    if request.method == "POST" and form.is_valid():
        try:
            lieu = edition.creer_lieu(par=request.membership, donnees=form.donnees(), request=request)
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(request, f"Le lieu « {lieu.nom} » est créé.")
            return redirect("structures_gestion:modifier", pk=lieu.pk)
    return render(
        request,
        "structures/gestion/formulaire.html",
        {"form": form, "lieu": None, "carte": _carte(form, None, departement)},
    )


@role_required(Role.COORDINATEUR, Role.RESPONSABLE)
@require_http_methods(["GET", "POST"])
def modifier(request, pk):
    lieu = get_lieu_gere(request.membership, pk)
    form = LieuForm(
        donnees_postees(request),
        departement=lieu.departement,
        lieu=lieu,
        champs_autorises=edition.champs_modifiables(request.membership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changes = edition.modifier_lieu(par=request.membership, lieu=lieu, donnees=form.donnees(), request=request)
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            if changes:
                libelles = ", ".join(LIBELLES.get(c, c).lower() for c in changes)
                messages.success(request, f"Modifications enregistrées ({libelles}).")
            else:
                messages.info(request, "Aucune modification : le lieu est inchangé.")
            return redirect("structures_gestion:modifier", pk=lieu.pk)
    return render(
        request,
        "structures/gestion/formulaire.html",
        {
            "form": form,
            "lieu": lieu,
            "carte": _carte(form, lieu, lieu.departement),
            "peut_fermer": edition.peut_fermer(request.membership, lieu),
        },
    )


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def fermer(request, pk):
    lieu = get_lieu_gere(request.membership, pk)
    if not lieu.est_actif:
        messages.info(request, f"Le lieu « {lieu.nom} » est déjà fermé.")
        return redirect("structures_gestion:modifier", pk=lieu.pk)
    form = FermetureForm(donnees_postees(request))
    if request.method == "POST" and form.is_valid():
        try:
            edition.fermer_lieu(par=request.membership, lieu=lieu, motif=form.cleaned_data["motif"], request=request)
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(request, f"Le lieu « {lieu.nom} » est fermé. Vous pourrez le rouvrir depuis sa page.")
            return redirect("structures_gestion:liste")
    return render(request, "structures/gestion/fermer.html", {"lieu": lieu, "form": form})


@role_required(Role.COORDINATEUR)
@require_POST
def rouvrir(request, pk):
    lieu = get_lieu_gere(request.membership, pk)
    try:
        edition.rouvrir_lieu(par=request.membership, lieu=lieu, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Le lieu « {lieu.nom} » est rouvert.")
    return redirect("structures_gestion:modifier", pk=lieu.pk)


@role_required(Role.COORDINATEUR, Role.RESPONSABLE)
def historique(request, pk):
    lieu = get_lieu_gere(request.membership, pk)
    page = Paginator(historique_du_lieu(lieu), PAGE_SIZE).get_page(request.GET.get("page"))
    entrees = [_entree(evenement) for evenement in page.object_list]
    return render(request, "structures/gestion/historique.html", {"lieu": lieu, "page": page, "entrees": entrees})


# --- Helpers ----------------------------------------------------------------------------------


def _carte(form, lieu, departement) -> dict:
    """What the position map needs: where to open, and the commune's centre if known."""
    commune = form.commune_ref or (lieu.commune_ref if lieu is not None else None)
    if lieu is not None and lieu.a_une_position:
        centre = (lieu.latitude, lieu.longitude, 16)
    elif commune is not None:
        centre = (commune.latitude, commune.longitude, 13)
    else:
        chef_lieu = commune_par_code_insee(departement.chef_lieu) if departement.chef_lieu else None
        centre = (chef_lieu.latitude, chef_lieu.longitude, 9) if chef_lieu else CENTRE_FRANCE
    return {
        "latitude": centre[0],
        "longitude": centre[1],
        "zoom": centre[2],
        "commune": commune,
        "tuiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "source": SourcePosition(lieu.source_position).label if lieu is not None and lieu.a_une_position else "",
    }


def _texte(valeur) -> str:
    if valeur is None or valeur == "" or valeur == []:
        return "—"
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, list):
        return ", ".join(str(v) for v in valeur)
    return str(valeur)


def _entree(evenement) -> dict:
    details = evenement.details or {}
    changements = []
    if evenement.action == Action.LIEU_MODIFIE:
        for champ, (avant, apres) in (details.get("champs") or {}).items():
            if champ == "source_position":
                avant, apres = (SourcePosition(v).label if v in SourcePosition.values else v for v in (avant, apres))
            changements.append({"libelle": LIBELLES.get(champ, champ), "avant": _texte(avant), "apres": _texte(apres)})
    return {
        "evenement": evenement,
        "changements": changements,
        "motif": details.get("motif", "") if evenement.action == Action.LIEU_FERME else "",
    }
