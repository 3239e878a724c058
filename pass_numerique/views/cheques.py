"""A cheque's page (its states and whole history from the journal) and the coordinators'
search by code or serial number. Namespace pass_remise."""

import datetime
from decimal import Decimal

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import formats

from comptes.access import role_required
from comptes.models import Role

from ..codes import CodeInvalide
from ..forms_remise import RechercheChequeForm
from ..pdf import euros
from ..selectors.historique import (
    encaissements_du_cheque,
    etapes_du_cheque,
    get_cheque_visible,
    historique_du_cheque,
    lignes_du_cheque,
    rechercher_cheque,
)

TAILLE_PAGE = 50


@role_required(Role.COORDINATEUR, Role.REFERENT, Role.AGENT, Role.RESPONSABLE, Role.MEDIATEUR)
def cheque(request, pk):
    par = request.membership
    cheque = get_cheque_visible(par, pk)
    encaissements = encaissements_du_cheque(cheque)
    page = Paginator(historique_du_cheque(cheque), TAILLE_PAGE).get_page(request.GET.get("page"))
    coordinateur = par.role == Role.COORDINATEUR
    voit_la_personne = par.role not in (Role.RESPONSABLE, Role.MEDIATEUR)
    for evenement in page.object_list:
        # Names of people of other organisations are for the coordinators only.
        evenement.auteur_visible = coordinateur or evenement.organisation_id == par.organisation_id
        evenement.lignes = _details(evenement.details, personne=voit_la_personne)
    return render(
        request,
        "pass_numerique/cheques/cheque.html",
        {
            "cheque": cheque,
            "etapes": etapes_du_cheque(cheque, encaissements=encaissements, lignes=lignes_du_cheque(cheque)),
            "page": page,
            "peut_chercher": coordinateur,
        },
    )


LIBELLES_DETAILS = {
    "numero_serie": "numéro de série",
    "beneficiaire": "personne (référence)",
    "motif": "motif",
    "bordereau": "bordereau",
    "reference": "référence du paiement",
    "paye_le": "payé le",
    "montant": "montant",
    "montant_valide": "montant validé",
    "lignes": "chèques réclamés",
    "lignes_validees": "lignes validées",
    "lignes_rejetees": "lignes rejetées",
    "lot": "lot",
    "cheques": "chèques",
    "mois": "mois",
    "nb_carnets": "carnets",
    "nb_cheques": "chèques",
}
# Internal identifiers, or what the entry's target already says.
CLES_MASQUEES = {"dispositif", "lieu", "carnet", "ligne", "numero", "derogation", "champs"}
MONTANTS = {"montant", "montant_valide", "valeur"}
DATES = {"paye_le"}


def _valeur(cle: str, valeur) -> str:
    try:
        if cle in MONTANTS:
            return euros(Decimal(str(valeur)))
        if cle in DATES:
            return formats.date_format(datetime.date.fromisoformat(valeur), "d/m/Y")
        if cle == "mois":
            return formats.date_format(datetime.date.fromisoformat(valeur), "F Y")
    except (ValueError, ArithmeticError):
        pass
    return str(valeur)


def _details(details: dict, *, personne: bool) -> list[tuple[str, str]]:
    """The entry's details as (label, value), in words; a place does not see which person held
    the cheque."""
    lignes = []
    for cle, valeur in (details or {}).items():
        if cle in CLES_MASQUEES or (cle == "beneficiaire" and not personne):
            continue
        if valeur is None or valeur == "" or isinstance(valeur, (list, dict)):
            continue
        lignes.append((LIBELLES_DETAILS.get(cle, cle.replace("_", " ")), _valeur(cle, valeur)))
    return lignes


@role_required(Role.COORDINATEUR)
def recherche(request):
    """Find a cheque by code or serial number; one result opens its page."""
    form = RechercheChequeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        try:
            trouve = rechercher_cheque(request.membership, form.cleaned_data["q"])
        except CodeInvalide as exc:
            form.add_error("q", exc.message)
        else:
            if trouve is not None:
                return redirect("pass_remise:cheque", pk=trouve.pk)
            form.add_error("q", "Aucun chèque de votre département n’a ce code ou ce numéro de série.")
    return render(request, "pass_numerique/cheques/recherche.html", {"form": form})
