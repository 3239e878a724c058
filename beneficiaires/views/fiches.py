"""Records of people: the list, creation (with the duplicate check and linking to an existing
record), the record page (every view journalled) and its correction. Thin views: reads through
the selectors (out of sight is 404), writes through services/fiches.py, rights from rules.py."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from comptes.access import membership_required, role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees
from structures.standard import telephone_lisible

from .. import rules
from ..diagnostic import Besoin, NiveauAutonomie
from ..forms import (
    LIBELLES_COURTS,
    BeneficiaireForm,
    FiltresForm,
    RattachementForm,
)
from ..fse import CHAMPS_FSE
from ..models import Beneficiaire, Orientation, Public
from ..selectors import (
    STATUT_ACTIVES,
    STATUT_ANONYMISEES,
    get_beneficiaire_modifiable,
    get_beneficiaire_visible,
    orientations_de,
    rechercher_beneficiaires,
)
from ..services import fiches
from ..services.fiches import DoublonTrouve

PAGE_SIZE = 25
LIBELLES_PUBLICS = dict(Public.choices)
LIBELLES_BESOINS = dict(Besoin.choices)
LIBELLES_STATUTS = dict(Orientation.Statut.choices)


@role_required(Role.COORDINATEUR, Role.LECTEUR, Role.REFERENT, Role.AGENT)
def liste(request):
    par = request.membership
    filtres = FiltresForm(request.GET, avec_statut=rules.est_du_departement(par))
    valeurs = filtres.valeurs()
    beneficiaires = rechercher_beneficiaires(
        par,
        texte=valeurs["q"],
        public=valeurs["public"],
        statut=valeurs["statut"] or STATUT_ACTIVES,
        orientation=valeurs["orientation"],
    )
    page = Paginator(beneficiaires, PAGE_SIZE).get_page(request.GET.get("page"))
    for beneficiaire in page.object_list:
        _preparer_ligne(beneficiaire)
    return render(
        request,
        "beneficiaires/liste.html",
        {
            "page": page,
            "filtres": filtres,
            "recherche": any(valeurs.values()),
            "anonymisees": valeurs["statut"] == STATUT_ANONYMISEES,
            "peut_creer": rules.peut_creer(par),
            "du_departement": rules.est_du_departement(par),
        },
    )


@role_required(Role.REFERENT, Role.AGENT)
@require_http_methods(["GET", "POST"])
def creer(request):
    form = BeneficiaireForm(donnees_postees(request))
    if request.method == "POST" and form.is_valid():
        try:
            beneficiaire = fiches.creer_beneficiaire(par=request.membership, donnees=form.donnees(), request=request)
        except DoublonTrouve as exc:
            return _page_doublon(request, form, exc.existante)
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(
                request,
                f"La fiche de {beneficiaire} est enregistrée (référence {beneficiaire.pseudonyme}). "
                "Vous pouvez maintenant l’orienter vers un lieu.",
            )
            return redirect("beneficiaires:fiche", pk=beneficiaire.pk)
    return render(request, "beneficiaires/formulaire.html", {"form": form, "beneficiaire": None})


@role_required(Role.REFERENT, Role.AGENT)
@require_POST
def rattacher(request):
    form = RattachementForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect("beneficiaires:creer")
    try:
        suivi = fiches.rattacher(par=request.membership, **form.cleaned_data, request=request)
    except ValidationError as exc:
        messages.error(
            request, " ".join(exc.messages) + " Vérifiez la saisie ou enregistrez la personne avec le formulaire."
        )
        return redirect("beneficiaires:creer")
    messages.success(
        request,
        f"Votre organisme suit désormais la fiche {suivi.beneficiaire.pseudonyme} : "
        "vérifiez-la et complétez-la si besoin.",
    )
    return redirect("beneficiaires:fiche", pk=suivi.beneficiaire_id)


@membership_required
def fiche(request, pk):
    par = request.membership
    beneficiaire = get_beneficiaire_visible(par, pk)
    fiches.journaliser_consultation(par=par, beneficiaire=beneficiaire, vue="fiche", request=request)
    orientations = orientations_de(beneficiaire, par=par)
    if not rules.voit_fiche_complete(par):
        return render(
            request,
            "beneficiaires/fiche_lieu.html",
            {"beneficiaire": VueDuLieu.de(beneficiaire), "orientations": orientations},
        )
    vivante = not (beneficiaire.est_anonymise or beneficiaire.est_fusionne)
    coordination = rules.peut_lire_journal_acces(par, beneficiaire)
    return render(
        request,
        "beneficiaires/fiche.html",
        {
            "beneficiaire": beneficiaire,
            "orientations": orientations,
            "suivis": beneficiaire.suivis.select_related("organisme").order_by("cree_le", "pk"),
            "fse": [(LIBELLES_COURTS[c], _affichage_fse(beneficiaire, c)) for c in CHAMPS_FSE],
            "publics": [LIBELLES_PUBLICS.get(p, p) for p in beneficiaire.publics],
            "besoins": [LIBELLES_BESOINS.get(b, b) for b in beneficiaire.besoins],
            "autonomie": _libelle_autonomie(beneficiaire.niveau_autonomie),
            "telephone": telephone_lisible(beneficiaire.telephone),
            "peut_modifier": rules.peut_modifier(par, beneficiaire),
            "peut_orienter": rules.peut_orienter(par, beneficiaire),
            "peut_exporter": rules.peut_exporter(par, beneficiaire),
            "peut_lire_journal_acces": coordination,
            "peut_fusionner": coordination and vivante,
            "peut_anonymiser": coordination and not beneficiaire.est_anonymise,
        },
    )


@role_required(Role.COORDINATEUR, Role.REFERENT, Role.AGENT)
@require_http_methods(["GET", "POST"])
def modifier(request, pk):
    par = request.membership
    beneficiaire = get_beneficiaire_modifiable(par, pk)
    if not rules.peut_modifier(par, beneficiaire):
        messages.info(request, "Cette fiche est anonymisée ou fusionnée : elle ne peut plus être modifiée.")
        return redirect("beneficiaires:fiche", pk=beneficiaire.pk)
    form = BeneficiaireForm(donnees_postees(request), beneficiaire=beneficiaire)
    if request.method == "POST" and form.is_valid():
        try:
            changes = fiches.modifier_beneficiaire(
                par=par, beneficiaire=beneficiaire, donnees=form.donnees(), request=request
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            if changes:
                libelles = ", ".join(LIBELLES_COURTS.get(c, c).lower().rstrip(" ?") for c in changes)
                messages.success(request, f"Modifications enregistrées ({libelles}).")
            else:
                messages.info(request, "Aucune modification : la fiche est inchangée.")
            return redirect("beneficiaires:fiche", pk=beneficiaire.pk)
    # The form shows the whole record: a read like the record page.
    fiches.journaliser_consultation(par=par, beneficiaire=beneficiaire, vue="modifier", request=request)
    return render(request, "beneficiaires/formulaire.html", {"form": form, "beneficiaire": beneficiaire})


# --- Helpers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VueDuLieu:
    """What a place sees of a person oriented to it (rules.CHAMPS_LIEU), nothing else: the
    template cannot show another field by mistake."""

    pk: int
    nom: str
    prenom: str
    commune: str
    besoins: list
    telephone: str
    # For rules.peut_orienter() in the orientations section: a place sees live records only.
    est_anonymise: bool = False
    est_fusionne: bool = False

    @classmethod
    def de(cls, beneficiaire: Beneficiaire) -> "VueDuLieu":
        return cls(
            pk=beneficiaire.pk,
            nom=beneficiaire.nom,
            prenom=beneficiaire.prenom,
            commune=str(beneficiaire.commune),
            besoins=[LIBELLES_BESOINS.get(b, b) for b in beneficiaire.besoins],
            telephone=telephone_lisible(beneficiaire.telephone),
        )

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom}"


def _page_doublon(request, form, existante: Beneficiaire):
    """The person already has a record: nothing is saved; show what the agent typed and only
    the existing record's reference, commune and followers, with a way to link it."""
    fiches.journaliser_consultation(par=request.membership, beneficiaire=existante, vue="doublon", request=request)
    suivis = list(existante.suivis.select_related("organisme").order_by("cree_le", "pk"))
    saisie = {c: form.cleaned_data[c] for c in ("nom", "prenom", "date_naissance")}
    return render(
        request,
        "beneficiaires/doublon.html",
        {
            "saisie": saisie,
            "existante": {
                "pseudonyme": existante.pseudonyme,
                "commune": str(existante.commune),
                "suivis": [{"organisme": s.organisme.nom, "depuis": s.cree_le} for s in suivis],
            },
            "deja_suivie": any(s.organisme_id == request.membership.organisation_id for s in suivis),
            "pk_existante": existante.pk,
        },
    )


def _preparer_ligne(beneficiaire: Beneficiaire) -> None:
    """Labels for one row of the list (no query)."""
    beneficiaire.libelle_orientation = LIBELLES_STATUTS.get(beneficiaire.derniere_orientation_statut, "")
    beneficiaire.libelles_publics = [LIBELLES_PUBLICS.get(p, p) for p in beneficiaire.publics]


def _affichage_fse(beneficiaire: Beneficiaire, champ: str) -> str:
    if champ == "age_a_l_entree":
        return f"{beneficiaire.age_a_l_entree} ans" if beneficiaire.age_a_l_entree is not None else "—"
    if champ == "zone_rurale":
        return {True: "Oui", False: "Non"}.get(beneficiaire.zone_rurale, "Inconnue (population de la commune absente)")
    return getattr(beneficiaire, f"get_{champ}_display")()


def _libelle_autonomie(niveau) -> str:
    return NiveauAutonomie(niveau).label if niveau in NiveauAutonomie.values else "Non évalué"
