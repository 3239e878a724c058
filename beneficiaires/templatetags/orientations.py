"""Template helpers of the orientation pages and of the orientations section of a person's page
(`{% load orientations %}`)."""

from django import template

from structures.standard import telephone_lisible

from .. import rules
from ..diagnostic import Besoin
from ..models import Orientation

register = template.Library()

_LIBELLES_BESOINS = dict(Besoin.choices)


def _membership(context):
    return getattr(context.get("request"), "membership", None)


@register.simple_tag(takes_context=True)
def peut_orienter(context, beneficiaire) -> bool:
    """{% peut_orienter beneficiaire as peut %}: the current membership may orient the person."""
    return rules.peut_orienter(_membership(context), beneficiaire)


@register.simple_tag(takes_context=True)
def peut_repondre(context, orientation) -> bool:
    """{% peut_repondre orientation as peut %}: the current membership belongs to the place the
    orientation is addressed to, and the orientation still waits for an answer."""
    par = _membership(context)
    return (
        rules.est_d_un_lieu(par)
        and par.organisation_id == orientation.lieu_id
        and orientation.statut == Orientation.Statut.A_CONTACTER
    )


@register.filter
def libelles_besoins(besoins) -> list[str]:
    """["ordinateur", …] → ["Allumer et utiliser un ordinateur", …] (unknown values as they are)."""
    return [_LIBELLES_BESOINS.get(b, b) for b in besoins or []]


@register.filter
def telephone(numero: str) -> str:
    """'+33555123456' → '05 55 12 34 56'."""
    return telephone_lisible(numero or "")
