"""Registrations to a session: find and register a person (oriented to the place, or searched by
name), record a person met at the door, unregister (with confirmation), count the walk-ins.
Thin views: reads through the selectors (another place's session is a 404), writes through
services/inscriptions.py. Only the place's members (responsable, médiateur·rices) come here."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from beneficiaires.forms import RattachementForm
from beneficiaires.models import Orientation
from beneficiaires.selectors import get_beneficiaire_visible
from beneficiaires.services.fiches import DoublonTrouve, journaliser_consultation
from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees

from ..forms_inscriptions import AnonymesForm, InscriptionForm, NouvellePersonneForm, RechercheForm
from ..models import Inscription
from ..selectors.emargement import get_inscription_de_la_seance
from ..selectors.inscriptions import personnes_a_inscrire
from ..selectors.portee import get_seance_du_lieu
from ..services import inscriptions as service

ROLES_LIEU = (Role.RESPONSABLE, Role.MEDIATEUR)
PAGE_SIZE = 25
LIBELLES_ORIENTATION = dict(Orientation.Statut.choices)
LIBELLES_INSCRIPTION = dict(Inscription.Statut.choices)
# Where to go back after a write: the session page (default) or the roll-call.
RETOURS = {"seance": "ateliers:seance", "emargement": "ateliers:emargement", "inscrire": "ateliers:inscrire"}


def _retour(request, seance, defaut: str = "seance") -> str:
    nom = RETOURS.get(request.POST.get("depuis") or request.GET.get("depuis") or defaut, RETOURS[defaut])
    url = reverse(nom, args=[seance.pk])
    texte = (request.POST.get("q") or "").strip()[:100]
    return f"{url}?{urlencode({'q': texte})}" if nom == RETOURS["inscrire"] and texte else url


def _premiere_erreur(form) -> str:
    return " ".join(e for erreurs in form.errors.values() for e in erreurs)


def annoncer_inscription(request, inscription: Inscription) -> None:
    personne = inscription.beneficiaire
    if inscription.statut == Inscription.Statut.ATTENTE:
        messages.warning(
            request,
            f"La séance est complète : {personne} est sur liste d’attente. Si une place se libère, la première "
            "personne de la liste la prend automatiquement.",
        )
    else:
        messages.success(request, f"{personne} est inscrit·e à la séance.")


@role_required(*ROLES_LIEU)
@require_http_methods(["GET", "POST"])
def inscrire(request, pk):
    par = request.membership
    seance = get_seance_du_lieu(par, pk)
    if request.method == "POST":
        form = InscriptionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _premiere_erreur(form))
            return redirect(_retour(request, seance, "inscrire"))
        beneficiaire = get_beneficiaire_visible(par, form.cleaned_data["beneficiaire"])
        try:
            inscription = service.inscrire(par=par, seance=seance, beneficiaire=beneficiaire, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            annoncer_inscription(request, inscription)
        return redirect(_retour(request, seance, "inscrire"))
    texte = RechercheForm(request.GET).texte()
    page = Paginator(personnes_a_inscrire(par, seance, texte=texte), PAGE_SIZE).get_page(request.GET.get("page"))
    for personne in page.object_list:
        personne.libelle_orientation = LIBELLES_ORIENTATION.get(personne.orientation_statut, "")
        personne.libelle_inscription = LIBELLES_INSCRIPTION.get(personne.inscription_statut, "")
        personne.inscriptible = personne.inscription_statut in (None, Inscription.Statut.DESINSCRIT)
    return render(
        request,
        "ateliers/inscriptions/inscrire.html",
        {
            "seance": seance,
            "page": page,
            "recherche": RechercheForm(initial={"q": texte}),
            "texte": texte,
            "ouverte": not (seance.est_annulee or seance.est_verrouillee),
            "places_libres": service.places_libres(seance),
        },
    )


@role_required(*ROLES_LIEU)
@require_http_methods(["GET", "POST"])
def nouvelle_personne(request, pk):
    par = request.membership
    seance = get_seance_du_lieu(par, pk)
    if request.method == "POST" and "meme_personne" in request.POST:
        return _inscrire_la_meme(request, seance)
    form = NouvellePersonneForm(donnees_postees(request))
    if request.method == "POST" and form.is_valid():
        try:
            inscription = service.inscrire_nouvelle_personne(
                par=par, seance=seance, donnees=form.donnees(), request=request
            )
        except DoublonTrouve as exc:
            return _page_doublon(request, seance, form, exc.existante)
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            annoncer_inscription(request, inscription)
            return redirect("ateliers:inscrire", pk=seance.pk)
    return render(
        request,
        "ateliers/inscriptions/nouvelle_personne.html",
        {"seance": seance, "form": form, "ouverte": not (seance.est_annulee or seance.est_verrouillee)},
    )


def _page_doublon(request, seance, form, existante):
    """The person already has a record: nothing saved; only its reference and commune are
    shown (a read, journalled), with « C’est la même personne : l’inscrire »."""
    journaliser_consultation(par=request.membership, beneficiaire=existante, vue="doublon", request=request)
    return render(
        request,
        "ateliers/inscriptions/doublon.html",
        {
            "seance": seance,
            "saisie": {c: form.cleaned_data[c] for c in ("nom", "prenom", "date_naissance")},
            "existante": {"pseudonyme": existante.pseudonyme, "commune": str(existante.commune)},
        },
    )


def _inscrire_la_meme(request, seance):
    form = RattachementForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect("ateliers:nouvelle_personne", pk=seance.pk)
    try:
        inscription = service.inscrire_personne_retrouvee(
            par=request.membership, seance=seance, **form.cleaned_data, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ateliers:nouvelle_personne", pk=seance.pk)
    annoncer_inscription(request, inscription)
    return redirect("ateliers:inscrire", pk=seance.pk)


@role_required(*ROLES_LIEU)
@require_http_methods(["GET", "POST"])
def retirer(request, pk, ipk):
    par = request.membership
    seance = get_seance_du_lieu(par, pk)
    inscription = get_inscription_de_la_seance(seance, ipk)
    retour = _retour(request, seance)
    if inscription.statut == Inscription.Statut.DESINSCRIT:
        messages.info(request, f"{inscription.beneficiaire} est déjà désinscrit·e de cette séance.")
        return redirect(retour)
    if request.method == "POST":
        try:
            promue = service.desinscrire(par=par, inscription=inscription, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{inscription.beneficiaire} est désinscrit·e de la séance.")
            if promue is not None:
                messages.success(
                    request,
                    f"Une place s’est libérée : {promue.beneficiaire}, première personne sur la liste d’attente, "
                    "est maintenant inscrit·e. Pensez à la prévenir.",
                )
        return redirect(retour)
    return render(
        request,
        "ateliers/inscriptions/desinscrire.html",
        {"seance": seance, "inscription": inscription, "retour": retour, "depuis": request.GET.get("depuis", "")},
    )


@role_required(*ROLES_LIEU)
@require_POST
def anonymes(request, pk):
    par = request.membership
    seance = get_seance_du_lieu(par, pk)
    retour = _retour(request, seance, "emargement")
    form = AnonymesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _premiere_erreur(form))
        return redirect(retour)
    nombre = form.cleaned_data["nombre"]
    try:
        change = service.compter_anonymes(
            par=par, seance=seance, nombre=nombre, motif=form.cleaned_data["motif"], request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if change:
            messages.success(request, f"Personnes venues sans inscription : {nombre}.")
        else:
            messages.info(request, f"Aucun changement : {nombre} personne(s) venue(s) sans inscription.")
    return redirect(retour)
