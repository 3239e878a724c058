"""Template tags of the attendance sheet block on the session page
(templates/ateliers/seances/_feuille.html): `{% feuilles_de_seance seance as feuilles %}` gives
the current sheet, the replaced ones and why no sheet may be uploaded yet (one query)."""

from django import template

from structures.services.importation import taille_lisible

from ..selectors.feuilles import feuilles_de, nombre_sans_feuille
from ..services.feuilles import pourquoi_pas_de_depot

register = template.Library()


@register.simple_tag
def feuilles_de_seance(seance) -> dict:
    feuilles = feuilles_de(seance)
    return {"courante": feuilles.courante, "anciennes": feuilles.anciennes, "refus": pourquoi_pas_de_depot(seance)}


@register.simple_tag
def seances_sans_feuille(membership) -> int:
    """`{% seances_sans_feuille membership as n %}` on the home pages (one COUNT query)."""
    return nombre_sans_feuille(membership)


@register.filter
def empreinte_courte(sha256: str) -> str:
    """The first 12 hexadecimal characters of a SHA-256 (the full value goes in a title)."""
    return (sha256 or "")[:12]


@register.filter
def taille(octets: int) -> str:
    """« 840 Ko », « 1,5 Mo » (Django's filesizeformat says « Mio » in French)."""
    return taille_lisible(octets or 0)
