"""Reads for places: their redemptions, the dispositifs they accept, their API tokens.
Scoped to the current membership's place; another place's object is a 404."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from comptes.models import Membership, Organisation
from structures.models import Lieu

from ..models import Dispositif, Encaissement, JetonAPI, Qualification

RECENTS_MAX = 50


def lieu_de(par: Membership | None) -> Lieu:
    """The place of the current membership (a responsable or a médiateur)."""
    if par is None or par.organisation.type != Organisation.Type.LIEU:
        raise PermissionDenied("Cette page est réservée aux membres d’un lieu de médiation.")
    return Lieu.objects.select_related("departement").get(pk=par.organisation_id)


def dispositifs_acceptes(lieu: Lieu, *, jour: datetime.date | None = None) -> QuerySet[Dispositif]:
    """Active dispositifs for which the place is « qualifié » (not candidat, not suspendu)."""
    return (
        Dispositif.objects.actifs(jour=jour)
        .filter(qualifications__lieu=lieu, qualifications__statut=Qualification.Statut.QUALIFIE)
        .order_by("nom")
    )


def encaissements_recents(lieu: Lieu, *, depuis: datetime.timedelta = datetime.timedelta(hours=24)):
    """The place's redemptions of the last 24 hours (today's included), newest first, undone
    ones too (they say so). At most RECENTS_MAX; a constant number of queries."""
    return (
        Encaissement.objects.filter(lieu=lieu, le__gte=timezone.now() - depuis)
        .select_related("cheque__dispositif", "par", "jeton")
        .order_by("-le", "-pk")[:RECENTS_MAX]
    )


def get_encaissement_du_lieu(lieu: Lieu, pk) -> Encaissement:
    found = (
        Encaissement.objects.filter(lieu=lieu, pk=pk)
        .select_related("cheque__dispositif", "lieu", "par", "annule_par")
        .first()
    )
    if found is None:
        raise Http404("Encaissement introuvable.")
    return found


def jetons_du_lieu(lieu: Lieu) -> QuerySet[JetonAPI]:
    return JetonAPI.objects.filter(lieu=lieu).select_related("cree_par", "revoque_par").order_by("-cree_le", "-pk")


def get_jeton_du_lieu(lieu: Lieu, pk) -> JetonAPI:
    found = JetonAPI.objects.filter(lieu=lieu, pk=pk).select_related("lieu__departement").first()
    if found is None:
        raise Http404("Jeton introuvable.")
    return found
