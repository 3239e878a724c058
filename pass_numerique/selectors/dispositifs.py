"""Reads about dispositifs, scoped to the current membership.

The département's team (coordinateur, lecteur) sees its département's dispositifs; nobody else
sees them here (a prescriber sees its stock in selectors/stock.py). Out of scope means 404.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from comptes.models import Membership, Role
from prescripteurs.models import OrganismePrescripteur
from structures.models import Lieu

from ..models import Carnet, Cheque, Dispositif, Participation, Qualification


class Etat:
    A_VENIR, ACTIF, TERMINE, CLOS = "a_venir", "actif", "termine", "clos"
    LIBELLES = {A_VENIR: "À venir", ACTIF: "Actif", TERMINE: "Terminé", CLOS: "Clos"}


ETATS = (("", "Tous"), *Etat.LIBELLES.items())


def etat(dispositif: Dispositif, *, jour: datetime.date | None = None) -> str:
    jour = jour or timezone.localdate()
    if dispositif.clos_le is not None:
        return Etat.CLOS
    if jour < dispositif.debut:
        return Etat.A_VENIR
    if jour > dispositif.fin_encaissement:
        return Etat.TERMINE
    return Etat.ACTIF


def dispositifs_visibles(membership: Membership | None) -> QuerySet[Dispositif]:
    if membership is None or not membership.is_active or membership.role not in (Role.COORDINATEUR, Role.LECTEUR):
        return Dispositif.objects.none()
    return Dispositif.objects.filter(departement_id=membership.organisation.departement_id)


def get_dispositif(membership: Membership | None, pk) -> Dispositif:
    dispositif = dispositifs_visibles(membership).select_related("departement", "cree_par").filter(pk=pk).first()
    if dispositif is None:
        raise Http404("Dispositif introuvable.")
    return dispositif


def _compte(queryset) -> Subquery:
    return Coalesce(
        Subquery(queryset.order_by().values("dispositif").annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def liste(membership: Membership | None, *, etat_choisi: str = "", texte: str = "") -> QuerySet[Dispositif]:
    """The dispositifs with their counts (subqueries: one query whatever the number of rows)."""
    jour = timezone.localdate()
    dispositifs = dispositifs_visibles(membership).annotate(
        nb_lieux_qualifies=_compte(
            Qualification.objects.filter(dispositif=OuterRef("pk"), statut=Qualification.Statut.QUALIFIE)
        ),
        nb_participants=_compte(Participation.objects.filter(dispositif=OuterRef("pk"))),
        nb_carnets=_compte(Carnet.objects.filter(dispositif=OuterRef("pk"))),
    )
    texte = (texte or "").strip()
    if texte:
        dispositifs = dispositifs.filter(Q(nom__icontains=texte) | Q(reseau__icontains=texte))
    if etat_choisi == Etat.CLOS:
        dispositifs = dispositifs.filter(clos_le__isnull=False)
    elif etat_choisi == Etat.ACTIF:
        dispositifs = dispositifs.actifs(jour=jour)
    elif etat_choisi == Etat.A_VENIR:
        dispositifs = dispositifs.filter(clos_le__isnull=True, debut__gt=jour)
    elif etat_choisi == Etat.TERMINE:
        dispositifs = dispositifs.filter(clos_le__isnull=True, fin_encaissement__lt=jour)
    return dispositifs.order_by("-debut", "nom", "pk")


@dataclass
class LigneChiffre:
    statut: str
    libelle: str
    nombre: int
    valeur: Decimal


def chiffres(dispositif: Dispositif) -> dict:
    """Cheques and booklets by state (two grouped queries), value engaged and budget left."""
    par_statut = {
        ligne["statut"]: ligne
        for ligne in Cheque.objects.filter(dispositif=dispositif)
        .order_by()
        .values("statut")
        .annotate(n=Count("pk"), v=Sum("valeur"))
    }
    cheques = [
        LigneChiffre(
            statut,
            libelle,
            par_statut.get(statut, {}).get("n", 0),
            par_statut.get(statut, {}).get("v") or Decimal(0),
        )
        for statut, libelle in Cheque.Statut.choices
    ]
    carnets_par_statut = dict(
        Carnet.objects.filter(dispositif=dispositif).order_by().values_list("statut").annotate(n=Count("pk"))
    )
    carnets = [(libelle, carnets_par_statut.get(statut, 0)) for statut, libelle in Carnet.Statut.choices]
    total = sum(ligne.nombre for ligne in cheques)
    engage = sum((ligne.valeur for ligne in cheques if ligne.statut != Cheque.Statut.ANNULE), Decimal(0))
    return {
        "cheques": cheques,
        "carnets": carnets,
        "nb_cheques": total,
        "valeur_totale": sum((ligne.valeur for ligne in cheques), Decimal(0)),
        "montant_engage": engage,
        "budget_restant": max(dispositif.budget - engage, Decimal(0)),
    }


def qualifications(dispositif: Dispositif, *, statut: str = "", texte: str = "") -> QuerySet[Qualification]:
    resultat = Qualification.objects.filter(dispositif=dispositif).select_related("lieu", "decide_par")
    if statut in Qualification.Statut.values:
        resultat = resultat.filter(statut=statut)
    texte = (texte or "").strip()
    if texte:
        resultat = resultat.filter(
            Q(lieu__nom__icontains=texte) | Q(lieu__commune__icontains=texte) | Q(lieu__code_postal__startswith=texte)
        )
    return resultat.order_by("lieu__nom", "pk")


def lieux_du_departement(dispositif: Dispositif) -> QuerySet[Lieu]:
    """The places a decision can be about: the dispositif's département, open ones first."""
    return Lieu.objects.filter(departement_id=dispositif.departement_id).order_by("-est_actif", "nom", "pk")


def get_lieu_du_departement(dispositif: Dispositif, pk) -> Lieu:
    lieu = lieux_du_departement(dispositif).filter(pk=pk).first()
    if lieu is None:
        raise Http404("Lieu introuvable.")
    return lieu


def participations(dispositif: Dispositif) -> QuerySet[Participation]:
    return Participation.objects.filter(dispositif=dispositif).select_related("organisme").order_by("organisme__nom")


def organismes_du_departement(dispositif: Dispositif) -> QuerySet[OrganismePrescripteur]:
    return OrganismePrescripteur.objects.filter(departement_id=dispositif.departement_id).order_by("nom", "pk")


def organismes_ajoutables(dispositif: Dispositif) -> QuerySet[OrganismePrescripteur]:
    return (
        organismes_du_departement(dispositif)
        .filter(ferme_le__isnull=True)
        .exclude(participations__dispositif=dispositif)
    )


def organismes_participants(dispositif: Dispositif) -> QuerySet[OrganismePrescripteur]:
    return organismes_du_departement(dispositif).filter(participations__dispositif=dispositif)


def get_organisme_du_departement(dispositif: Dispositif, pk) -> OrganismePrescripteur:
    organisme = organismes_du_departement(dispositif).filter(pk=pk).first()
    if organisme is None:
        raise Http404("Organisme introuvable.")
    return organisme


def qualifications_actives_du_lieu(lieu: Lieu) -> QuerySet[Qualification]:
    """The active dispositifs a place is « qualifié » for (why it accepts the Pass numérique)."""
    return (
        Qualification.objects.filter(
            lieu=lieu, statut=Qualification.Statut.QUALIFIE, dispositif__in=Dispositif.objects.actifs()
        )
        .select_related("dispositif")
        .order_by("dispositif__nom")
    )
