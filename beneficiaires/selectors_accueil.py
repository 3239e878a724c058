"""Figures for the home pages (einclusion.views.accueil): what waits for the current membership."""

from django.db.models import Count, Q
from django.utils import timezone

from comptes.models import Membership

from . import rules
from .models import Beneficiaire, Orientation
from .models.orientation import DELAI_SANS_REPONSE


def _compter(orientations) -> dict:
    limite = timezone.now() - DELAI_SANS_REPONSE
    a_contacter = Q(statut=Orientation.Statut.A_CONTACTER)
    return orientations.aggregate(
        a_contacter=Count("pk", filter=a_contacter),
        sans_reponse=Count("pk", filter=a_contacter & Q(cree_le__lte=limite)),
    )


def chiffres_accueil(par: Membership) -> dict:
    """{"personnes_suivies", "a_contacter", "sans_reponse"} for a prescriber; the last two for
    a place; {} for anyone else."""
    vivantes = Q(beneficiaire__anonymise_le__isnull=True)
    if rules.est_prescripteur(par):
        chiffres = _compter(Orientation.objects.filter(vivantes, organisme_id=par.organisation_id))
        suivies = Beneficiaire.objects.actifs().filter(suivis__organisme_id=par.organisation_id)
        chiffres["personnes_suivies"] = suivies.count()
        return chiffres
    if rules.est_d_un_lieu(par):
        return _compter(Orientation.objects.filter(vivantes, lieu_id=par.organisation_id))
    return {}
