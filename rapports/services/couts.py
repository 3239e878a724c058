"""The cost lines of a dispositif besides its cheques (coordination, engineering…): part of the
eligible cost of a report when dated in its period. Only the coordinateur of the dispositif's
département writes them; every change is journalled with the previous values."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from comptes.models import Membership, Role
from journal.models import Action
from pass_numerique.models import Dispositif

from .. import evenements
from ..models import LigneCout

LONGUEUR_LIBELLE = 200
MONTANT_MAX = Decimal("9999999999.99")
# A cost may be incurred a little before the operation starts (engineering) or after it ends
# (closing the accounts): half a year either side of the operation.
MARGE = datetime.timedelta(days=183)


def _verifier_droits(par: Membership, dispositif: Dispositif) -> None:
    if not (
        par is not None
        and par.is_active
        and par.role == Role.COORDINATEUR
        and par.organisation.departement_id == dispositif.departement_id
    ):
        raise PermissionDenied("Seul le coordinateur du département saisit les coûts d’un dispositif.")


def bornes(dispositif: Dispositif) -> tuple[datetime.date, datetime.date]:
    return dispositif.debut - MARGE, dispositif.fin_encaissement + MARGE


def valider_ligne(*, dispositif: Dispositif, libelle, montant, date) -> dict:
    erreurs: dict[str, list[str]] = {}
    libelle = " ".join(str(libelle or "").split())
    if not libelle:
        erreurs["libelle"] = ["Indiquez un libellé, par exemple « Coordination du dispositif »."]
    elif len(libelle) > LONGUEUR_LIBELLE:
        erreurs["libelle"] = [f"Le libellé ne doit pas dépasser {LONGUEUR_LIBELLE} caractères."]
    try:
        if not isinstance(montant, Decimal):  # « 1 250,50 »: spaces group the thousands
            montant = Decimal("".join(str(montant or "").split()).replace(",", "."))
        if not montant.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        erreurs["montant"] = ["Indiquez un montant en euros, par exemple 1250,50."]
    else:
        if montant <= 0:
            erreurs["montant"] = ["Le montant doit être supérieur à zéro."]
        elif montant.as_tuple().exponent < -2 and montant != montant.quantize(Decimal("0.01")):
            erreurs["montant"] = ["Le montant s’écrit au centime près : deux chiffres après la virgule au plus."]
        elif montant > MONTANT_MAX:
            erreurs["montant"] = ["Ce montant est trop élevé."]
    if not isinstance(date, datetime.date):
        erreurs["date"] = ["Indiquez la date de la dépense, par exemple 15/03/2025."]
    else:
        debut, fin = bornes(dispositif)
        if not debut <= date <= fin:
            erreurs["date"] = [
                f"La date doit se situer pendant l’opération, à six mois près : entre le {debut:%d/%m/%Y} "
                f"et le {fin:%d/%m/%Y}."
            ]
    if erreurs:
        raise ValidationError(erreurs)
    return {"libelle": libelle, "montant": montant.quantize(Decimal("0.01")), "date": date}


@transaction.atomic
def ajouter_ligne_cout(*, par: Membership, dispositif: Dispositif, libelle, montant, date, request=None) -> LigneCout:
    _verifier_droits(par, dispositif)
    propre = valider_ligne(dispositif=dispositif, libelle=libelle, montant=montant, date=date)
    ligne = LigneCout.objects.create(dispositif=dispositif, cree_par=par.user, **propre)
    evenements.sur_ligne_cout(action=Action.COUT_AJOUTE, par=par, ligne=ligne, request=request)
    return ligne


@transaction.atomic
def modifier_ligne_cout(*, par: Membership, ligne: LigneCout, libelle, montant, date, request=None) -> LigneCout:
    ligne = LigneCout.objects.select_for_update().select_related("dispositif__departement").get(pk=ligne.pk)
    _verifier_droits(par, ligne.dispositif)
    propre = valider_ligne(dispositif=ligne.dispositif, libelle=libelle, montant=montant, date=date)
    avant = {"libelle": ligne.libelle, "montant": str(ligne.montant), "date": ligne.date.isoformat()}
    for champ, valeur in propre.items():
        setattr(ligne, champ, valeur)
    ligne.save(update_fields=list(propre))
    evenements.sur_ligne_cout(
        action=Action.COUT_MODIFIE, par=par, ligne=ligne, details={"avant": avant}, request=request
    )
    return ligne


@transaction.atomic
def supprimer_ligne_cout(*, par: Membership, ligne: LigneCout, request=None) -> None:
    ligne = LigneCout.objects.select_for_update().select_related("dispositif__departement").get(pk=ligne.pk)
    _verifier_droits(par, ligne.dispositif)
    evenements.sur_ligne_cout(action=Action.COUT_SUPPRIME, par=par, ligne=ligne, request=request)
    ligne.delete()
