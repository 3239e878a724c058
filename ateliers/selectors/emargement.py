"""The data of a session's registrations and roll-call, in a fixed number of queries whatever
the number of people: the registrations with their person and commune (one query), the cheques
taken at the roll-call and not given back, with their cheque (one query)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.http import Http404

from ..models import Inscription, PresenceCheque, Seance

S = Inscription.Statut


@dataclass
class FeuilleDAppel:
    """`inscrits` (alphabetical) and `attente` (in the order of the queue) carry `cheques_pris`,
    the list of their live PresenceCheque (with `encaissement.cheque`)."""

    seance: Seance
    inscrits: list = field(default_factory=list)
    attente: list = field(default_factory=list)
    cheques_par_inscription: dict = field(default_factory=dict)

    @property
    def presents(self) -> int:
        return sum(1 for i in self.inscrits if i.presence == Inscription.Presence.PRESENT)

    @property
    def pointes(self) -> int:
        return sum(1 for i in self.inscrits if i.presence)

    @property
    def cheques(self) -> int:
        return sum(len(c) for c in self.cheques_par_inscription.values())

    @property
    def places_libres(self) -> int:
        return max(self.seance.capacite - len(self.inscrits), 0)


def feuille_d_appel(seance: Seance) -> FeuilleDAppel:
    lignes = list(
        Inscription.objects.filter(seance=seance, statut__in=(S.INSCRIT, S.ATTENTE))
        .select_related("beneficiaire__commune")
        .order_by("beneficiaire__nom", "beneficiaire__prenom", "pk")
    )
    cheques = defaultdict(list)
    for lien in (
        PresenceCheque.objects.filter(inscription__seance=seance, encaissement__annule_le__isnull=True)
        .select_related("encaissement__cheque")
        .order_by("cree_le", "pk")
    ):
        cheques[lien.inscription_id].append(lien)
    feuille = FeuilleDAppel(seance=seance, cheques_par_inscription=dict(cheques))
    for inscription in lignes:
        inscription.seance = seance
        inscription.cheques_pris = cheques.get(inscription.pk, [])
        (feuille.inscrits if inscription.statut == S.INSCRIT else feuille.attente).append(inscription)
    feuille.attente.sort(key=lambda i: (i.cree_le, i.pk))
    return feuille


def contexte_inscriptions(seance: Seance) -> dict:
    """What the session page gives `ateliers/seances/_inscriptions.html`: `inscriptions`,
    `attente` and `cheques_par_inscription` (two queries)."""
    feuille = feuille_d_appel(seance)
    return {
        "inscriptions": feuille.inscrits,
        "attente": feuille.attente,
        "cheques_par_inscription": feuille.cheques_par_inscription,
    }


def get_inscription_de_la_seance(seance: Seance, pk) -> Inscription:
    """A registration of this very session (any status), else 404."""
    found = Inscription.objects.select_related("beneficiaire").filter(seance=seance, pk=pk).first()
    if found is None:
        raise Http404("Inscription introuvable.")
    found.seance = seance
    return found
