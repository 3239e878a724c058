"""Activity figures of a place, or of one of its mediators, month by month (Europe/Paris).

Definitions (the page and the CSV export say the same):

- **séances tenues**: sessions of the place that are not cancelled and have started (début ≤
  now), in the month of their start; with a mediator, the sessions they run (`mediateurs`).
- **heures délivrées**: the sum of the durations of the sessions held that had at least one
  person marked présent·e or at least one walk-in (participants_anonymes): a session nobody
  came to delivers nothing. One session's hours count once, whatever the number of people.
- **participant·es**: distinct people marked présent·e at least once in the month; over the
  whole period, distinct people over the period (never the sum of the months).
- **venu·es sans inscription**: the walk-ins counted on the sessions held (anonymous, never in
  the participants).
- **présences**: roll-call marks « présent·e » on the sessions held.
- **thèmes**: for each theme, the number of sessions held whose workshop has it (a session
  with two themes counts for both).
- **chèques à l’émargement**: cheques taken at the roll-call of the sessions held (PresenceCheque
  whose Encaissement is not undone, `annule_le` empty), in the month of the session.
- **chèques encaissés par le lieu**: every redemption by the place (page, API or roll-call) not
  undone, in the month of the redemption; with a mediator, those they made themselves.

Five aggregate queries (GROUP BY month) whatever the number of sessions, people or cheques.
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import dateformat, timezone

from comptes.models import Membership, Role
from pass_numerique.models import Encaissement
from structures.models import Lieu

from .. import rules
from ..models import Inscription, PresenceCheque, Seance
from ..themes import Theme

PARIS = zoneinfo.ZoneInfo(settings.TIME_ZONE)
MOIS_PAR_DEFAUT = 12
MOIS_MAX = 36
RE_MOIS = re.compile(r"(\d{4})-(\d{1,2})")
ANNEE_MIN, ANNEE_MAX = 2000, 2100


def libelle_mois(mois: datetime.date) -> str:
    """« janvier 2025 » (the active language, French by default)."""
    return dateformat.format(mois, "F Y")


# --- Who sees which place -------------------------------------------------------------------


def peut_voir_activite(par: Membership | None) -> bool:
    """A place's members (their place), the département's coordinators and lecteurs (any place
    of the département, named with ?lieu=)."""
    if rules.est_du_lieu(par):
        return True
    return par is not None and par.is_active and par.role in (Role.COORDINATEUR, Role.LECTEUR)


def get_lieu_de_l_activite(par: Membership | None, lieu_id=None) -> Lieu:
    """The place whose figures `par` reads: its own for a member (another id is a 404), the one
    named for the département's staff (none, or another département's, is a 404)."""
    if rules.est_du_lieu(par):
        if lieu_id not in (None, "") and str(lieu_id) != str(par.organisation_id):
            raise Http404("Lieu introuvable.")
        return Lieu.objects.select_related("departement").get(pk=par.organisation_id)
    if not peut_voir_activite(par) or not str(lieu_id or "").isdigit():
        raise Http404("Lieu introuvable.")
    lieu = (
        Lieu.objects.select_related("departement")
        .filter(pk=int(lieu_id), departement_id=par.organisation.departement_id)
        .first()
    )
    if lieu is None:
        raise Http404("Lieu introuvable.")
    return lieu


def membres_du_lieu(lieu: Lieu):
    """The place's members, current and former (a former mediator's figures are history)."""
    return (
        Membership.objects.filter(organisation_id=lieu.pk, role__in=rules.ROLES_LIEU)
        .select_related("user")
        .order_by("-is_active", "user__last_name", "user__first_name", "user__email")
    )


# --- The period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Periode:
    debut: datetime.date  # first day of the first month
    fin: datetime.date  # first day of the last month

    @property
    def mois(self) -> list[datetime.date]:
        resultat, mois = [], self.debut
        while mois <= self.fin:
            resultat.append(mois)
            mois = _mois_suivant(mois)
        return resultat

    @property
    def bornes(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware datetimes in Europe/Paris."""
        fin = _mois_suivant(self.fin)
        return (
            datetime.datetime(self.debut.year, self.debut.month, 1, tzinfo=PARIS),
            datetime.datetime(fin.year, fin.month, 1, tzinfo=PARIS),
        )

    @property
    def libelle(self) -> str:
        if self.debut == self.fin:
            return libelle_mois(self.debut)
        return f"de {libelle_mois(self.debut)} à {libelle_mois(self.fin)}"

    @property
    def parametres(self) -> dict:
        return {"du": f"{self.debut:%Y-%m}", "au": f"{self.fin:%Y-%m}"}


def _mois_suivant(mois: datetime.date) -> datetime.date:
    return datetime.date(mois.year + mois.month // 12, mois.month % 12 + 1, 1)


def _decaler(mois: datetime.date, n: int) -> datetime.date:
    rang = mois.year * 12 + mois.month - 1 + n
    return datetime.date(rang // 12, rang % 12 + 1, 1)


def lire_mois(texte: str) -> datetime.date:
    """'2025-03' → 1 March 2025; a French message for anything else."""
    correspondance = RE_MOIS.fullmatch((texte or "").strip())
    if not correspondance:
        raise ValidationError("Indiquez un mois sous la forme AAAA-MM, par exemple 2025-03.", code="format")
    annee, mois = int(correspondance[1]), int(correspondance[2])
    if not 1 <= mois <= 12:
        raise ValidationError(f"Le mois {mois} n’existe pas : indiquez un mois entre 01 et 12.", code="mois")
    if not ANNEE_MIN <= annee <= ANNEE_MAX:
        raise ValidationError(f"Indiquez une année entre {ANNEE_MIN} et {ANNEE_MAX}.", code="annee")
    return datetime.date(annee, mois, 1)


def periode_depuis(du: str = "", au: str = "", *, aujourd_hui: datetime.date | None = None) -> Periode:
    """The period asked (`du`, `au` as AAAA-MM, both optional). Default: the last 12 months,
    the current one included; `du` alone runs to the current month (or 12 months if that is
    shorter than `du`), `au` alone starts 11 months before it. Raises a ValidationError keyed by
    field, in French."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    courant = aujourd_hui.replace(day=1)
    erreurs = {}
    debut = fin = None
    for nom, texte in (("du", du), ("au", au)):
        if texte:
            try:
                valeur = lire_mois(texte)
            except ValidationError as exc:
                erreurs[nom] = exc.messages
            else:
                debut, fin = (valeur, fin) if nom == "du" else (debut, valeur)
    if erreurs:
        raise ValidationError(erreurs)
    if debut is None and fin is None:
        fin = courant
    if fin is None:
        fin = courant if courant >= debut else _decaler(debut, MOIS_PAR_DEFAUT - 1)
    if debut is None:
        debut = _decaler(fin, -(MOIS_PAR_DEFAUT - 1))
    if fin < debut:
        raise ValidationError({"au": ["Le mois de fin doit venir après le mois de début (ou être le même)."]})
    nombre = (fin.year - debut.year) * 12 + fin.month - debut.month + 1
    if nombre > MOIS_MAX:
        raise ValidationError({"au": [f"La période compte {nombre} mois : {MOIS_MAX} mois au plus. Réduisez-la."]})
    return Periode(debut=debut, fin=fin)


# --- The figures ----------------------------------------------------------------------------


@dataclass
class Chiffres:
    """One month's figures (or the period's: `mois` is None)."""

    mois: datetime.date | None = None
    seances: int = 0
    minutes: int = 0
    participants: int = 0
    anonymes: int = 0
    presences: int = 0
    cheques_emargement: int = 0
    cheques_lieu: int = 0
    themes: dict = field(default_factory=dict)  # theme value → sessions

    @property
    def heures(self) -> float:
        return self.minutes / 60

    @property
    def libelle(self) -> str:
        return libelle_mois(self.mois) if self.mois else "Total"


@dataclass
class Activite:
    lieu: Lieu
    periode: Periode
    mediateur: object | None  # a User, or None for the whole place
    mois: list[Chiffres]
    total: Chiffres

    @property
    def themes(self) -> list[tuple[str, str, int]]:
        """(value, label, sessions) of the themes met in the period, most frequent first."""
        return sorted(
            ((t.value, t.label, self.total.themes[t.value]) for t in Theme if self.total.themes.get(t.value)),
            key=lambda ligne: -ligne[2],
        )


def _mois_de(valeur) -> datetime.date:
    if isinstance(valeur, datetime.datetime):
        if timezone.is_aware(valeur):
            valeur = valeur.astimezone(PARIS)
        return valeur.date().replace(day=1)
    return valeur.replace(day=1)


def activite(*, lieu: Lieu, periode: Periode, mediateur=None, maintenant: datetime.datetime | None = None) -> Activite:
    """The figures of `lieu` (or of `mediateur`, one of its members) for each month of the
    period, and for the whole period. Five queries."""
    maintenant = maintenant or timezone.now()
    debut, fin = periode.bornes
    tenues = Seance.objects.filter(
        lieu_id=lieu.pk, annulee_le__isnull=True, debut__gte=debut, debut__lt=fin, debut__lte=maintenant
    )
    if mediateur is not None:
        tenues = tenues.filter(mediateurs=mediateur)
    presences = Inscription.objects.filter(presence=Inscription.Presence.PRESENT, seance__in=tenues.values("pk"))
    mois = {m: Chiffres(mois=m) for m in periode.mois}

    present = Inscription.objects.filter(seance=OuterRef("pk"), presence=Inscription.Presence.PRESENT)
    themes = {t.value: Count("pk", filter=Q(atelier__themes__contains=f"|{t.value}|")) for t in Theme}
    lignes = (
        tenues.annotate(m=TruncMonth("debut", tzinfo=PARIS))
        .values("m")
        .annotate(
            nb=Count("pk"),
            anonymes=Sum("participants_anonymes"),
            minutes=Sum("duree_minutes", filter=Q(Exists(present)) | Q(participants_anonymes__gt=0)),
            **{f"theme_{valeur}": compte for valeur, compte in themes.items()},
        )
        .order_by()
    )
    for ligne in lignes:
        chiffres = mois[_mois_de(ligne["m"])]
        chiffres.seances, chiffres.anonymes, chiffres.minutes = ligne["nb"], ligne["anonymes"], ligne["minutes"] or 0
        chiffres.themes = {t.value: ligne[f"theme_{t.value}"] for t in Theme if ligne[f"theme_{t.value}"]}

    for ligne in (
        presences.annotate(m=TruncMonth("seance__debut", tzinfo=PARIS))
        .values("m")
        .annotate(nb=Count("pk"), personnes=Count("beneficiaire_id", distinct=True))
        .order_by()
    ):
        chiffres = mois[_mois_de(ligne["m"])]
        chiffres.presences, chiffres.participants = ligne["nb"], ligne["personnes"]

    cheques = PresenceCheque.objects.filter(
        encaissement__annule_le__isnull=True, inscription__seance__in=tenues.values("pk")
    )
    for ligne in (
        cheques.annotate(m=TruncMonth("inscription__seance__debut", tzinfo=PARIS))
        .values("m")
        .annotate(nb=Count("pk"))
        .order_by()
    ):
        mois[_mois_de(ligne["m"])].cheques_emargement = ligne["nb"]

    encaissements = Encaissement.objects.filter(lieu_id=lieu.pk, annule_le__isnull=True, le__gte=debut, le__lt=fin)
    if mediateur is not None:
        encaissements = encaissements.filter(par=mediateur)
    par_mois = encaissements.annotate(m=TruncMonth("le", tzinfo=PARIS)).values("m").annotate(nb=Count("pk"))
    for ligne in par_mois.order_by():
        mois[_mois_de(ligne["m"])].cheques_lieu = ligne["nb"]

    total = Chiffres(
        seances=sum(c.seances for c in mois.values()),
        minutes=sum(c.minutes for c in mois.values()),
        participants=presences.aggregate(n=Count("beneficiaire_id", distinct=True))["n"],
        anonymes=sum(c.anonymes for c in mois.values()),
        presences=sum(c.presences for c in mois.values()),
        cheques_emargement=sum(c.cheques_emargement for c in mois.values()),
        cheques_lieu=sum(c.cheques_lieu for c in mois.values()),
        themes={t.value: sum(c.themes.get(t.value, 0) for c in mois.values()) for t in Theme},
    )
    return Activite(lieu=lieu, periode=periode, mediateur=mediateur, mois=list(mois.values()), total=total)


def activite_du_mois(lieu: Lieu, *, maintenant: datetime.datetime | None = None) -> Chiffres:
    """This month's figures of the place (its home page)."""
    maintenant = maintenant or timezone.now()
    courant = timezone.localtime(maintenant, PARIS).date().replace(day=1)
    return activite(lieu=lieu, periode=Periode(courant, courant), maintenant=maintenant).total
