"""The monthly reports, scheduled in einclusion/celery.py for the 1st of each month.

For every dispositif active during the month just ended, one report of that month (PDF + XLSX)
owned by the département (no requester, so no e-mail: the team finds it in the history). The key
`mensuel:<dispositif>:<YYYY-MM>` is unique in the database: running twice creates nothing more.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from pass_numerique.models import Dispositif

from .. import evenements
from ..models import Format, Rapport
from .demandes import enfiler_apres_validation

FORMATS_MENSUELS = [Format.PDF.value, Format.XLSX.value]


def mois_precedent(jour: datetime.date) -> tuple[datetime.date, datetime.date]:
    fin = jour.replace(day=1) - datetime.timedelta(days=1)
    return fin.replace(day=1), fin


def cle(dispositif: Dispositif, debut: datetime.date) -> str:
    return f"mensuel:{dispositif.pk}:{debut:%Y-%m}"


def dispositifs_du_mois(du: datetime.date, au: datetime.date):
    """Active at some point of [du, au]: started by its end, not over before its start, not closed
    before it."""
    return (
        Dispositif.objects.filter(debut__lte=au, fin_encaissement__gte=du)
        .filter(Q(clos_le__isnull=True) | Q(clos_le__date__gte=du))
        .select_related("departement")
        .order_by("pk")
    )


def planifier_rapports_mensuels(*, jour: datetime.date | None = None) -> list[Rapport]:
    du, au = mois_precedent(jour or timezone.localdate())
    crees = []
    for dispositif in dispositifs_du_mois(du, au):
        if Rapport.objects.filter(cle_planification=cle(dispositif, du)).exists():
            continue
        try:
            with transaction.atomic():
                rapport = Rapport.objects.create(
                    departement=dispositif.departement,
                    du=du,
                    au=au,
                    formats=FORMATS_MENSUELS,
                    cle_planification=cle(dispositif, du),
                )
                rapport.dispositifs.set([dispositif])
                evenements.rapport_demande(rapport=rapport, dispositifs=[dispositif])
                enfiler_apres_validation(rapport)
        except IntegrityError:  # created meanwhile by another run: the constraint says once
            continue
        crees.append(rapport)
    return crees
