"""Reads of the funding reports and cost lines, scoped to the current membership.

The département's team (coordinateur, lecteur) sees the reports of its département (requested by
anyone of the team, or scheduled) and the cost lines of its dispositifs. Nobody else sees them:
out of scope means 404 (a prescriber, a place, another département's team).
"""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from comptes.models import Membership, Role
from pass_numerique.models import Dispositif
from pass_numerique.selectors.dispositifs import dispositifs_visibles

from ..models import FichierRapport, LigneCout, Rapport

EQUIPE = (Role.COORDINATEUR, Role.LECTEUR)


def est_de_l_equipe(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active and membership.role in EQUIPE


def exiger_equipe(membership: Membership | None) -> Membership:
    """The pages of reports exist only for the département's team: 404 for anyone else."""
    if not est_de_l_equipe(membership):
        raise Http404("Page introuvable.")
    return membership


def peut_gerer_couts(membership: Membership | None) -> bool:
    return est_de_l_equipe(membership) and membership.role == Role.COORDINATEUR


def rapports_visibles(membership: Membership | None) -> QuerySet[Rapport]:
    if not est_de_l_equipe(membership):
        return Rapport.objects.none()
    return Rapport.objects.filter(departement_id=membership.organisation.departement_id)


def historique(membership: Membership | None, *, dispositif: Dispositif | None = None) -> QuerySet[Rapport]:
    """The history, newest first, with what a row shows (two extra queries whatever the rows)."""
    rapports = rapports_visibles(membership)
    if dispositif is not None:
        rapports = rapports.filter(dispositifs=dispositif)
    return (
        rapports.select_related("demande_par")
        .prefetch_related(
            Prefetch("dispositifs", queryset=Dispositif.objects.order_by("nom", "pk")),
            Prefetch("fichiers", queryset=FichierRapport.objects.order_by("format")),
        )
        .order_by("-demande_le", "-pk")
    )


def get_rapport(membership: Membership | None, pk) -> Rapport:
    rapport = (
        rapports_visibles(membership)
        .select_related("demande_par", "departement")
        .prefetch_related(
            Prefetch("dispositifs", queryset=Dispositif.objects.order_by("nom", "pk")),
            Prefetch("fichiers", queryset=FichierRapport.objects.order_by("format")),
        )
        .filter(pk=pk)
        .first()
    )
    if rapport is None:
        raise Http404("Rapport introuvable.")
    return rapport


def lignes_cout(dispositif: Dispositif) -> QuerySet[LigneCout]:
    return LigneCout.objects.filter(dispositif=dispositif).select_related("cree_par").order_by("date", "pk")


def lignes_visibles(membership: Membership | None) -> QuerySet[LigneCout]:
    return LigneCout.objects.filter(dispositif__in=dispositifs_visibles(membership))


def get_ligne_cout(membership: Membership | None, pk) -> LigneCout:
    ligne = lignes_visibles(membership).select_related("dispositif", "dispositif__departement").filter(pk=pk).first()
    if ligne is None:
        raise Http404("Ligne de coût introuvable.")
    return ligne
