"""`{% activite_ce_mois membership as mois %}`: the « Ce mois-ci » block of a place's home page
(templates/ateliers/activite/_ce_mois.html): this month's figures of the place (five aggregate
queries) and the sessions waiting for their signed sheet (one COUNT)."""

from django import template

from .. import rules
from ..selectors.activite import activite_du_mois
from ..selectors.feuilles import nombre_sans_feuille

register = template.Library()


@register.simple_tag
def activite_ce_mois(membership) -> dict:
    if not rules.est_du_lieu(membership):
        return {"visible": False, "chiffres": None, "sans_feuille": 0}
    # The membership's organisation is the place (Lieu inherits from Organisation: same pk).
    chiffres = activite_du_mois(membership.organisation)
    return {"visible": True, "chiffres": chiffres, "sans_feuille": nombre_sans_feuille(membership)}
