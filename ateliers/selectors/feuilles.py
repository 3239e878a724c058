"""Reads of the signed attendance sheets: a session's sheets, one sheet to download, and the
sessions past their end that still have no sheet (for the place and the coordinators)."""

from dataclasses import dataclass, field

from django.db.models import Count, DateTimeField, Exists, F, Func, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from comptes.models import Membership
from structures.models import Lieu

from .. import rules
from ..models import FeuilleEmargement, Inscription, Seance
from .portee import seances_visibles

INSCRIT = Inscription.Statut.INSCRIT


class FinDeSeance(Func):
    """`debut + duree_minutes` minutes, computed by the database (Django has no rule for
    integer × duration): an interval on PostgreSQL, datetime() on SQLite (where datetimes are
    UTC text, compared as text)."""

    output_field = DateTimeField()

    def __init__(self):
        super().__init__(F("debut"), F("duree_minutes"))

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s * INTERVAL '1 minute')", arg_joiner=" + "
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="datetime(%(expressions)s || ' minutes')", arg_joiner=", '+' || "
        )


@dataclass
class FeuillesDeLaSeance:
    courante: FeuilleEmargement | None = None
    anciennes: list[FeuilleEmargement] = field(default_factory=list)


def feuilles_de(seance: Seance) -> FeuillesDeLaSeance:
    """The current sheet and the replaced ones (newest first), in one query. The caller has
    already checked that the session is visible."""
    resultat = FeuillesDeLaSeance()
    for feuille in seance.feuilles.select_related("deposee_par").order_by("-deposee_le", "-pk"):
        if feuille.remplacee_le is None:
            resultat.courante = feuille
        else:
            resultat.anciennes.append(feuille)
    return resultat


def get_feuille(seance: Seance, fpk) -> FeuilleEmargement:
    """A sheet of this (already scope-checked) session; another session's sheet is a 404."""
    found = FeuilleEmargement.objects.filter(seance=seance, pk=fpk).first()
    if found is None:
        raise Http404("Feuille d’émargement introuvable.")
    return found


def inscrits_non_pointes(seance: Seance) -> int:
    return seance.inscriptions.filter(statut=INSCRIT, presence="").count()


def _peut_voir_sans_feuille(par: Membership | None) -> bool:
    return rules.est_du_lieu(par) or rules.est_coordinateur(par)


def seances_sans_feuille(par: Membership | None, *, lieu_id: int | None = None) -> QuerySet[Seance]:
    """Sessions that ended, were not cancelled, had at least one registered person or walk-in,
    and have no signed sheet yet: the place's for its members, the département's for its
    coordinators (optionally one place). Oldest first."""
    if not _peut_voir_sans_feuille(par):
        return Seance.objects.none()
    maintenant = timezone.now()
    seances = seances_visibles(par).filter(annulee_le__isnull=True, verrouillee_le__isnull=True)
    if lieu_id is not None:
        seances = seances.filter(lieu_id=lieu_id)
    inscrits = Inscription.objects.filter(seance_id=OuterRef("pk"), statut=INSCRIT)
    return (
        seances.filter(debut__lt=maintenant)
        .alias(fin=FinDeSeance())
        .filter(fin__lte=maintenant)
        .filter(Q(participants_anonymes__gt=0) | Exists(inscrits))
        .order_by("debut", "pk")
    )


def seances_sans_feuille_a_lister(par: Membership | None, *, lieu_id: int | None = None) -> QuerySet[Seance]:
    """The same, with what the list shows (workshop, place, mediators, number registered)."""
    return (
        seances_sans_feuille(par, lieu_id=lieu_id)
        .select_related("atelier", "lieu", "commune")
        .prefetch_related("mediateurs")
        .annotate(nb_inscrits=Count("inscriptions", filter=Q(inscriptions__statut=INSCRIT)))
    )


def lieux_sans_feuille(par: Membership | None) -> QuerySet[Lieu]:
    """The places that have sessions without a sheet (the coordinator's filter)."""
    return Lieu.objects.filter(pk__in=seances_sans_feuille(par).values("lieu_id")).order_by("nom", "pk").only("nom")


def nombre_sans_feuille(par: Membership | None) -> int:
    """How many sessions wait for their signed sheet (one COUNT query; 0 for other roles)."""
    if not _peut_voir_sans_feuille(par):
        return 0
    return seances_sans_feuille(par).count()
