"""`{% pass_beneficiaire beneficiaire membership as pass %}`: what the person's page shows of the
Pass numérique (templates/pass_numerique/remise/_fiche_beneficiaire.html), in two queries
whatever the number of booklets."""

from django import template

from beneficiaires import rules as regles_beneficiaires
from comptes.models import Role

from ..models import Carnet, Derogation
from ..selectors.remise import carnets_du_beneficiaire

register = template.Library()


@register.simple_tag
def pass_beneficiaire(beneficiaire, membership) -> dict:
    """Places see nothing of a person's booklets (not in CHAMPS_LIEU); the département's
    staff and the prescribers that follow the person see them. Links by role: remise (agents,
    référents), print (them and coordinators), dérogation (coordinators)."""
    visible = regles_beneficiaires.voit_fiche_complete(membership)
    if not visible:
        return {"visible": False, "carnets": [], "derogations": []}
    vivante = not (beneficiaire.est_anonymise or beneficiaire.est_fusionne)
    prescripteur = membership.role in regles_beneficiaires.ROLES_PRESCRIPTEUR
    coordinateur = membership.role == Role.COORDINATEUR
    carnets = list(carnets_du_beneficiaire(beneficiaire))
    peut_imprimer = vivante and (prescripteur or coordinateur)
    for carnet in carnets:
        carnet.imprimable = peut_imprimer and carnet.statut == Carnet.Statut.REMIS
    derogations = list(
        Derogation.objects.filter(beneficiaire=beneficiaire, carnet__isnull=True).select_related("dispositif")
    )
    return {
        "visible": True,
        "carnets": carnets,
        "derogations": derogations,
        "peut_remettre": vivante and prescripteur,
        "peut_ouvrir": prescripteur or coordinateur,
        "peut_deroger": vivante and coordinateur and bool(carnets),
    }
