"""What belongs to a report: the dispositifs' sessions and the people's parcours days, as SQL.

Nothing here loads rows: every function returns a queryset or a (sql, params) pair that the
other modules aggregate. Dates are local (Europe/Paris): a period [du, au] is the aware interval
[du 00:00, au + 1 day 00:00[ and the day of a datetime is `TruncDate(..., tzinfo=PARIS)` (SQLite
and PostgreSQL alike). See docs/adr/0011-rapports-de-financement.md.
"""

import datetime
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from ateliers.models import Inscription, PresenceCheque, Seance
from pass_numerique.models import Cheque

PARIS = zoneinfo.ZoneInfo(settings.TIME_ZONE)
ENCAISSES = (Cheque.Statut.ENCAISSE, Cheque.Statut.REMBOURSE)


@dataclass(frozen=True)
class Periode:
    """The report's scope: dispositif ids and the inclusive local dates [du, au]."""

    dispositifs: tuple[int, ...]
    du: datetime.date
    au: datetime.date

    @property
    def debut(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.du, datetime.time.min), PARIS)

    @property
    def fin(self) -> datetime.datetime:
        """Exclusive end: midnight (Paris) of the day after `au`."""
        lendemain = self.au + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(lendemain, datetime.time.min), PARIS)

    def dans(self, champ: str) -> Q:
        """`champ` (a datetime path) falls in the period."""
        return Q(**{f"{champ}__gte": self.debut, f"{champ}__lt": self.fin})


def periode(dispositifs: Sequence, du: datetime.date, au: datetime.date) -> Periode:
    return Periode(tuple(sorted(d.pk for d in dispositifs)), du, au)


def seances_du_dispositif(p: Periode) -> QuerySet:
    """Sessions (not cancelled) of the dispositifs: workshops attached to one of them, plus any
    session where a cheque of one of them was redeemed at the roll-call. A UNION of the two
    (not an OR): PostgreSQL then estimates a few sessions and reaches their registrations by index."""
    directes = Seance.objects.filter(atelier__dispositif__in=p.dispositifs).order_by().values("pk")
    par_cheque = (
        PresenceCheque.objects.filter(encaissement__cheque__dispositif__in=p.dispositifs)
        .order_by()
        .values("inscription__seance_id")
    )
    return Seance.objects.filter(annulee_le__isnull=True, pk__in=directes.union(par_cheque))


def seances_tenues(p: Periode) -> QuerySet:
    """The dispositifs' sessions that started in the period."""
    return seances_du_dispositif(p).filter(p.dans("debut"))


def presences(p: Periode, *, jusqu_a_la_fin: bool = False) -> QuerySet:
    """Roll-call marks « présent·e » (registered) at the dispositifs' sessions held in the period
    (or, `jusqu_a_la_fin`, at any of their sessions before the end of the period)."""
    seances = seances_du_dispositif(p).filter(debut__lt=p.fin)
    if not jusqu_a_la_fin:
        seances = seances.filter(debut__gte=p.debut)
    return Inscription.objects.filter(
        presence=Inscription.Presence.PRESENT, statut=Inscription.Statut.INSCRIT, seance__in=seances
    )


def encaissements_des_personnes(p: Periode) -> QuerySet:
    """Redeemed cheques of the dispositifs from booklets handed to a person, before the end."""
    return Cheque.objects.filter(
        dispositif__in=p.dispositifs,
        statut__in=ENCAISSES,
        encaisse_le__lt=p.fin,
        carnet__beneficiaire__isnull=False,
    )


def jours_de_parcours_sql(p: Periode) -> tuple[str, list]:
    """SQL of the distinct (personne, jour) pairs up to `au`: local dates of presences at the
    dispositifs' sessions UNION local dates of redemptions of their cheques by the person."""
    a = (
        presences(p, jusqu_a_la_fin=True)
        .order_by()
        .annotate(personne=F("beneficiaire_id"), jour=TruncDate("seance__debut", tzinfo=PARIS))
        .values_list("personne", "jour")
    )
    b = (
        encaissements_des_personnes(p)
        .order_by()
        .annotate(personne=F("carnet__beneficiaire_id"), jour=TruncDate("encaisse_le", tzinfo=PARIS))
        .values_list("personne", "jour")
    )
    sql, params = a.union(b).query.sql_with_params()
    return sql, list(params)


def parcours_sql(p: Periode) -> tuple[str, list]:
    """One row per FSE participant: (personne, nb_jours, premier_jour, dernier_jour).

    A participant has at least 2 distinct parcours days up to `au`, one of them in [du, au]
    (the latest is then ≥ du). Merged records are excluded by the callers (they join the people)."""
    sql, params = jours_de_parcours_sql(p)  # compiled by the ORM: parameters stay parameters
    requete = (
        "SELECT jours.personne AS personne, COUNT(*) AS nb_jours, MIN(jours.jour) AS premier_jour, "  # noqa: S608
        f"MAX(jours.jour) AS dernier_jour FROM ({sql}) jours GROUP BY jours.personne "
        "HAVING COUNT(*) >= 2 AND MAX(jours.jour) >= %s"
    )
    return requete, [*params, p.du]


def participants_sql(p: Periode) -> tuple[str, list]:
    """SQL selecting the ids of the participants (for `pk__in=RawSQL(...)`)."""
    sql, params = parcours_sql(p)
    return f"SELECT parcours.personne FROM ({sql}) parcours", params  # noqa: S608
