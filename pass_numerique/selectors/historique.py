"""A cheque's page: who may see it, its states with dates, its whole history from the journal.

Sight: the département's coordinators; the members of the prescriber whose stock held its
booklet; a place that redeemed it (even if the redemption was undone). Others: 404.

History = journal entries targeting the cheque, its booklet, the bordereaux that claimed it, and
the generation of its lot (details["lot"]).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from comptes.models import Membership, Role
from journal.models import Action, Evenement

from .. import codes
from ..models import Bordereau, Carnet, Cheque, Dispositif, Encaissement, LigneBordereau

ROLES_PRESCRIPTEUR = (Role.REFERENT, Role.AGENT)
ROLES_LIEU = (Role.RESPONSABLE, Role.MEDIATEUR)


def cheques_visibles(par: Membership | None) -> QuerySet[Cheque]:
    if par is None or not par.is_active:
        return Cheque.objects.none()
    if par.role == Role.COORDINATEUR:
        return Cheque.objects.filter(departement_id=par.organisation.departement_id)
    if par.role in ROLES_PRESCRIPTEUR:
        return Cheque.objects.filter(carnet__organisme_id=par.organisation_id)
    if par.role in ROLES_LIEU:
        encaisse_ici = Encaissement.objects.filter(cheque=OuterRef("pk"), lieu_id=par.organisation_id)
        return Cheque.objects.filter(Q(lieu_encaissement_id=par.organisation_id) | Exists(encaisse_ici))
    return Cheque.objects.none()


def get_cheque_visible(par: Membership | None, pk) -> Cheque:
    cheque = (
        cheques_visibles(par)
        .select_related("carnet__organisme", "carnet__beneficiaire", "dispositif", "lieu_encaissement", "departement")
        .filter(pk=pk)
        .first()
    )
    if cheque is None:
        raise Http404("Chèque introuvable.")
    return cheque


def rechercher_cheque(par: Membership, texte: str) -> Cheque | None:
    """By code (typos are caught by its check character: CodeInvalide) or by serial number,
    within the coordinator's département. Raises codes.CodeInvalide for a mistyped code."""
    texte = (texte or "").strip()
    chiffres = texte.replace(" ", "").lstrip("nN°º").strip()
    visibles = cheques_visibles(par)
    if chiffres.isdigit():
        return visibles.filter(numero_serie=int(chiffres)).first()
    return visibles.filter(code=codes.normaliser(texte)).first()


def historique_du_cheque(cheque: Cheque) -> QuerySet[Evenement]:
    """Oldest first: the life of the cheque reads from top to bottom."""
    carnet = cheque.carnet
    bordereaux = [
        str(pk) for pk in Bordereau.objects.filter(lignes__cheque=cheque).values_list("pk", flat=True).distinct()
    ]
    condition = (
        Q(target_type=Cheque._meta.label_lower, target_id=str(cheque.pk))
        | Q(target_type=Carnet._meta.label_lower, target_id=str(carnet.pk))
        | Q(action=Action.CHEQUES_GENERES, departement_id=cheque.departement_id, details__lot=carnet.lot)
    )
    if bordereaux:
        condition |= Q(target_type=Bordereau._meta.label_lower, target_id__in=bordereaux)
    if cheque.expire_le is not None:
        # Expiry is journalled once per dispositif and run, right after the cheques' update
        # (services/expiration.py): the run that expired this cheque is the one of that moment.
        condition |= Q(
            action=Action.CHEQUES_EXPIRES,
            target_type=Dispositif._meta.label_lower,
            target_id=str(cheque.dispositif_id),
            created_at__gte=cheque.expire_le,
            created_at__lte=cheque.expire_le + datetime.timedelta(minutes=30),
        )
    return Evenement.objects.filter(condition).select_related("actor", "organisation").order_by("created_at", "id")


@dataclass(frozen=True)
class Etape:
    libelle: str
    le: object  # datetime or date
    detail: str = ""


def etapes_du_cheque(cheque: Cheque, *, encaissements=None, lignes=None) -> list[Etape]:
    """The states the cheque went through, with their dates (from its own fields and its
    booklet's; the journal gives the details)."""
    carnet = cheque.carnet
    etapes = [Etape("Généré", carnet.genere_le, f"lot {carnet.lot}")]
    if carnet.dote_le:
        detail = f"dans le stock de {carnet.organisme.nom}" if carnet.organisme else ""
        etapes.append(Etape("Doté", carnet.dote_le, detail))
    if carnet.remis_le:
        etapes.append(Etape("Remis à une personne", carnet.remis_le))
    for encaissement in encaissements or ():
        etapes.append(Etape("Encaissé", encaissement.le, f"par {encaissement.lieu.nom}"))
        if encaissement.annule_le:
            etapes.append(Etape("Encaissement annulé", encaissement.annule_le, encaissement.motif_annulation))
    for ligne in lignes or ():
        bordereau = ligne.bordereau
        etapes.append(Etape("Réclamé", bordereau.cree_le, f"bordereau {bordereau.numero}"))
        if ligne.statut == LigneBordereau.Statut.VALIDEE and bordereau.valide_le:
            etapes.append(Etape("Validé", bordereau.valide_le, f"bordereau {bordereau.numero}"))
        elif ligne.statut == LigneBordereau.Statut.REJETEE and bordereau.valide_le:
            etapes.append(Etape("Rejeté", bordereau.valide_le, ligne.motif_rejet))
    if cheque.rembourse_le:
        etapes.append(Etape("Remboursé", cheque.rembourse_le))
    if cheque.annule_le:
        etapes.append(Etape("Annulé (opposition)", cheque.annule_le, cheque.motif_annulation))
    if cheque.expire_le:
        etapes.append(Etape("Expiré", cheque.expire_le))
    return sorted(etapes, key=lambda e: e.le)


def encaissements_du_cheque(cheque: Cheque) -> list[Encaissement]:
    return list(cheque.encaissements.select_related("lieu").order_by("le", "pk"))


def lignes_du_cheque(cheque: Cheque) -> list[LigneBordereau]:
    return list(cheque.lignes_bordereau.select_related("bordereau").order_by("bordereau__cree_le", "pk"))
