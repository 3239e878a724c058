"""`{% parcours_beneficiaire beneficiaire membership as parcours %}`: the « Parcours » block of a
person's page (templates/ateliers/parcours/_fiche.html), in two queries whatever the number of
sessions. `{{ minutes|duree }}`: 90 → « 1 h 30 »."""

from django import template

from beneficiaires import rules as regles_beneficiaires

from ..selectors.parcours import parcours_de, voit_parcours

register = template.Library()


@register.simple_tag
def parcours_beneficiaire(beneficiaire, membership) -> dict:
    """Prescribers that follow the person (the page is theirs only if they do) and the
    département's staff see the whole parcours; a place sees its own sessions only."""
    if not voit_parcours(membership):
        return {"visible": False, "parcours": None, "du_lieu": False}
    return {
        "visible": True,
        "parcours": parcours_de(beneficiaire, membership),
        "du_lieu": regles_beneficiaires.est_d_un_lieu(membership),
    }


@register.filter
def duree(minutes) -> str:
    """Minutes in words for a page: 0 → « 0 h », 45 → « 45 min », 120 → « 2 h », 90 → « 1 h 30 »."""
    minutes = int(minutes or 0)
    heures, reste = divmod(minutes, 60)
    if not heures and reste:
        return f"{reste} min"
    return f"{heures} h {reste:02d}" if reste else f"{heures} h"
