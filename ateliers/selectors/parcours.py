"""A person's parcours: their registrations across sessions, places and dispositifs, the totals,
and a status in words so that the prescriber who sent the person knows whether to call back.

Vocabulary. A *registration* is an `Inscription` with statut « inscrit » to a session that is
not cancelled (waiting-list and unregistered rows, and cancelled sessions, are listed in the
history but never count). A session is *to come* while it has not ended (its end, début + durée,
is after now: a person sitting in a session whose roll-call is not done yet has not « come »
yet). A *presence* is the roll-call mark « présent·e » at a session that is not cancelled.

The STATUS (`Parcours.statut`, in this order):

1. no registration at all → « aucune séance »;
2. no presence and a registration to come → « inscrit·e, pas encore venu·e »;
3. no presence, nothing to come (registered only to sessions that are over) →
   « n’est jamais venu·e »;
4. presences, and a registration to come or the last presence (the session's date) less than
   30 days ago (DELAI_ACTIVITE) → « a commencé »;
5. presences, nothing to come, last presence 30 days ago or more → « a terminé (N séances) »,
   N being the number of sessions attended.

Totals: sessions attended (presences), hours (the durations of those sessions), distinct themes
of their workshops, cheques used (taken at the roll-call through PresenceCheque → Encaissement →
Cheque, an undone redemption not counted).

Who sees what (`parcours_de(beneficiaire, par)`): prescribers that follow the person and the
département's staff see every session; a place (its members) sees only its own sessions, and
the status those give. The callers have already checked that the membership sees the person
(`beneficiaires.selectors.get_beneficiaire_visible`). Cost: two queries whatever the number of
sessions (the registrations, then the cheques taken at them).
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from beneficiaires import rules as regles_beneficiaires
from comptes.models import Membership

from ..models import Inscription, PresenceCheque
from ..themes import Theme

DELAI_ACTIVITE = datetime.timedelta(days=30)
NB_DERNIERES = 5


class Statut:
    AUCUNE = "aucune"
    INSCRIT = "inscrit"
    JAMAIS_VENU = "jamais_venu"
    COMMENCE = "commence"
    TERMINE = "termine"


LIBELLES_STATUT = {
    Statut.AUCUNE: "aucune séance",
    Statut.INSCRIT: "inscrit·e, pas encore venu·e",
    Statut.JAMAIS_VENU: "n’est jamais venu·e",
    Statut.COMMENCE: "a commencé",
    Statut.TERMINE: "a terminé",
}


@dataclass
class SeanceDuParcours:
    """One row of the history: a registration and what came of it."""

    inscription: Inscription
    a_venir: bool
    cheques: list = field(default_factory=list)

    @property
    def seance(self):
        return self.inscription.seance

    @property
    def present(self) -> bool:
        return self.inscription.est_present and not self.seance.est_annulee

    @property
    def compte(self) -> bool:
        """A registration that counts for the status."""
        return self.inscription.statut == Inscription.Statut.INSCRIT and not self.seance.est_annulee

    @property
    def etat(self) -> str:
        """What became of the registration, in words."""
        inscription, seance = self.inscription, self.seance
        if seance.est_annulee:
            return "séance annulée"
        if inscription.statut != Inscription.Statut.INSCRIT:
            return inscription.get_statut_display().lower()
        if inscription.presence:
            return inscription.get_presence_display().lower()
        return "à venir" if self.a_venir else "présence non pointée"

    @property
    def themes(self) -> list[str]:
        return self.seance.atelier.themes_libelles

    @property
    def dispositifs(self) -> list[str]:
        """The workshop's dispositif, then those of the cheques taken (without repeats)."""
        noms = []
        if self.seance.atelier.dispositif_id:
            noms.append(self.seance.atelier.dispositif.nom)
        for cheque in self.cheques:
            if cheque.dispositif.nom not in noms:
                noms.append(cheque.dispositif.nom)
        return noms


@dataclass
class Parcours:
    seances: list[SeanceDuParcours]  # most recent first
    statut: str
    seances_suivies: int
    minutes: int
    themes: list[str]
    cheques: int
    derniere_presence: datetime.datetime | None
    limite_au_lieu: bool  # only the membership's place's sessions

    @property
    def libelle(self) -> str:
        if self.statut == Statut.TERMINE:
            return f"a terminé ({self.seances_suivies} séance{'s' if self.seances_suivies > 1 else ''})"
        return LIBELLES_STATUT[self.statut]

    @property
    def dernieres(self) -> list[SeanceDuParcours]:
        return self.seances[:NB_DERNIERES]

    @property
    def heures(self) -> float:
        return self.minutes / 60


def voit_parcours(par: Membership | None) -> bool:
    """Prescribers, the département's staff and places (their own sessions) see a parcours."""
    return regles_beneficiaires.voit_fiche_complete(par) or regles_beneficiaires.est_d_un_lieu(par)


def inscriptions_du_parcours(beneficiaire_id: int, par: Membership | None):
    qs = Inscription.objects.filter(beneficiaire_id=beneficiaire_id)
    if not voit_parcours(par):
        return qs.none()
    if regles_beneficiaires.est_d_un_lieu(par):
        qs = qs.filter(seance__lieu_id=par.organisation_id)
    return qs


def parcours_de(beneficiaire, par: Membership | None, *, maintenant: datetime.datetime | None = None) -> Parcours:
    """The parcours of a person (a Beneficiaire, or anything with its `pk`) as `par` may see it."""
    maintenant = maintenant or timezone.now()
    inscriptions = list(
        inscriptions_du_parcours(beneficiaire.pk, par)
        .select_related("seance__atelier__dispositif", "seance__lieu")
        .order_by("-seance__debut", "-pk")
    )
    cheques_par_inscription: dict[int, list] = {}
    if inscriptions:
        pris = (
            PresenceCheque.objects.filter(
                inscription__in=inscriptions_du_parcours(beneficiaire.pk, par), encaissement__annule_le__isnull=True
            )
            .select_related("encaissement__cheque__dispositif")
            .order_by("cree_le", "pk")
        )
        for lien in pris:
            cheques_par_inscription.setdefault(lien.inscription_id, []).append(lien.encaissement.cheque)
    lignes = [
        SeanceDuParcours(
            inscription=i, a_venir=i.seance.fin > maintenant, cheques=cheques_par_inscription.get(i.pk, [])
        )
        for i in inscriptions
    ]
    return resumer(lignes, maintenant=maintenant, limite_au_lieu=regles_beneficiaires.est_d_un_lieu(par))


def resumer(lignes: list[SeanceDuParcours], *, maintenant: datetime.datetime, limite_au_lieu: bool) -> Parcours:
    presentes = [ligne for ligne in lignes if ligne.present]
    comptees = [ligne for ligne in lignes if ligne.compte]
    a_venir = any(ligne.a_venir for ligne in comptees)
    derniere = max((ligne.seance.debut for ligne in presentes), default=None)
    if not comptees and not presentes:
        statut = Statut.AUCUNE
    elif not presentes:
        statut = Statut.INSCRIT if a_venir else Statut.JAMAIS_VENU
    elif a_venir or maintenant - derniere < DELAI_ACTIVITE:
        statut = Statut.COMMENCE
    else:
        statut = Statut.TERMINE
    themes = {valeur for ligne in presentes for valeur in ligne.seance.atelier.themes}
    return Parcours(
        seances=lignes,
        statut=statut,
        seances_suivies=len(presentes),
        minutes=sum(ligne.seance.duree_minutes for ligne in presentes),
        themes=[t.label for t in Theme if t.value in themes],
        cheques=sum(len(ligne.cheques) for ligne in lignes),
        derniere_presence=derniere,
        limite_au_lieu=limite_au_lieu,
    )
