"""Reads about carnets and cheques for opposition and for the unused value of dispositifs.
Scoped: a coordinateur sees the booklets of the département, a référent or an agent those of
their organisation (in stock or handed out by it). Out of scope is a 404."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from comptes.models import Membership, Role

from .. import codes
from ..models import Carnet, Cheque, Dispositif

S = Cheque.Statut
_NUMERO = re.compile(r"^(?:n\s*°|no\.?|n\.?)?\s*(\d{1,12})$", re.IGNORECASE)


def carnets_opposables(par: Membership | None) -> QuerySet[Carnet]:
    if par is None:
        return Carnet.objects.none()
    if par.role == Role.COORDINATEUR:
        return Carnet.objects.filter(departement_id=par.organisation.departement_id)
    if par.role in (Role.REFERENT, Role.AGENT):
        return Carnet.objects.filter(organisme_id=par.organisation_id)
    return Carnet.objects.none()


def rechercher_carnets(par: Membership | None, texte: str) -> QuerySet[Carnet]:
    """Booklets matching a booklet number, a cheque's serial number or a cheque's code (as
    printed, with or without the dash), within the membership's scope."""
    texte = (texte or "").strip()
    conditions = Q(pk__in=[])
    try:
        code = codes.normaliser(texte)
    except codes.CodeInvalide:
        code = ""
    if code:
        conditions |= Q(pk__in=Cheque.objects.filter(code=code).values("carnet_id"))
    numero = _NUMERO.match(texte)
    if numero:
        n = int(numero.group(1))
        conditions |= Q(numero=n) | Q(pk__in=Cheque.objects.filter(numero_serie=n).values("carnet_id"))
    if not code and not numero:
        return Carnet.objects.none()
    return (
        carnets_opposables(par)
        .filter(conditions)
        .select_related("dispositif", "organisme")
        .annotate(
            nb_annulables=Count("cheques", filter=Q(cheques__statut__in=[S.GENERE, S.DOTE, S.REMIS])),
        )
        .order_by("numero")[:20]
    )


def get_carnet_opposable(par: Membership | None, pk) -> Carnet:
    found = carnets_opposables(par).select_related("dispositif", "organisme", "departement").filter(pk=pk).first()
    if found is None:
        raise Http404("Carnet introuvable.")
    return found


def cheques_du_carnet(carnet: Carnet) -> list[Cheque]:
    return list(carnet.cheques.select_related("lieu_encaissement").order_by("rang"))


# --- unused value per dispositif ------------------------------------------------------------


@dataclass
class Montant:
    nombre: int = 0
    valeur: Decimal = Decimal("0.00")

    def ajouter(self, nombre: int, valeur) -> None:
        self.nombre += nombre
        self.valeur += Decimal(valeur or 0)


@dataclass
class Valeurs:
    """A dispositif's cheques by fate. `non_utilisee` = expired + cancelled: value that will
    never be spent; `en_circulation` = handed out, not redeemed yet; `jamais_distribuee` = stock."""

    dispositif: Dispositif
    jamais_distribuee: Montant = field(default_factory=Montant)
    en_circulation: Montant = field(default_factory=Montant)
    encaissee: Montant = field(default_factory=Montant)
    remboursee: Montant = field(default_factory=Montant)
    expiree: Montant = field(default_factory=Montant)
    annulee: Montant = field(default_factory=Montant)

    @property
    def non_utilisee(self) -> Montant:
        total = Montant()
        for part in (self.expiree, self.annulee):
            total.ajouter(part.nombre, part.valeur)
        return total

    @property
    def total(self) -> Montant:
        total = Montant()
        for part in (
            self.jamais_distribuee,
            self.en_circulation,
            self.encaissee,
            self.remboursee,
            self.expiree,
            self.annulee,
        ):
            total.ajouter(part.nombre, part.valeur)
        return total


_RUBRIQUE = {
    S.GENERE: "jamais_distribuee",
    S.DOTE: "jamais_distribuee",
    S.REMIS: "en_circulation",
    S.ENCAISSE: "encaissee",
    S.REMBOURSE: "remboursee",
    S.EXPIRE: "expiree",
    S.ANNULE: "annulee",
}


def valeur_par_dispositif(departement_id: int) -> list[Valeurs]:
    """Every dispositif of the département with its cheques' count and value by fate. Two
    queries (the dispositifs, one GROUP BY over the cheques)."""
    resultats = {d.pk: Valeurs(dispositif=d) for d in Dispositif.objects.filter(departement_id=departement_id)}
    lignes = (
        Cheque.objects.filter(departement_id=departement_id)
        .values("dispositif_id", "statut")
        .annotate(nombre=Count("pk"), valeur=Sum("valeur"))
        .order_by()
    )
    for ligne in lignes:
        valeurs = resultats.get(ligne["dispositif_id"])
        if valeurs is not None:
            getattr(valeurs, _RUBRIQUE[ligne["statut"]]).ajouter(ligne["nombre"], ligne["valeur"])
    return list(resultats.values())
