"""Expiry: handed-out cheques that can no longer be redeemed become « expiré ».

Each day (beat task `pass_numerique.tasks_expiration.expirer_cheques`), every cheque still
« remis » whose dispositif's last redemption day (`fin_encaissement` = validity end + tolerance)
is past is marked « expiré », with one conditional bulk UPDATE per dispositif
(``… WHERE dispositif_id = … AND statut = 'remis' RETURNING numero_serie``) and ONE journal entry
per dispositif (the number of cheques, their value and their serial-number ranges), not one per
cheque.

Stock never handed out (« généré », « doté ») is left as it is, on purpose: the state machine
(`etats.TRANSITIONS`) has no généré/doté → expiré, since such a cheque was never in anyone's
hands and holds no promise to a person. It stays visible as « jamais distribué » in the
unused value of the dispositif (`selectors.cheques.valeur_par_dispositif`) and the coordinator
may cancel it (opposition) or keep it for the record. A cheque redeemed before the deadline is
untouched (it is the place's, to be reimbursed).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from journal.models import Action

from .. import etats, evenements
from ..models import Cheque, Dispositif

S = Cheque.Statut
PLAGES_MAX = 500  # serial ranges kept in the journal entry (then « plages_tronquees »)


@dataclass
class Bilan:
    dispositif: Dispositif
    nombre: int = 0
    valeur: Decimal = Decimal("0.00")
    plages: list[tuple[int, int]] = field(default_factory=list)


def plages(numeros: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 7, 9, 10] → [(1, 3), (7, 7), (9, 10)]."""
    resultat: list[tuple[int, int]] = []
    for numero in sorted(numeros):
        if resultat and numero == resultat[-1][1] + 1:
            resultat[-1] = (resultat[-1][0], numero)
        else:
            resultat.append((numero, numero))
    return resultat


def _expirer_dispositif(dispositif: Dispositif, maintenant: datetime.datetime) -> Bilan:
    table = connection.ops.quote_name(Cheque._meta.db_table)
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute(
            f"UPDATE {table} SET statut = %s, expire_le = %s, modifie_le = %s "  # noqa: S608 - table name from the model
            "WHERE dispositif_id = %s AND statut = %s RETURNING numero_serie, valeur",
            [S.EXPIRE, maintenant, maintenant, dispositif.pk, S.REMIS],
        )
        lignes = curseur.fetchall()
        bilan = Bilan(dispositif=dispositif, nombre=len(lignes))
        if not lignes:
            return bilan
        bilan.valeur = sum((Decimal(str(valeur)) for _, valeur in lignes), Decimal("0.00"))
        bilan.plages = plages([numero for numero, _ in lignes])
        evenements.simple(
            action=Action.CHEQUES_EXPIRES,
            par=None,
            departement=dispositif.departement,
            target=dispositif,
            target_repr=f"{bilan.nombre} chèque{'s' if bilan.nombre > 1 else ''} expiré"
            f"{'s' if bilan.nombre > 1 else ''} — {dispositif.nom}",
            details={
                "dispositif": dispositif.pk,
                "nombre": bilan.nombre,
                "valeur": f"{bilan.valeur:.2f}",
                "fin_encaissement": dispositif.fin_encaissement.isoformat(),
                "plages": [list(p) for p in bilan.plages[:PLAGES_MAX]],
                "plages_tronquees": len(bilan.plages) > PLAGES_MAX,
            },
        )
    return bilan


def expirer(*, jour: datetime.date | None = None) -> list[Bilan]:
    """Mark « expiré » every « remis » cheque whose dispositif's `fin_encaissement` is before
    `jour` (today by default). One transaction per dispositif; returns what changed."""
    jour = jour or timezone.localdate()
    etats.verifier(S.REMIS, S.EXPIRE)
    maintenant = timezone.now()
    bilans = []
    for dispositif in Dispositif.objects.filter(fin_encaissement__lt=jour).select_related("departement").order_by("pk"):
        bilan = _expirer_dispositif(dispositif, maintenant)
        if bilan.nombre:
            bilans.append(bilan)
    return bilans
