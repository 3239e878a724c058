"""Which places accept the Pass numérique: derived, never typed.

`Lieu.accepte_pass_numerique` stays a stored, indexed flag because the public map, its filters and
the public API read it on every request. It is true iff the place is « qualifié » for at least one
ACTIVE dispositif (`Dispositif.objects.actifs()`: started, not closed, within validity +
tolerance). `recalculer()` brings the flags in line; the services call it after each decision that
can change the answer (qualification, dispositif created, modified or closed), and a daily Celery
task (`pass_numerique.tasks.recalculer_acceptation`) catches dispositifs that start or end with
the calendar.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from structures.models import Lieu
from structures.signals import invalider_cache_lieux

from ..models import Dispositif, Qualification


def qualifications_actives(*, jour: datetime.date | None = None) -> QuerySet[Qualification]:
    """« Qualifié » for a dispositif that is active on `jour` (today by default)."""
    return Qualification.objects.filter(
        statut=Qualification.Statut.QUALIFIE, dispositif__in=Dispositif.objects.actifs(jour=jour)
    )


def accepte(lieu: Lieu, *, jour: datetime.date | None = None) -> bool:
    """The rule itself, for one place (the stored flag is its cached answer)."""
    return qualifications_actives(jour=jour).filter(lieu=lieu).exists()


@transaction.atomic
def recalculer(*, lieu_ids: Iterable | None = None, jour: datetime.date | None = None) -> int:
    """Update the stored flags of `lieu_ids` (every place when None) with two conditional
    UPDATEs that touch only the rows whose answer changes; returns how many changed. A queryset
    update sends no signal, so the public map's cache is invalidated here (and `modifie_le` set,
    since the API's ETags are computed from it)."""
    lieux = Lieu.objects.all()
    if lieu_ids is not None:
        lieu_ids = list(lieu_ids)
        if not lieu_ids:
            return 0
        lieux = lieux.filter(pk__in=lieu_ids)
    acceptants = qualifications_actives(jour=jour).values("lieu_id")
    maintenant = timezone.now()
    devenus = lieux.filter(accepte_pass_numerique=False, pk__in=acceptants).update(
        accepte_pass_numerique=True, modifie_le=maintenant
    )
    perdus = (
        lieux.filter(accepte_pass_numerique=True)
        .exclude(pk__in=acceptants)
        .update(accepte_pass_numerique=False, modifie_le=maintenant)
    )
    if devenus or perdus:
        invalider_cache_lieux()
    return devenus + perdus
