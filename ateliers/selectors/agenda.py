"""Reads of the agenda and of the session pages: a place's week, a session's counts and status.
Every function runs a fixed number of queries whatever the number of sessions."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from comptes.models import Membership, User

from .. import rules
from ..models import Inscription, PresenceCheque, Seance
from ..models.ateliers import DUREE_MAX_MINUTES

INSCRIT, ATTENTE, DESINSCRIT = Inscription.Statut.INSCRIT, Inscription.Statut.ATTENTE, Inscription.Statut.DESINSCRIT


@dataclass(frozen=True)
class Statut:
    code: str  # a_venir, en_cours, passee, verrouillee, annulee
    libelle: str


STATUTS = {
    "annulee": Statut("annulee", "Annulée"),
    "verrouillee": Statut("verrouillee", "Émargement verrouillé"),
    "passee": Statut("passee", "Passée"),
    "en_cours": Statut("en_cours", "En cours"),
    "a_venir": Statut("a_venir", "À venir"),
}


def statut_de(seance: Seance, maintenant: datetime.datetime | None = None) -> Statut:
    maintenant = maintenant or timezone.now()
    if seance.est_annulee:
        return STATUTS["annulee"]
    if seance.est_verrouillee:
        return STATUTS["verrouillee"]
    if seance.fin <= maintenant:
        return STATUTS["passee"]
    if seance.debut <= maintenant:
        return STATUTS["en_cours"]
    return STATUTS["a_venir"]


def avec_comptes(seances: QuerySet[Seance]) -> QuerySet[Seance]:
    """Annotate `nb_inscrits` and `nb_attente` (one query for the whole list)."""
    return seances.annotate(
        nb_inscrits=Count("inscriptions", filter=Q(inscriptions__statut=INSCRIT), distinct=True),
        nb_attente=Count("inscriptions", filter=Q(inscriptions__statut=ATTENTE), distinct=True),
    )


def lundi_de(jour: datetime.date) -> datetime.date:
    return jour - datetime.timedelta(days=jour.weekday())


def bornes_de_la_semaine(lundi: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Monday 00:00 to next Monday 00:00, Europe/Paris (aware)."""
    debut = timezone.make_aware(datetime.datetime.combine(lundi, datetime.time()))
    fin = timezone.make_aware(datetime.datetime.combine(lundi + datetime.timedelta(days=7), datetime.time()))
    return debut, fin


def seances_de_la_semaine(*, lieu_id: int, lundi: datetime.date, mediateur_id: int | None = None) -> list[Seance]:
    """The place's sessions (cancelled ones included) from Monday to Sunday, with their counts,
    workshop, itinerant commune and mediators: two queries."""
    debut, fin = bornes_de_la_semaine(lundi)
    seances = Seance.objects.filter(lieu_id=lieu_id, debut__gte=debut, debut__lt=fin)
    if mediateur_id is not None:
        seances = seances.filter(mediateurs__pk=mediateur_id)
    return list(
        avec_comptes(seances)
        .select_related("atelier", "commune")
        .prefetch_related(Prefetch("mediateurs", queryset=User.objects.order_by("last_name", "first_name")))
        .order_by("debut", "pk")
    )


def jours_de_la_semaine(lundi: datetime.date, seances: list[Seance], maintenant=None) -> list[dict]:
    """Seven days, each with its sessions (and their status), in order."""
    maintenant = maintenant or timezone.now()
    aujourd_hui = timezone.localdate(maintenant)
    jours = []
    for decalage in range(7):
        jour = lundi + datetime.timedelta(days=decalage)
        du_jour = [s for s in seances if timezone.localdate(s.debut) == jour]
        for s in du_jour:
            s.etat = statut_de(s, maintenant)
        jours.append({"date": jour, "seances": du_jour, "aujourd_hui": jour == aujourd_hui})
    return jours


def seances_de_l_atelier(atelier, *, a_venir: bool, maintenant=None) -> QuerySet[Seance]:
    """A workshop's sessions, upcoming (soonest first) or past (latest first), with counts."""
    maintenant = maintenant or timezone.now()
    seances = avec_comptes(atelier.seances.all()).select_related("commune")
    if a_venir:
        return seances.filter(debut__gte=maintenant - datetime.timedelta(hours=8)).order_by("debut", "pk")
    return seances.filter(debut__lt=maintenant - datetime.timedelta(hours=8)).order_by("-debut", "-pk")


# --- Who may run a session, and when they are busy --------------------------------------


@dataclass(frozen=True)
class Chevauchement:
    debut: datetime.datetime  # of the session being programmed
    seance: Seance  # the existing session
    mediateurs: tuple[str, ...]  # the names of the mediators busy in both


def animateurs_possibles(lieu_id: int) -> list[User]:
    """The active members of the place who may run a session (responsable, médiateur·rices)."""
    ids = Membership.objects.active().filter(organisation_id=lieu_id, role__in=rules.ROLES_LIEU).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "email"))


def chevauchements(
    *, debuts: Sequence[datetime.datetime], duree_minutes: int, mediateur_ids, exclure_pk=None
) -> list[Chevauchement]:
    """Maintained sessions of these mediators (any place) overlapping one of the slots. Two
    queries whatever the number of slots."""
    ids = {int(i) for i in mediateur_ids}
    if not debuts or not ids:
        return []
    duree = datetime.timedelta(minutes=duree_minutes)
    existantes = (
        Seance.objects.maintenues()
        .filter(
            mediateurs__in=ids,
            debut__gt=min(debuts) - datetime.timedelta(minutes=DUREE_MAX_MINUTES),
            debut__lt=max(debuts) + duree,
        )
        .exclude(pk=exclure_pk)
        .distinct()
        .select_related("atelier", "lieu", "commune")
        .prefetch_related("mediateurs")
        .order_by("debut", "pk")
    )
    trouves = []
    for seance in existantes:
        communs = tuple(str(u) for u in seance.mediateurs.all() if u.pk in ids)
        for debut in debuts:
            if seance.debut < debut + duree and debut < seance.fin:
                trouves.append(Chevauchement(debut=debut, seance=seance, mediateurs=communs))
    return sorted(trouves, key=lambda c: (c.debut, c.seance.debut, c.seance.pk))


# --- One session's page ----------------------------------------------------------------------


def inscriptions_de(seance: Seance) -> list[Inscription]:
    """The session's registrations but the withdrawn ones: registered first, then the waiting
    list, each by name. One query."""
    ordre = Case(When(statut=INSCRIT, then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(
        seance.inscriptions.exclude(statut=DESINSCRIT)
        .select_related("beneficiaire", "beneficiaire__commune")
        .order_by(ordre, "beneficiaire__nom", "beneficiaire__prenom", "pk")
    )


def cheques_par_inscription(seance: Seance) -> dict[int, list[PresenceCheque]]:
    """inscription id → the cheques taken at its roll-call (with encaissement and cheque). One query."""
    par_inscription: dict[int, list[PresenceCheque]] = {}
    liens = PresenceCheque.objects.filter(inscription__seance=seance).select_related("encaissement__cheque")
    for lien in liens.order_by("cree_le", "pk"):
        par_inscription.setdefault(lien.inscription_id, []).append(lien)
    return par_inscription


def feuille_courante(seance: Seance):
    return seance.feuilles.filter(remplacee_le__isnull=True).first()
