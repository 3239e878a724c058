"""Generating cheques: N booklets of S cheques for a dispositif, in the département's stock.

Numbers: booklet and serial numbers are reserved under a row lock on the département's
`CompteurDepartement` (created on first use) and never reused — a rolled-back generation leaves
no cheque behind, and the next one starts after the highest number in the table even if something
bypassed the counter. Codes come from `codes.nouveau_code()`; each batch is checked against the
existing codes with one query and the (astronomically rare) collisions are drawn again; a
concurrent generation drawing the same code is caught by the unique constraint and the batch is
drawn again inside a savepoint. Rows are written in batches (`bulk_create`, or COPY on
PostgreSQL: see `_ecrire`), and the generation is journalled once (CHEQUES_GENERES;
details["lot"] finds it from a cheque's history).
"""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from comptes.models import Membership
from journal.models import Action

from .. import codes, evenements
from ..models import Carnet, Cheque, CompteurDepartement, Dispositif
from .dispositifs import exiger_coordinateur, exiger_ouvert, nombre_fr, tailles

LIMITE_CHEQUES = 200_000  # per request: N × S
TAILLE_LOT_SQL = 5_000  # rows per INSERT, and codes per uniqueness query
ESSAIS = 5


@dataclass(frozen=True)
class Generation:
    lot: str
    dispositif_id: int
    nb_carnets: int
    taille: int
    premier_carnet: int
    dernier_carnet: int
    premier_numero_serie: int
    dernier_numero_serie: int
    valeur: Decimal

    @property
    def nb_cheques(self) -> int:
        return self.nb_carnets * self.taille

    @property
    def montant(self) -> Decimal:
        return self.valeur * self.nb_cheques


def valider_demande(*, dispositif: Dispositif, nb_carnets, taille) -> tuple[int, int]:
    """(nb_carnets, taille) as integers, or ValidationError with French messages."""
    erreurs = {}
    try:
        nb_carnets = int(nb_carnets)
    except (TypeError, ValueError):
        nb_carnets = None
    try:
        taille = int(taille)
    except (TypeError, ValueError):
        taille = None
    if nb_carnets is None or nb_carnets < 1:
        erreurs["nb_carnets"] = "Indiquez un nombre de carnets supérieur ou égal à 1."
    permises = tailles(dispositif)
    if taille not in permises:
        erreurs["taille"] = (
            f"Les carnets de ce dispositif comptent {' ou '.join(str(t) for t in permises)} chèques : "
            "choisissez une de ces tailles."
        )
    if not erreurs and nb_carnets * taille > LIMITE_CHEQUES:
        erreurs["nb_carnets"] = (
            f"{nb_carnets} carnets de {taille} chèques font {nb_carnets * taille:,} chèques : on en génère "
            f"{LIMITE_CHEQUES:,} au plus à la fois ({LIMITE_CHEQUES // taille:,} carnets de {taille}). "
            "Faites plusieurs générations."
        ).replace(",", "\u202f")
    if erreurs:
        raise ValidationError(erreurs)
    return nb_carnets, taille


def montant_engage(dispositif: Dispositif) -> Decimal:
    """The value of the dispositif's cheques that still count against its budget (all but the
    cancelled ones, which a replacement booklet takes over)."""
    total = (
        Cheque.objects.filter(dispositif=dispositif)
        .exclude(statut=Cheque.Statut.ANNULE)
        .aggregate(total=Sum("valeur"))["total"]
    )
    return total or Decimal(0)


def _verifier_budget(dispositif: Dispositif, nb_cheques: int) -> None:
    demande = dispositif.valeur_faciale * nb_cheques
    engage = montant_engage(dispositif)
    if engage + demande > dispositif.budget:
        raise ValidationError(
            {
                "nb_carnets": (
                    f"Le budget du dispositif ({nombre_fr(dispositif.budget)} €) ne couvre pas ces chèques : "
                    f"{nombre_fr(engage)} € déjà générés et {nombre_fr(demande)} € demandés. Il reste "
                    f"{nombre_fr(max(dispositif.budget - engage, Decimal(0)))} € à générer."
                )
            }
        )


def prochains_numeros(departement_id) -> tuple[int, int]:
    """(next booklet number, next serial number) as the next generation would take them now —
    for a confirmation page; the generation itself reserves them under a lock."""
    compteur = CompteurDepartement.objects.filter(departement_id=departement_id).first()
    carnet = Carnet.objects.filter(departement_id=departement_id).aggregate(m=Max("numero"))["m"] or 0
    serie = Cheque.objects.filter(departement_id=departement_id).aggregate(m=Max("numero_serie"))["m"] or 0
    if compteur is not None:
        carnet, serie = max(carnet, compteur.dernier_numero_carnet), max(serie, compteur.dernier_numero_serie)
    return carnet + 1, serie + 1


def verifier(*, dispositif: Dispositif, nb_carnets, taille) -> tuple[int, int]:
    """Every check of `generer` but the permission, without writing (for the confirmation page)."""
    exiger_ouvert(dispositif)
    _exiger_encaissable(dispositif)
    nb_carnets, taille = valider_demande(dispositif=dispositif, nb_carnets=nb_carnets, taille=taille)
    _verifier_budget(dispositif, nb_carnets * taille)
    return nb_carnets, taille


def _exiger_encaissable(dispositif: Dispositif) -> None:
    if dispositif.fin_encaissement < timezone.localdate():
        raise ValidationError(
            f"Les chèques de ce dispositif ne sont plus encaissables depuis le "
            f"{dispositif.fin_encaissement:%d/%m/%Y} : générer de nouveaux chèques n’aurait pas de sens.",
            code="termine",
        )


@transaction.atomic
def generer(*, par: Membership, dispositif: Dispositif, nb_carnets, taille, request=None) -> Generation:
    """Generate `nb_carnets` booklets of `taille` cheques (state « généré », in the département's
    stock), numbered after the département's last numbers."""
    exiger_coordinateur(par, dispositif)
    dispositif = Dispositif.objects.select_for_update().get(pk=dispositif.pk)
    nb_carnets, taille = verifier(dispositif=dispositif, nb_carnets=nb_carnets, taille=taille)
    nb_cheques = nb_carnets * taille
    departement_id = dispositif.departement_id

    # Reserve the numbers under the département's lock.
    CompteurDepartement.objects.get_or_create(departement_id=departement_id)
    compteur = CompteurDepartement.objects.select_for_update().get(pk=departement_id)
    existants = Carnet.objects.filter(departement_id=departement_id).aggregate(m=Max("numero"))["m"] or 0
    dernier_carnet = max(compteur.dernier_numero_carnet, existants)
    existants = Cheque.objects.filter(departement_id=departement_id).aggregate(m=Max("numero_serie"))["m"] or 0
    dernier_serie = max(compteur.dernier_numero_serie, existants)
    compteur.dernier_numero_carnet = dernier_carnet + nb_carnets
    compteur.dernier_numero_serie = dernier_serie + nb_cheques
    compteur.save(update_fields=["dernier_numero_carnet", "dernier_numero_serie"])

    maintenant = timezone.now()
    lot = f"{timezone.localdate():%Y%m%d}-{secrets.token_hex(6)}"
    _ecrire(
        Carnet,
        Carnet(
            dispositif=dispositif,
            departement_id=departement_id,
            taille=taille,
            statut=Carnet.Statut.GENERE,
            lot=lot,
            genere_le=maintenant,
        ),
        ("numero",),
        [(dernier_carnet + rang,) for rang in range(1, nb_carnets + 1)],
    )
    ids = dict(Carnet.objects.filter(lot=lot).values_list("numero", "pk"))
    prototype = Cheque(
        dispositif_id=dispositif.pk,
        departement_id=departement_id,
        valeur=dispositif.valeur_faciale,
        statut=Cheque.Statut.GENERE,
        modifie_le=maintenant,
    )
    tires: set[str] = set()
    par_lot = max(1, TAILLE_LOT_SQL // taille)
    for premier in range(0, nb_carnets, par_lot):
        lignes = [
            [ids[dernier_carnet + k + 1], None, dernier_serie + k * taille + rang, rang]
            for k in range(premier, min(premier + par_lot, nb_carnets))
            for rang in range(1, taille + 1)
        ]
        _inserer_cheques(prototype, lignes, tires)

    generation = Generation(
        lot=lot,
        dispositif_id=dispositif.pk,
        nb_carnets=nb_carnets,
        taille=taille,
        premier_carnet=dernier_carnet + 1,
        dernier_carnet=dernier_carnet + nb_carnets,
        premier_numero_serie=dernier_serie + 1,
        dernier_numero_serie=dernier_serie + nb_cheques,
        valeur=dispositif.valeur_faciale,
    )
    evenements.simple(
        action=Action.CHEQUES_GENERES,
        par=par,
        departement=dispositif.departement,
        target=dispositif,
        details={
            "lot": lot,
            "nb_carnets": nb_carnets,
            "taille": taille,
            "nb_cheques": nb_cheques,
            "valeur": str(dispositif.valeur_faciale),
            "numeros_serie": [generation.premier_numero_serie, generation.dernier_numero_serie],
            "carnets": [generation.premier_carnet, generation.dernier_carnet],
        },
        request=request,
    )
    return generation


def _codes_uniques(nombre: int, tires: set[str]) -> list[str]:
    """`nombre` new codes, unique among themselves, among `tires` (this generation's) and in the
    table (one query per round; a second round happens only on a collision)."""
    nouveaux: list[str] = []
    while len(nouveaux) < nombre:
        lot = set()
        while len(lot) < nombre - len(nouveaux):
            code = codes.nouveau_code()
            if code not in tires:
                lot.add(code)
        pris = _codes_existants(lot)
        for code in lot - pris:
            tires.add(code)
            nouveaux.append(code)
        tires.update(pris)
    return nouveaux


VARIABLES_CHEQUE = ("carnet_id", "code", "numero_serie", "rang")


def _inserer_cheques(prototype: Cheque, lignes: list[list], tires: set[str]) -> None:
    """Write one batch of cheques ([carnet_id, None, numero_serie, rang] rows) with new codes;
    drawn again (inside a savepoint) if a concurrent generation took one of them meanwhile."""
    for essai in range(ESSAIS):
        for ligne, code in zip(lignes, _codes_uniques(len(lignes), tires), strict=True):
            ligne[1] = code
        try:
            with transaction.atomic():
                _ecrire(Cheque, prototype, VARIABLES_CHEQUE, lignes)
            return
        except IntegrityError:  # a concurrent generation committed one of these codes meanwhile
            if essai == ESSAIS - 1:
                raise


def _codes_existants(candidats: set[str]) -> set[str]:
    """Which of these codes are already taken (one query)."""
    if connection.vendor == "postgresql":  # one array parameter rather than thousands
        with connection.cursor() as curseur:
            table = connection.ops.quote_name(Cheque._meta.db_table)  # ours, not user input
            curseur.execute(f'SELECT "code" FROM {table} WHERE "code" = ANY(%s)', [list(candidats)])  # noqa: S608
            return {ligne[0] for ligne in curseur.fetchall()}
    return set(Cheque.objects.filter(code__in=candidats).values_list("code", flat=True))


def _ecrire(modele, prototype, variables: tuple[str, ...], lignes: list) -> None:
    """Insert rows of `modele`: every column takes `prototype`'s value (its defaults included)
    but `variables`, given per row in `lignes`.

    On PostgreSQL the rows go through COPY: building 100,000 INSERT parameters with the ORM costs
    several seconds of Python (the bench's target is 10 s for the whole generation, codes
    included); elsewhere, bulk_create in batches."""
    champs = [f for f in modele._meta.concrete_fields if not f.primary_key]
    rangs = {attname: i for i, attname in enumerate(variables)}
    if connection.vendor == "postgresql":
        constantes = [f.get_db_prep_save(getattr(prototype, f.attname), connection) for f in champs]
        positions = [(champs.index(next(f for f in champs if f.attname == v)), rangs[v]) for v in variables]
        colonnes = ", ".join(connection.ops.quote_name(f.column) for f in champs)
        with (
            connection.cursor() as curseur,
            connection.wrap_database_errors,
            curseur.cursor.copy(
                f"COPY {connection.ops.quote_name(modele._meta.db_table)} ({colonnes}) FROM STDIN"
            ) as copie,
        ):
            for ligne in lignes:
                valeurs = constantes.copy()
                for position, rang in positions:
                    valeurs[position] = ligne[rang]
                copie.write_row(valeurs)
        return
    constantes = {f.attname: getattr(prototype, f.attname) for f in champs if f.attname not in rangs}
    modele.objects.bulk_create(
        (modele(**constantes, **{v: ligne[i] for v, i in rangs.items()}) for ligne in lignes),
        batch_size=TAILLE_LOT_SQL,
    )
