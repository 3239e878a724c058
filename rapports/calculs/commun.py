"""Small helpers shared by the calculation modules (months, percentages, sums)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from ateliers.selectors.activite import libelle_mois

from ..contenu import ENTIER, MONTANT
from .perimetre import PARIS

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def montant(valeur) -> Decimal:
    """A SQL sum (None when no row, float/str on some backends) as euros to the cent."""
    return Decimal(str(valeur or 0)).quantize(CENT)


def pourcentage(numerateur, denominateur) -> Decimal | None:
    """numerateur / denominateur × 100 to 0.1, None when the denominator is 0 (shown « — »)."""
    if not denominateur:
        return None
    return (Decimal(numerateur) * 100 / Decimal(denominateur)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def premier_du_mois(jour: datetime.date) -> datetime.date:
    return jour.replace(day=1)


def mois_local(valeur) -> datetime.date:
    """The first day of the month of a TruncMonth result (aware datetime, date or ISO text)."""
    if isinstance(valeur, datetime.datetime):
        if timezone.is_aware(valeur):
            valeur = timezone.localtime(valeur, PARIS)
        return valeur.date().replace(day=1)
    if isinstance(valeur, datetime.date):
        return valeur.replace(day=1)
    return datetime.date.fromisoformat(str(valeur)[:10]).replace(day=1)


def jour_local(valeur) -> datetime.date | None:
    """A TruncDate result read by a raw cursor: date (PostgreSQL) or ISO text (SQLite)."""
    if valeur is None or isinstance(valeur, datetime.date):
        return valeur
    return datetime.date.fromisoformat(str(valeur)[:10])


def mois_de_la_periode(du: datetime.date, au: datetime.date) -> list[datetime.date]:
    mois, fin, resultat = premier_du_mois(du), premier_du_mois(au), []
    while mois <= fin:
        resultat.append(mois)
        mois = (mois + datetime.timedelta(days=32)).replace(day=1)
    return resultat


def libelle(mois: datetime.date) -> str:
    return libelle_mois(mois)


def total_colonnes(lignes: list[list], colonnes: list, debut: int = 1) -> list:
    """« Total », None up to `debut`, then the sums of the ENTIER / MONTANT columns (None for
    the others: a percentage or a date does not add up)."""
    total: list = ["Total", *([None] * (debut - 1))]
    for j in range(debut, len(colonnes)):
        if colonnes[j].type == ENTIER:
            total.append(sum(ligne[j] or 0 for ligne in lignes))
        elif colonnes[j].type == MONTANT:
            total.append(sum((ligne[j] or ZERO for ligne in lignes), start=ZERO))
        else:
            total.append(None)
    return total
