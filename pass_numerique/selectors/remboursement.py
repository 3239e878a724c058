"""Reads for reimbursements, scoped: the département's staff see its bordereaux and places; a
place's members see their own. Out of scope is 404."""

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from comptes.models import Membership, Role
from structures.models import Lieu

from ..models import Bordereau, Cheque, CoordonneesBancaires, Dispositif, LigneBordereau
from ..services.iban import voit_iban_complet

ROLES_DEPARTEMENT = (Role.COORDINATEUR, Role.LECTEUR)
ROLES_LIEU = (Role.RESPONSABLE, Role.MEDIATEUR)
CENTIME = Decimal("0.01")


def _departement_id(par: Membership) -> int:
    return par.organisation.departement_id


def bordereaux_visibles(par: Membership | None) -> QuerySet[Bordereau]:
    if par is None or not par.is_active:
        return Bordereau.objects.none()
    if par.role in ROLES_DEPARTEMENT:
        return Bordereau.objects.filter(departement_id=_departement_id(par))
    if par.role in ROLES_LIEU:
        return Bordereau.objects.filter(lieu_id=par.organisation_id)
    return Bordereau.objects.none()


def get_bordereau_visible(par: Membership | None, pk) -> Bordereau:
    bordereau = (
        bordereaux_visibles(par)
        .select_related("lieu", "dispositif", "departement", "valide_par", "paiement_saisi_par")
        .filter(pk=pk)
        .first()
    )
    if bordereau is None:
        raise Http404("Bordereau introuvable.")
    return bordereau


def liste_des_bordereaux(
    par: Membership, *, statut: str = "", dispositif_id: int | None = None, lieu_id: int | None = None
) -> QuerySet[Bordereau]:
    """The list page: filters, and each bordereau's line count and claimed amount (one query)."""
    qs = bordereaux_visibles(par)
    if statut in Bordereau.Statut.values:
        qs = qs.filter(statut=statut)
    if dispositif_id:
        qs = qs.filter(dispositif_id=dispositif_id)
    if lieu_id:
        qs = qs.filter(lieu_id=lieu_id)
    return (
        qs.select_related("lieu", "dispositif")
        .annotate(nb_lignes=Count("lignes"), montant_reclame=Sum("lignes__montant"))
        .order_by("-mois", "lieu__nom", "dispositif__nom", "pk")
    )


def dispositifs_du_departement(par: Membership) -> QuerySet[Dispositif]:
    return Dispositif.objects.filter(departement_id=_departement_id(par)).order_by("-debut", "nom")


def lieux_avec_bordereaux(par: Membership) -> QuerySet[Lieu]:
    return Lieu.objects.filter(bordereaux__departement_id=_departement_id(par)).distinct().order_by("nom", "pk")


def lignes_du_bordereau(bordereau: Bordereau) -> list[LigneBordereau]:
    return list(bordereau.lignes.select_related("cheque__carnet").order_by("cheque__numero_serie", "pk"))


@dataclass
class Totaux:
    nombre: int = 0
    reclame: Decimal = Decimal(0)
    nb_rejetees: int = 0
    rejete: Decimal = Decimal(0)
    nb_validees: int = 0
    valide: Decimal = Decimal(0)
    repartition: list = field(default_factory=list)


def totaux(lignes: list[LigneBordereau], financeurs=()) -> Totaux:
    t = Totaux()
    for ligne in lignes:
        t.nombre += 1
        t.reclame += ligne.montant
        if ligne.statut == LigneBordereau.Statut.REJETEE:
            t.nb_rejetees += 1
            t.rejete += ligne.montant
        elif ligne.statut == LigneBordereau.Statut.VALIDEE:
            t.nb_validees += 1
            t.valide += ligne.montant
    base = t.valide if t.nb_validees else t.reclame - t.rejete
    t.repartition = repartir(base, financeurs)
    return t


def repartir(montant: Decimal, financeurs) -> list[tuple[str, Decimal, Decimal]]:
    """(name, share %, amount) per funder; amounts rounded down to the cent, the remaining
    cents going to the largest remainders, so that the parts add up to the total exactly."""
    financeurs = list(financeurs)
    if not financeurs:
        return []
    bruts = [montant * f.pourcentage / 100 for f in financeurs]
    parts = [b.quantize(CENTIME, rounding=ROUND_DOWN) for b in bruts]
    reste = int((montant - sum(parts)) / CENTIME)
    ordre = sorted(range(len(financeurs)), key=lambda i: (-(bruts[i] - parts[i]), i))
    for i in ordre[:reste]:
        parts[i] += CENTIME
    return [(f.nom, f.pourcentage, part) for f, part in zip(financeurs, parts, strict=True)]


# --- Places -----------------------------------------------------------------------------------


def lieux_visibles(par: Membership | None) -> QuerySet[Lieu]:
    if par is None or not par.is_active:
        return Lieu.objects.none()
    if par.role in ROLES_DEPARTEMENT:
        return Lieu.objects.filter(departement_id=_departement_id(par))
    if par.role in ROLES_LIEU:
        return Lieu.objects.filter(pk=par.organisation_id)
    return Lieu.objects.none()


def get_lieu_visible(par: Membership | None, pk) -> Lieu:
    lieu = lieux_visibles(par).select_related("departement").filter(pk=pk).first()
    if lieu is None:
        raise Http404("Lieu introuvable.")
    return lieu


def coordonnees_de(lieu: Lieu) -> CoordonneesBancaires | None:
    return CoordonneesBancaires.objects.filter(lieu=lieu).select_related("modifie_par").first()


@dataclass
class Montants:
    dispositif: Dispositif
    a_reclamer: Decimal = Decimal(0)  # redeemed, on no live bordereau line yet
    a_valider: Decimal = Decimal(0)
    valide: Decimal = Decimal(0)  # validated, not paid yet
    paye: Decimal = Decimal(0)

    @property
    def en_attente(self) -> Decimal:
        return self.a_reclamer + self.a_valider


def montants_du_lieu(lieu: Lieu) -> list[Montants]:
    """Per dispositif: amounts redeemed but not claimed, claimed and awaiting validation,
    validated and awaiting payment, paid. Three queries."""
    lignes_vivantes = LigneBordereau.objects.filter(cheque=OuterRef("pk")).exclude(statut=LigneBordereau.Statut.REJETEE)
    non_reclames = dict(
        Cheque.objects.filter(lieu_encaissement=lieu, statut=Cheque.Statut.ENCAISSE)
        .exclude(Exists(lignes_vivantes))
        .values("dispositif_id")
        .annotate(s=Sum("valeur"))
        .values_list("dispositif_id", "s")
    )
    par_statut = (
        LigneBordereau.objects.filter(bordereau__lieu=lieu)
        .exclude(statut=LigneBordereau.Statut.REJETEE)
        .values("bordereau__dispositif_id", "bordereau__statut")
        .annotate(s=Sum("montant"))
    )
    montants: dict[int, Montants] = {}
    ids = set(non_reclames) | {r["bordereau__dispositif_id"] for r in par_statut}
    dispositifs = Dispositif.objects.in_bulk(ids)
    for dispositif_id, somme in non_reclames.items():
        montants.setdefault(dispositif_id, Montants(dispositifs[dispositif_id])).a_reclamer += somme
    cles = {
        Bordereau.Statut.A_VALIDER: "a_valider",
        Bordereau.Statut.VALIDE: "valide",
        Bordereau.Statut.PAYE: "paye",
    }
    for rang in par_statut:
        m = montants.setdefault(
            rang["bordereau__dispositif_id"], Montants(dispositifs[rang["bordereau__dispositif_id"]])
        )
        cle = cles[rang["bordereau__statut"]]
        setattr(m, cle, getattr(m, cle) + rang["s"])
    return sorted(montants.values(), key=lambda m: (-m.dispositif.debut.toordinal(), m.dispositif.nom))


def bordereaux_du_lieu(lieu: Lieu) -> QuerySet[Bordereau]:
    return (
        Bordereau.objects.filter(lieu=lieu)
        .select_related("dispositif")
        .annotate(
            nb_lignes=Count("lignes"),
            montant_reclame=Sum("lignes__montant"),
            nb_rejetees=Count("lignes", filter=Q(lignes__statut=LigneBordereau.Statut.REJETEE)),
        )
        .order_by("-mois", "dispositif__nom", "pk")
    )


# --- Documents for the accountant -------------------------------------------------------------


def contexte_bordereau(par: Membership, bordereau: Bordereau, *, iban_complet: bool | None = None) -> dict:
    """What the bordereau's page, PDF and CSV show. The IBAN is in full only when
    `iban_complet` (default: the place's responsable or a coordinator)."""
    lignes = lignes_du_bordereau(bordereau)
    financeurs = list(bordereau.dispositif.financeurs.all())
    coordonnees = coordonnees_de(bordereau.lieu)
    if iban_complet is None:
        iban_complet = voit_iban_complet(par, bordereau.lieu)
    return {
        "bordereau": bordereau,
        "lieu": bordereau.lieu,
        "dispositif": bordereau.dispositif,
        "departement": bordereau.departement,
        "lignes": lignes,
        "totaux": totaux(lignes, financeurs),
        "financeurs": financeurs,
        "coordonnees": coordonnees,
        "iban_complet": iban_complet,
        "iban": _iban_affiche(coordonnees, iban_complet),
    }


def _iban_affiche(coordonnees: CoordonneesBancaires | None, complet: bool) -> str:
    if coordonnees is None:
        return ""
    if complet:
        from ..iban import formater

        return formater(coordonnees.iban)
    return coordonnees.iban_masque
