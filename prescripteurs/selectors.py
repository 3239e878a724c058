"""Reads of organismes prescripteurs, scoped to the current membership.

Coordinators manage every organisation of their département, closed ones included; a référent·e
manages their own organisation; nobody else manages organisations. Out of scope means 404.
"""

import re

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from comptes.models import Membership, Role
from territoires.text import normaliser_nom

from .models import OrganismePrescripteur

STATUT_OUVERTS, STATUT_FERMES, STATUT_TOUS = "ouverts", "fermes", "tous"


def organismes_geres_par(membership: Membership | None) -> QuerySet[OrganismePrescripteur]:
    if membership is None or not membership.is_active:
        return OrganismePrescripteur.objects.none()
    if membership.role == Role.COORDINATEUR:
        return OrganismePrescripteur.objects.filter(departement_id=membership.organisation.departement_id)
    if membership.role == Role.REFERENT:
        return OrganismePrescripteur.objects.filter(pk=membership.organisation_id)
    return OrganismePrescripteur.objects.none()


def get_organisme_gere(membership: Membership | None, pk) -> OrganismePrescripteur:
    organisme = organismes_geres_par(membership).select_related("departement", "commune").filter(pk=pk).first()
    if organisme is None:
        raise Http404("Organisme introuvable.")
    return organisme


def rechercher_organismes(
    organismes: QuerySet[OrganismePrescripteur],
    *,
    texte: str = "",
    type_organisme: str = "",
    statut: str = STATUT_OUVERTS,
) -> QuerySet[OrganismePrescripteur]:
    """Filter by a name, a SIRET (spaces ignored), a commune or a postal code; by type; by
    status (« ouverts », « fermes », « tous »)."""
    texte = " ".join((texte or "").split())
    if texte:
        condition = Q(nom__icontains=texte)
        nom_normalise = normaliser_nom(texte)
        if nom_normalise:
            condition |= Q(commune__nom_normalise__contains=nom_normalise)
        chiffres = re.sub(r"\s", "", texte)
        if chiffres.isdigit():
            condition |= Q(siret__startswith=chiffres) | Q(code_postal__startswith=chiffres)
        organismes = organismes.filter(condition)
    if type_organisme:
        organismes = organismes.filter(type_organisme=type_organisme)
    if statut == STATUT_OUVERTS:
        organismes = organismes.filter(ferme_le__isnull=True)
    elif statut == STATUT_FERMES:
        organismes = organismes.filter(ferme_le__isnull=False)
    return organismes.order_by("nom", "pk")


def avec_membres(organismes: QuerySet[OrganismePrescripteur]) -> QuerySet[OrganismePrescripteur]:
    """Each organisation with `nb_membres` (active members) and `referents` (their active
    référent·e·s memberships, users loaded): a constant number of queries for a page."""
    actifs = Q(memberships__is_active=True, memberships__user__is_active=True)
    referents = Membership.objects.active().filter(role=Role.REFERENT).select_related("user")
    return (
        organismes.select_related("commune")
        .annotate(nb_membres=Count("memberships", filter=actifs, distinct=True))
        .prefetch_related(
            Prefetch(
                "memberships", queryset=referents.order_by("user__last_name", "user__first_name"), to_attr="referents"
            )
        )
    )
