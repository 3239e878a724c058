"""Orientation pages: the agent orients a person to a nearby place and prints its details; the
place answers (pris·e en charge, or refusée with a reason); both follow their orientations.

Thin views: reads through beneficiaires.selectors (out of scope is 404), writes through
beneficiaires.services.orientations. Pages that show one person's name journal the read.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees
from structures.horaires import lignes_horaires
from structures.standard import telephone_lisible
from structures.views.public import url_du_lieu

from .. import rules, selectors
from ..diagnostic import Besoin
from ..forms_orientation import BesoinsForm, OrientationForm, RefusForm
from ..models import Orientation
from ..models.orientation import DELAI_SANS_REPONSE
from ..services import orientations as service
from ..services.fiches import journaliser_consultation

PAR_PAGE = 25
SANS_REPONSE = "sans_reponse"
TOUTES = "toutes"
FILTRES_STATUT = (
    (Orientation.Statut.A_CONTACTER.value, "À contacter"),
    (SANS_REPONSE, "Sans réponse depuis plus de 8 jours"),
    (Orientation.Statut.PRIS_EN_CHARGE.value, "Pris·e en charge"),
    (Orientation.Statut.REFUSEE.value, "Refusée"),
    (TOUTES, "Toutes"),
)
# What the person may bring: no field of the standard says it, so the same advice for every place.
A_APPORTER = (
    "cette fiche ;",
    "une pièce d’identité ;",
    "votre téléphone portable, si vous en avez un ;",
    "vos identifiants (adresse e-mail, mots de passe) si vous en avez ;",
    "les courriers ou papiers de la démarche que vous voulez faire.",
)


# --- helpers ---------------------------------------------------------------------------------


def _preparer_lieu(lieu) -> None:
    """Attach what the templates show of a place (no query)."""
    lieu.url_detail = url_du_lieu(lieu)
    lieu.telephone_affiche = telephone_lisible(lieu.telephone)
    lieu.horaires_lignes, lieu.horaires_compris = lignes_horaires(lieu.horaires)


def _statut_demande(request, *, defaut: str) -> str:
    statut = request.GET.get("statut", defaut)
    return statut if statut in dict(FILTRES_STATUT) else defaut


def _filtrer(lister, par, statut: str):
    """`lister` is a selector (orientations_du_lieu, orientations_de_l_organisme)."""
    if statut == SANS_REPONSE:
        limite = timezone.now() - DELAI_SANS_REPONSE
        return lister(par, statut=Orientation.Statut.A_CONTACTER).filter(cree_le__lte=limite)
    return lister(par, statut="" if statut == TOUTES else statut)


def _besoins_valides(valeurs) -> list[str]:
    return [b for b in Besoin.values if b in set(valeurs)]


def _suivant(request, defaut: str) -> str:
    """Where to go back after an answer: a local `suivant` URL, else `defaut`."""
    suivant = request.POST.get("suivant", "")
    if suivant and url_has_allowed_host_and_scheme(suivant, allowed_hosts={request.get_host()}):
        return suivant
    return defaut


# --- the agent: orient, print, follow ---------------------------------------------------------


@role_required(Role.REFERENT, Role.AGENT)
@require_http_methods(["GET", "POST"])
def orienter(request, pk):
    """GET: the needs (pre-checked from the diagnostic, changed through a GET form) and the
    nearest open places offering them; POST: orient the person to the chosen place."""
    par = request.membership
    beneficiaire = selectors.get_beneficiaire_visible(par, pk)
    if not rules.peut_orienter(par, beneficiaire):
        raise PermissionDenied("Seul un organisme qui suit cette personne peut l’orienter.")
    if request.method == "POST":
        form = OrientationForm(request.POST)
        if form.is_valid():
            try:
                orientation = service.orienter(
                    par=par,
                    beneficiaire=beneficiaire,
                    lieu=form.cleaned_data["lieu"],
                    besoins=form.cleaned_data["besoins"],
                    message=form.cleaned_data["message"],
                    request=request,
                )
            except ValidationError as exc:
                ajouter_erreurs_du_service(form, exc)
            else:
                messages.success(
                    request,
                    f"{beneficiaire} est orienté·e vers « {orientation.lieu.nom} » : le lieu est prévenu. "
                    "Imprimez cette fiche et remettez-la à la personne.",
                )
                return redirect("beneficiaires:fiche_orientation", pk=orientation.pk)
        besoins = _besoins_valides(request.POST.getlist("besoins"))
        besoins_form = BesoinsForm(initial={"besoins": besoins})
    else:
        if "besoins" in request.GET or "choix" in request.GET:
            besoins_form = BesoinsForm(request.GET)
            besoins = besoins_form.cleaned_data["besoins"] if besoins_form.is_valid() else []
            besoins = besoins or _besoins_valides(request.GET.getlist("besoins"))
        else:
            besoins = _besoins_valides(beneficiaire.besoins)
            besoins_form = BesoinsForm(initial={"besoins": besoins})
        form = OrientationForm()
    lieux = list(selectors.lieux_pour_orientation(beneficiaire, besoins=besoins))
    for lieu in lieux:
        _preparer_lieu(lieu)
    lieu_choisi = form["lieu"].value() if form.is_bound else None
    journaliser_consultation(par=par, beneficiaire=beneficiaire, vue="orientation", request=request)
    return render(
        request,
        "beneficiaires/orientations/orienter.html",
        {
            "beneficiaire": beneficiaire,
            "besoins_form": besoins_form,
            "form": form,
            "besoins": besoins,
            "lieux": lieux,
            "lieu_choisi": str(lieu_choisi or ""),
            "rayon_km": selectors.RAYON_ORIENTATION_KM,
        },
    )


@require_GET
def fiche_orientation(request, pk):
    """The printable slip for the person: the place's details, who oriented them and when."""
    orientation = selectors.get_orientation_visible(getattr(request, "membership", None), pk)
    _preparer_lieu(orientation.lieu)
    journaliser_consultation(
        par=request.membership, beneficiaire=orientation.beneficiaire, vue="fiche_orientation", request=request
    )
    return render(
        request,
        "beneficiaires/orientations/fiche.html",
        {"orientation": orientation, "lieu": orientation.lieu, "a_apporter": A_APPORTER},
    )


@role_required(Role.REFERENT, Role.AGENT)
@require_GET
def envoyees(request):
    statut = _statut_demande(request, defaut=TOUTES)
    orientations = _filtrer(selectors.orientations_de_l_organisme, request.membership, statut)
    page = Paginator(orientations, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "beneficiaires/orientations/envoyees.html",
        {"page": page, "statut": statut, "filtres": FILTRES_STATUT, "filtre_actif": statut != TOUTES},
    )


# --- the place: incoming orientations and answers ---------------------------------------------


@role_required(Role.RESPONSABLE, Role.MEDIATEUR)
@require_GET
def recues(request):
    defaut = Orientation.Statut.A_CONTACTER.value
    statut = _statut_demande(request, defaut=defaut)
    orientations = _filtrer(selectors.orientations_du_lieu, request.membership, statut)
    page = Paginator(orientations, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "beneficiaires/orientations/recues.html",
        {
            "page": page,
            "statut": statut,
            "filtres": FILTRES_STATUT,
            "filtre_actif": statut != defaut,
            "ici": request.get_full_path(),
        },
    )


@role_required(Role.RESPONSABLE, Role.MEDIATEUR)
@require_POST
def accepter(request, pk):
    orientation = selectors.get_orientation_du_lieu(request.membership, pk)
    try:
        service.prendre_en_charge(par=request.membership, orientation=orientation, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{orientation.beneficiaire} est pris·e en charge par votre lieu : "
            f"{orientation.organisme.nom} voit votre réponse. Contactez la personne.",
        )
    return redirect(_suivant(request, reverse("beneficiaires:orientations_recues")))


@role_required(Role.RESPONSABLE, Role.MEDIATEUR)
@require_http_methods(["GET", "POST"])
def refuser(request, pk):
    orientation = selectors.get_orientation_du_lieu(request.membership, pk)
    if orientation.statut != Orientation.Statut.A_CONTACTER:
        messages.info(request, f"Cette orientation a déjà reçu une réponse : « {orientation.get_statut_display()} ».")
        return redirect("beneficiaires:orientations_recues")
    form = RefusForm(donnees_postees(request))
    if request.method == "POST" and form.is_valid():
        try:
            service.refuser(
                par=request.membership, orientation=orientation, motif=form.cleaned_data["motif"], request=request
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(
                request,
                f"Orientation de {orientation.beneficiaire} refusée : {orientation.organisme.nom} lira votre motif.",
            )
            return redirect("beneficiaires:orientations_recues")
    return render(request, "beneficiaires/orientations/refuser.html", {"orientation": orientation, "form": form})
