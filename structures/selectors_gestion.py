"""Reads for the management of places, scoped to the current membership.

Coordinators manage every place of their département, closed ones included; a place's
responsable manages that place only; nobody else manages places. Out of scope means 404.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from comptes.models import Membership, Role
from journal.models import Evenement
from journal.selectors import evenements_for_target

from .models import Lieu


def lieux_geres_par(membership: Membership | None) -> QuerySet[Lieu]:
    if membership is None or not membership.is_active:
        return Lieu.objects.none()
    if membership.role == Role.COORDINATEUR:
        return Lieu.objects.filter(departement_id=membership.organisation.departement_id)
    if membership.role == Role.RESPONSABLE:
        return Lieu.objects.filter(pk=membership.organisation_id)
    return Lieu.objects.none()


def get_lieu_gere(membership: Membership | None, pk) -> Lieu:
    lieu = lieux_geres_par(membership).select_related("departement", "commune_ref").filter(pk=pk).first()
    if lieu is None:
        raise Http404("Lieu introuvable.")
    return lieu


def rechercher_lieux(lieux: QuerySet[Lieu], *, texte: str = "", statut: str = "") -> QuerySet[Lieu]:
    """Filter by a name, a commune or a postal code, and by status ("ouverts", "fermes")."""
    texte = (texte or "").strip()
    if texte:
        lieux = lieux.filter(Q(nom__icontains=texte) | Q(commune__icontains=texte) | Q(code_postal__startswith=texte))
    if statut == "ouverts":
        lieux = lieux.filter(est_actif=True)
    elif statut == "fermes":
        lieux = lieux.filter(est_actif=False)
    return lieux.order_by("nom", "pk")


def historique_du_lieu(lieu: Lieu) -> QuerySet[Evenement]:
    """The journal entries about one place, the most recent first."""
    return evenements_for_target(lieu)
