"""The logged-in home page: a dashboard per role (einclusion.views.accueil delegates here).

Templates: accueil/coordinateur.html, lecteur.html (the same figures, read only),
prescripteur.html (référent, agent), lieu.html (responsable, médiateur); their blocks are in
templates/rapports/tableaux/. Every figure comes from rapports.selectors.tableaux, scoped to
`request.membership`.
"""

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import render

from beneficiaires.selectors_accueil import chiffres_accueil
from comptes.models import Invitation, Membership, Organisation, Role
from comptes.selectors import organisations_manageable_by

from ..graphiques import barres
from ..selectors.tableaux import tableau_departement, tableau_lieu, tableau_prescripteur

HOME_TEMPLATES = {
    "coordinateur": "accueil/coordinateur.html",
    "lecteur": "accueil/lecteur.html",
    "referent": "accueil/prescripteur.html",
    "agent": "accueil/prescripteur.html",
    "responsable": "accueil/lieu.html",
    "mediateur": "accueil/lieu.html",
}


def _membres(membership: Membership) -> dict:
    """Members and pending invitations of the organisations the member manages (two COUNTs)."""
    organisations = organisations_manageable_by(membership)
    return {
        "nb_membres": Membership.objects.active().filter(organisation__in=organisations).count(),
        "nb_invitations": Invitation.objects.filter(
            organisation__in=organisations, accepted_at__isnull=True, cancelled_at__isnull=True
        ).count(),
    }


def _departement(membership: Membership) -> dict:
    tableau = tableau_departement(membership)
    return {
        "tableau": tableau,
        "graphique_svg": barres(tableau.graphique),
        "organisations_par_type": Organisation.objects.filter(
            departement_id=membership.organisation.departement_id
        ).aggregate(
            prescripteurs=Count("pk", filter=Q(type=Organisation.Type.PRESCRIPTEUR)),
            lieux=Count("pk", filter=Q(type=Organisation.Type.LIEU)),
        ),
        "tuiles_url": settings.MAP_TILE_URL,
        "tuiles_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def tableau_de_bord(request, membership: Membership):
    """The home page of an active membership."""
    context = {"membership": membership, "organisation": membership.organisation}
    if membership.is_manager:
        context.update(_membres(membership))
    if membership.is_departement:
        context.update(_departement(membership))
    elif membership.role in (Role.REFERENT, Role.AGENT):
        context["tableau"] = tableau_prescripteur(membership)
    else:
        context["tableau"] = tableau_lieu(membership)
    context["chiffres"] = chiffres_accueil(membership)
    return render(request, HOME_TEMPLATES[membership.role], context)
