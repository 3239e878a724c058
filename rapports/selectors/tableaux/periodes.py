"""Periods of the dashboards: this month, this year, the 12 months of the chart (Europe/Paris)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from ateliers.selectors.activite import PARIS
from pass_numerique.models import Cheque

ENCAISSES = (Cheque.Statut.ENCAISSE, Cheque.Statut.REMBOURSE)
NB_MOIS = 12
JOURS_A_VENIR = 7
ZERO = Decimal(0)


@dataclass(frozen=True)
class Reperes:
    """The starts of this month, this year and of the 12-month chart, as aware datetimes."""

    maintenant: datetime.datetime
    jour: datetime.date
    mois: datetime.datetime
    annee: datetime.datetime
    premier_mois: datetime.date  # first month of the chart

    @property
    def mois_du_graphique(self) -> list[datetime.date]:
        mois, resultat = self.premier_mois, []
        for _ in range(NB_MOIS):
            resultat.append(mois)
            mois = (mois + datetime.timedelta(days=32)).replace(day=1)
        return resultat


def reperes(maintenant: datetime.datetime | None = None) -> Reperes:
    maintenant = maintenant or timezone.now()
    jour = timezone.localtime(maintenant, PARIS).date()
    debut_mois = jour.replace(day=1)
    premier = debut_mois
    for _ in range(NB_MOIS - 1):
        premier = (premier - datetime.timedelta(days=1)).replace(day=1)

    def aware(d: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(d, datetime.time.min, tzinfo=PARIS)

    return Reperes(maintenant, jour, aware(debut_mois), aware(jour.replace(month=1, day=1)), premier)


def mois_de(valeur) -> datetime.date:
    """A TruncMonth value (an aware datetime in Europe/Paris, or a date) → the month's 1st day."""
    if isinstance(valeur, datetime.datetime):
        valeur = timezone.localtime(valeur, PARIS) if timezone.is_aware(valeur) else valeur
    return datetime.date(valeur.year, valeur.month, 1)
