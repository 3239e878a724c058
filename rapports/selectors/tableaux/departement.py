"""The département's dashboard (coordinateur, lecteur)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import dateformat

from ateliers.models import Seance
from ateliers.selectors.activite import PARIS, libelle_mois
from ateliers.selectors.feuilles import nombre_sans_feuille
from beneficiaires.models import Beneficiaire
from comptes.models import Membership, Role
from pass_numerique.models import Bordereau, Carnet, Cheque, Dispositif, LigneBordereau

from ...contenu import Graphique, Serie
from .periodes import ENCAISSES, ZERO, Reperes, mois_de, reperes


@dataclass
class LigneMois:
    mois: datetime.date
    remis: int = 0
    encaisses: int = 0

    @property
    def libelle(self) -> str:
        return libelle_mois(self.mois)


@dataclass
class LieuEncaissement:
    lieu_id: int
    nom: str
    commune: str
    latitude: float | None
    longitude: float | None
    nombre: int
    montant: Decimal


@dataclass
class StockPrescripteur:
    nom: str
    carnets_en_stock: int
    cheques_en_stock: int
    carnets_remis_annee: int
    cheques_remis_annee: int


@dataclass
class TableauDepartement:
    annee: int
    dispositifs_actifs: int
    cheques: dict  # remis, encaisses, valeur_encaissee (this year)
    personnes_suivies: int
    seances_du_mois: int
    bordereaux: dict  # nombre, montant (à valider)
    sans_feuille: int
    mois: list[LigneMois]
    lieux: list[LieuEncaissement]
    stocks: list[StockPrescripteur]

    @property
    def graphique(self) -> Graphique:
        categories = [dateformat.format(m.mois, "N y") for m in self.mois]
        return Graphique(
            cle="cheques-par-mois",
            titre="Chèques remis et encaissés par mois, sur les 12 derniers mois",
            categories=categories,
            series=[
                Serie("Chèques remis", [m.remis for m in self.mois]),
                Serie("Chèques encaissés", [m.encaisses for m in self.mois]),
            ],
            tableau="cheques-par-mois",
            unite="chèques",
        )

    @property
    def lieux_sur_la_carte(self) -> list[dict]:
        """The data of the map (json_script): places with a position."""
        return [
            {"nom": li.nom, "lat": li.latitude, "lng": li.longitude, "nombre": li.nombre}
            for li in self.lieux
            if li.latitude is not None and li.longitude is not None
        ]

    @property
    def total_lieux(self) -> tuple[int, Decimal]:
        return sum(li.nombre for li in self.lieux), sum((li.montant for li in self.lieux), ZERO)


def comme_la_coordination(par: Membership) -> Membership:
    """The lecteur reads the coordination's figures: an unsaved coordinateur membership of the
    same team, only passed to read-only selectors (never saved, never put on a request)."""
    if par.role == Role.COORDINATEUR:
        return par
    return Membership(user_id=par.user_id, organisation=par.organisation, role=Role.COORDINATEUR, is_active=True)


def tableau_departement(par: Membership, *, maintenant: datetime.datetime | None = None) -> TableauDepartement:
    r = reperes(maintenant)
    dep = par.organisation.departement_id
    cheques = Cheque.objects.filter(departement_id=dep)
    encaisse_annee = Q(statut__in=ENCAISSES, encaisse_le__gte=r.annee)
    chiffres = cheques.aggregate(
        remis=Count("pk", filter=Q(carnet__remis_le__gte=r.annee)),
        encaisses=Count("pk", filter=encaisse_annee),
        valeur_encaissee=Sum("valeur", filter=encaisse_annee),
    )
    chiffres["valeur_encaissee"] = chiffres["valeur_encaissee"] or ZERO
    a_valider = Bordereau.objects.filter(departement_id=dep, statut=Bordereau.Statut.A_VALIDER).aggregate(
        nombre=Count("pk", distinct=True),
        montant=Sum("lignes__montant", filter=~Q(lignes__statut=LigneBordereau.Statut.REJETEE)),
    )
    a_valider["montant"] = a_valider["montant"] or ZERO
    return TableauDepartement(
        annee=r.annee.year,
        dispositifs_actifs=Dispositif.objects.filter(departement_id=dep).actifs(jour=r.jour).count(),
        cheques=chiffres,
        personnes_suivies=Beneficiaire.objects.actifs().filter(departement_id=dep).count(),
        seances_du_mois=Seance.objects.filter(
            lieu__departement_id=dep, annulee_le__isnull=True, debut__gte=r.mois, debut__lt=_mois_suivant(r.mois)
        ).count(),
        bordereaux=a_valider,
        sans_feuille=nombre_sans_feuille(comme_la_coordination(par)),
        mois=_par_mois(cheques, r),
        lieux=_encaissements_par_lieu(cheques, r),
        stocks=_stocks_par_prescripteur(dep, r),
    )


def _mois_suivant(debut: datetime.datetime) -> datetime.datetime:
    return datetime.datetime.combine(
        (debut.date() + datetime.timedelta(days=32)).replace(day=1), datetime.time.min, tzinfo=PARIS
    )


def _par_mois(cheques, r: Reperes) -> list[LigneMois]:
    """Cheques handed out and redeemed per month over the last 12 months (two GROUP BY)."""
    lignes = {m: LigneMois(m) for m in r.mois_du_graphique}
    debut = datetime.datetime.combine(r.premier_mois, datetime.time.min, tzinfo=PARIS)
    remis = (
        cheques.filter(carnet__remis_le__gte=debut)
        .annotate(m=TruncMonth("carnet__remis_le", tzinfo=PARIS))
        .order_by()
        .values("m")
        .annotate(n=Count("pk"))
    )
    encaisses = (
        cheques.filter(statut__in=ENCAISSES, encaisse_le__gte=debut)
        .annotate(m=TruncMonth("encaisse_le", tzinfo=PARIS))
        .order_by()
        .values("m")
        .annotate(n=Count("pk"))
    )
    for rang in remis:
        if (ligne := lignes.get(mois_de(rang["m"]))) is not None:
            ligne.remis += rang["n"]
    for rang in encaisses:
        if (ligne := lignes.get(mois_de(rang["m"]))) is not None:
            ligne.encaisses += rang["n"]
    return list(lignes.values())


def _encaissements_par_lieu(cheques, r: Reperes) -> list[LieuEncaissement]:
    """Cheques redeemed this year, per place (one GROUP BY), most redemptions first."""
    rangs = (
        cheques.filter(statut__in=ENCAISSES, encaisse_le__gte=r.annee)
        .order_by()
        .values(
            "lieu_encaissement_id",
            "lieu_encaissement__nom",
            "lieu_encaissement__commune",
            "lieu_encaissement__latitude",
            "lieu_encaissement__longitude",
        )
        .annotate(n=Count("pk"), montant=Sum("valeur"))
    )
    lieux = [
        LieuEncaissement(
            lieu_id=x["lieu_encaissement_id"],
            nom=x["lieu_encaissement__nom"],
            commune=x["lieu_encaissement__commune"],
            latitude=x["lieu_encaissement__latitude"],
            longitude=x["lieu_encaissement__longitude"],
            nombre=x["n"],
            montant=x["montant"] or ZERO,
        )
        for x in rangs
    ]
    return sorted(lieux, key=lambda li: (-li.nombre, li.nom, li.lieu_id))


def _stocks_par_prescripteur(dep: int, r: Reperes) -> list[StockPrescripteur]:
    """Per prescriber holding or having handed out booklets: booklets and cheques in stock
    (doté), handed out this year (one GROUP BY)."""
    en_stock = Q(statut=Carnet.Statut.DOTE)
    remis = Q(remis_le__gte=r.annee)
    rangs = (
        Carnet.objects.filter(departement_id=dep, organisme__isnull=False)
        .filter(en_stock | remis)
        .order_by()
        .values("organisme_id", "organisme__nom")
        .annotate(
            carnets_stock=Count("pk", filter=en_stock),
            cheques_stock=Sum("taille", filter=en_stock),
            carnets_remis=Count("pk", filter=remis),
            cheques_remis=Sum("taille", filter=remis),
        )
    )
    stocks = [
        StockPrescripteur(
            nom=x["organisme__nom"],
            carnets_en_stock=x["carnets_stock"],
            cheques_en_stock=x["cheques_stock"] or 0,
            carnets_remis_annee=x["carnets_remis"],
            cheques_remis_annee=x["cheques_remis"] or 0,
        )
        for x in rangs
    ]
    return sorted(stocks, key=lambda s: s.nom.casefold())
