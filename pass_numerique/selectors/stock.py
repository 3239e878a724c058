"""Stocks of booklets: the département's (« généré ») and each prescriber's (« doté »).

Counts and booklet number ranges come from one query each (the numbers are read in order and
folded into ranges in Python: a département holds at most tens of thousands of booklets).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.http import Http404

from comptes.models import Membership, Role
from prescripteurs.models import OrganismePrescripteur

from ..models import Carnet, Dispositif, Participation

C = Carnet.Statut


def plages(numeros: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted numbers → contiguous ranges: [1, 2, 3, 7, 9, 10] → [(1, 3), (7, 7), (9, 10)]."""
    resultat: list[list[int]] = []
    for numero in numeros:
        if resultat and numero == resultat[-1][1] + 1:
            resultat[-1][1] = numero
        elif not resultat or numero > resultat[-1][1]:
            resultat.append([numero, numero])
    return [(debut, fin) for debut, fin in resultat]


def texte_plages(intervalles: list[tuple[int, int]], *, limite: int = 6) -> str:
    """[(1, 3), (7, 7)] → « n° 1 à 3, 7 »; beyond `limite` ranges, « … et N autres plages »."""
    if not intervalles:
        return "—"
    morceaux = [str(debut) if debut == fin else f"{debut} à {fin}" for debut, fin in intervalles[:limite]]
    reste = len(intervalles) - limite
    suite = f" et {reste} autre{'s' if reste > 1 else ''} plage{'s' if reste > 1 else ''}" if reste > 0 else ""
    return "n° " + ", ".join(morceaux) + suite


@dataclass
class Stock:
    nb_carnets: int = 0
    nb_cheques: int = 0
    numeros: list[int] = field(default_factory=list)

    def ajouter(self, numero: int, taille: int) -> None:
        self.nb_carnets += 1
        self.nb_cheques += taille
        self.numeros.append(numero)

    @property
    def plages(self) -> list[tuple[int, int]]:
        return plages(self.numeros)

    @property
    def texte_plages(self) -> str:
        return texte_plages(self.plages)


def stock_departement(dispositif: Dispositif) -> dict[int, Stock]:
    """The département's stock of a dispositif, by booklet size: {taille: Stock} (one query)."""
    stocks: dict[int, Stock] = {}
    lignes = (
        Carnet.objects.filter(dispositif=dispositif, statut=C.GENERE).order_by("numero").values_list("taille", "numero")
    )
    for taille, numero in lignes:
        stocks.setdefault(taille, Stock()).ajouter(numero, taille)
    return dict(sorted(stocks.items()))


@dataclass
class StockOrganisme:
    organisme: OrganismePrescripteur
    stock: Stock
    nb_remis: int = 0


def stock_par_organisme(dispositif: Dispositif) -> list[StockOrganisme]:
    """Every participating prescriber with its stock of the dispositif and how many booklets it
    handed out (three queries whatever the number of prescribers)."""
    lignes = {
        p.organisme_id: StockOrganisme(p.organisme, Stock())
        for p in Participation.objects.filter(dispositif=dispositif)
        .select_related("organisme")
        .order_by("organisme__nom", "pk")
    }
    carnets = (
        Carnet.objects.filter(dispositif=dispositif, statut=C.DOTE)
        .order_by("numero")
        .values_list("organisme_id", "numero", "taille")
    )
    for organisme_id, numero, taille in carnets:
        if organisme_id not in lignes:  # booklets kept by an organisation that left: show it too
            lignes[organisme_id] = StockOrganisme(OrganismePrescripteur.objects.get(pk=organisme_id), Stock())
        lignes[organisme_id].stock.ajouter(numero, taille)
    remis = (
        Carnet.objects.filter(dispositif=dispositif, statut=C.REMIS, organisme__isnull=False)
        .order_by()
        .values_list("organisme_id")
        .annotate(n=Count("pk"))
    )
    for organisme_id, nombre in remis:
        if organisme_id in lignes:
            lignes[organisme_id].nb_remis = nombre
    return list(lignes.values())


@dataclass
class StockDispositif:
    dispositif: Dispositif
    stock: Stock


def stock_organisme(organisme: OrganismePrescripteur) -> list[StockDispositif]:
    """An organisation's unused booklets, by dispositif (one query)."""
    resultat: dict[int, StockDispositif] = {}
    for carnet in (
        Carnet.objects.filter(organisme=organisme, statut=C.DOTE)
        .select_related("dispositif")
        .order_by("dispositif__debut", "dispositif_id", "numero")
        .only("numero", "taille", "dispositif")
    ):
        ligne = resultat.setdefault(carnet.dispositif_id, StockDispositif(carnet.dispositif, Stock()))
        ligne.stock.ajouter(carnet.numero, carnet.taille)
    return list(resultat.values())


def carnets_en_stock(organisme: OrganismePrescripteur, dispositif: Dispositif | None = None) -> QuerySet[Carnet]:
    carnets = Carnet.objects.filter(organisme=organisme, statut=C.DOTE)
    if dispositif is not None:
        carnets = carnets.filter(dispositif=dispositif)
    return carnets.order_by("numero")


def organisme_du_stock(membership: Membership | None) -> OrganismePrescripteur:
    """The prescriber whose stock the member (référent or agent) sees; 404 for anyone else."""
    if membership is None or not membership.is_active or membership.role not in (Role.REFERENT, Role.AGENT):
        raise Http404("Stock introuvable.")
    organisme = OrganismePrescripteur.objects.filter(pk=membership.organisation_id).first()
    if organisme is None:
        raise Http404("Stock introuvable.")
    return organisme


def dispositifs_du_stock(organisme: OrganismePrescripteur) -> QuerySet[Dispositif]:
    """The dispositifs an organisation holds booklets of (for the return form)."""
    return Dispositif.objects.filter(carnets__organisme=organisme, carnets__statut=C.DOTE).distinct().order_by("nom")


def get_dispositif_du_stock(organisme: OrganismePrescripteur, pk) -> Dispositif:
    dispositif = dispositifs_du_stock(organisme).filter(pk=pk).first()
    if dispositif is None:
        raise Http404("Dispositif introuvable dans votre stock.")
    return dispositif


def carnets_a_retourner(organisme: OrganismePrescripteur, dispositif: Dispositif, *, du: int, au: int) -> list[Carnet]:
    """The organisation's unused booklets of `dispositif` numbered from `du` to `au`."""
    return list(carnets_en_stock(organisme, dispositif).filter(numero__gte=du, numero__lte=au))


def get_carnets_du_stock(organisme: OrganismePrescripteur, ids: Iterable) -> list[Carnet]:
    """Booklets chosen by id among the organisation's unused ones: 404 if any is not there
    (another organisation's booklet is never revealed)."""
    ids = {str(i) for i in ids}
    if not all(i.isdigit() for i in ids):
        raise Http404("Carnet introuvable dans votre stock.")
    ids = {int(i) for i in ids}
    carnets = list(carnets_en_stock(organisme).filter(pk__in=ids))
    if len(carnets) != len(ids):
        raise Http404("Carnet introuvable dans votre stock.")
    return carnets
