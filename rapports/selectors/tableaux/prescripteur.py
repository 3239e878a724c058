"""The prescriber's dashboard (référent, agent): booklets and the parcours of the people followed."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q, Sum

from ateliers.models import Inscription
from ateliers.models.ateliers import DUREE_MAX_MINUTES
from ateliers.selectors.parcours import DELAI_ACTIVITE, LIBELLES_STATUT, Statut
from beneficiaires.models import Beneficiaire
from comptes.models import Membership
from pass_numerique.models import Carnet

from .periodes import reperes


@dataclass
class StockDispositif:
    dispositif: str
    carnets_en_stock: int
    cheques_en_stock: int
    carnets_remis_mois: int
    carnets_remis_annee: int


@dataclass
class TableauPrescripteur:
    stocks: list[StockDispositif]
    parcours: list[tuple[str, str, int]]  # (status, label, number of people)
    personnes: int

    @property
    def remis_mois(self) -> int:
        return sum(s.carnets_remis_mois for s in self.stocks)

    @property
    def remis_annee(self) -> int:
        return sum(s.carnets_remis_annee for s in self.stocks)

    @property
    def en_stock(self) -> int:
        return sum(s.carnets_en_stock for s in self.stocks)


def tableau_prescripteur(par: Membership, *, maintenant: datetime.datetime | None = None) -> TableauPrescripteur:
    r = reperes(maintenant)
    en_stock = Q(statut=Carnet.Statut.DOTE)
    mois, annee = Q(remis_le__gte=r.mois), Q(remis_le__gte=r.annee)
    rangs = (
        Carnet.objects.filter(organisme_id=par.organisation_id)
        .filter(en_stock | annee)
        .order_by()
        .values("dispositif_id", "dispositif__nom")
        .annotate(
            carnets_stock=Count("pk", filter=en_stock),
            cheques_stock=Sum("taille", filter=en_stock),
            remis_mois=Count("pk", filter=mois),
            remis_annee=Count("pk", filter=annee),
        )
    )
    stocks = sorted(
        (
            StockDispositif(
                x["dispositif__nom"], x["carnets_stock"], x["cheques_stock"] or 0, x["remis_mois"], x["remis_annee"]
            )
            for x in rangs
        ),
        key=lambda s: s.dispositif.casefold(),
    )
    suivies = Beneficiaire.objects.actifs().filter(suivis__organisme_id=par.organisation_id)
    comptes = statuts_de_parcours(suivies, maintenant=r.maintenant)
    ordre = (Statut.AUCUNE, Statut.INSCRIT, Statut.JAMAIS_VENU, Statut.COMMENCE, Statut.TERMINE)
    return TableauPrescripteur(
        stocks=stocks,
        parcours=[(s, LIBELLES_STATUT[s], comptes[s]) for s in ordre],
        personnes=sum(comptes.values()),
    )


def statuts_de_parcours(personnes, *, maintenant: datetime.datetime) -> dict[str, int]:
    """How many of `personnes` (a queryset of Beneficiaire) have each parcours status, by the
    rules of ateliers.selectors.parcours, computed for all at once: three queries (the people,
    one GROUP BY person over their registrations, the registrations to sessions running now)."""
    ids = list(personnes.values_list("pk", flat=True))
    comptee = Q(statut=Inscription.Statut.INSCRIT, seance__annulee_le__isnull=True)
    present = comptee & Q(presence=Inscription.Presence.PRESENT)
    rangs = (
        Inscription.objects.filter(beneficiaire_id__in=ids)
        .order_by()
        .values("beneficiaire_id")
        .annotate(
            comptees=Count("pk", filter=comptee),
            presences=Count("pk", filter=present),
            a_venir=Count("pk", filter=comptee & Q(seance__debut__gt=maintenant)),
            derniere=Max("seance__debut", filter=present),
        )
        .filter(comptees__gt=0)
    )
    # A session that has started and not ended yet is « to come » (see parcours.py).
    en_cours = {
        b
        for b, debut, duree in Inscription.objects.filter(
            comptee,
            beneficiaire_id__in=ids,
            seance__debut__lte=maintenant,
            seance__debut__gt=maintenant - datetime.timedelta(minutes=DUREE_MAX_MINUTES),
        ).values_list("beneficiaire_id", "seance__debut", "seance__duree_minutes")
        if debut + datetime.timedelta(minutes=duree) > maintenant
    }
    comptes = dict.fromkeys((Statut.AUCUNE, Statut.INSCRIT, Statut.JAMAIS_VENU, Statut.COMMENCE, Statut.TERMINE), 0)
    avec_inscription = 0
    for x in rangs:
        avec_inscription += 1
        a_venir = x["a_venir"] > 0 or x["beneficiaire_id"] in en_cours
        if not x["presences"]:
            comptes[Statut.INSCRIT if a_venir else Statut.JAMAIS_VENU] += 1
        elif a_venir or maintenant - x["derniere"] < DELAI_ACTIVITE:
            comptes[Statut.COMMENCE] += 1
        else:
            comptes[Statut.TERMINE] += 1
    comptes[Statut.AUCUNE] = len(ids) - avec_inscription
    return comptes
