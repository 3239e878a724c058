"""Scoped reads of workshops and sessions: another place's (or département's) object is a 404."""

from django.db.models import QuerySet
from django.http import Http404

from comptes.models import Membership

from .. import rules
from ..models import Atelier, Seance


def ateliers_du_lieu(par: Membership | None) -> QuerySet[Atelier]:
    if not rules.est_du_lieu(par):
        return Atelier.objects.none()
    return Atelier.objects.filter(lieu_id=par.organisation_id)


def get_atelier_du_lieu(par: Membership | None, pk) -> Atelier:
    found = ateliers_du_lieu(par).select_related("lieu", "dispositif").filter(pk=pk).first()
    if found is None:
        raise Http404("Atelier introuvable.")
    return found


def seances_visibles(par: Membership | None) -> QuerySet[Seance]:
    """The place's sessions for its members; the département's for its coordinators."""
    if rules.est_du_lieu(par):
        return Seance.objects.filter(lieu_id=par.organisation_id)
    if rules.est_coordinateur(par):
        return Seance.objects.filter(lieu__departement_id=par.organisation.departement_id)
    return Seance.objects.none()


def get_seance_visible(par: Membership | None, pk) -> Seance:
    found = seances_visibles(par).select_related("atelier", "lieu", "commune").filter(pk=pk).first()
    if found is None:
        raise Http404("Séance introuvable.")
    return found


def get_seance_du_lieu(par: Membership | None, pk) -> Seance:
    """A session the membership's place runs (for every write)."""
    if not rules.est_du_lieu(par):
        raise Http404("Séance introuvable.")
    return get_seance_visible(par, pk)
