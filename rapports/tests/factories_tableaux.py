"""Test data of the dashboards: booklets handed out and cheques redeemed at given moments,
bordereaux, without going through the services (their own tests do)."""

import datetime
import itertools

from ateliers.selectors.activite import PARIS
from pass_numerique.models import Bordereau, Carnet, Cheque, LigneBordereau
from pass_numerique.tests.factories import carnet

_numeros = itertools.count(1)


def le(jour: str, heure: str = "12:00") -> datetime.datetime:
    """« 2025-06-15 », « 09:30 » → an aware datetime in Europe/Paris."""
    return datetime.datetime.fromisoformat(f"{jour}T{heure}").replace(tzinfo=PARIS)


def carnet_remis(dispositif, *, organisme, beneficiaire, quand: datetime.datetime, taille=10) -> Carnet:
    c = carnet(dispositif, taille=taille, statut=Carnet.Statut.REMIS, organisme=organisme, beneficiaire=beneficiaire)
    Carnet.objects.filter(pk=c.pk).update(remis_le=quand, dote_le=quand)
    c.remis_le = quand
    return c


def encaisser(c: Carnet, nombre: int, *, lieu, quand: datetime.datetime, statut=Cheque.Statut.ENCAISSE) -> list[Cheque]:
    """Marks the first `nombre` cheques of the booklet not yet redeemed as redeemed by `lieu`."""
    cheques = list(c.cheques.filter(encaisse_le__isnull=True).order_by("rang")[:nombre])
    Cheque.objects.filter(pk__in=[x.pk for x in cheques]).update(
        statut=statut, encaisse_le=quand, lieu_encaissement=lieu, modifie_le=quand
    )
    return list(Cheque.objects.filter(pk__in=[x.pk for x in cheques]))


def bordereau(lieu, dispositif, cheques, *, statut=Bordereau.Statut.A_VALIDER, rejetees=()) -> Bordereau:
    b = Bordereau.objects.create(
        lieu=lieu,
        dispositif=dispositif,
        departement=dispositif.departement,
        numero=f"TEST-{next(_numeros)}",
        mois=datetime.date(2025, 1, 1) + datetime.timedelta(days=31 * next(_numeros)),
        statut=statut,
        paye_le=datetime.date(2025, 6, 1) if statut == Bordereau.Statut.PAYE else None,
        reference_paiement="VIR-1" if statut == Bordereau.Statut.PAYE else "",
    )
    for cheque in cheques:
        rejetee = cheque in rejetees
        LigneBordereau.objects.create(
            bordereau=b,
            cheque=cheque,
            montant=cheque.valeur,
            statut=LigneBordereau.Statut.REJETEE if rejetee else LigneBordereau.Statut.A_VALIDER,
            motif_rejet="Pièce manquante" if rejetee else "",
        )
    return b
