"""Typed journal helpers of the Pass numérique. A person is named by their pseudonym only.

Cheque history (the cheque's page) = entries targeting the cheque, its carnet, and the
generation of its lot (details["lot"]). Bulk operations write one entry per carnet
(`journal.services.record_many`), never one per cheque of a 100,000-cheque batch.
"""

from journal.models import Action
from journal.services import entry, record, record_many


def _by(par) -> dict:
    return {"actor": par.user if par else None, "organisation": par.organisation if par else None}


def simple(*, action: Action, par, departement, target=None, target_repr: str = "", details=None, request=None):
    """One entry (dispositifs, qualifications, participations, bordereaux, tokens, IBAN…)."""
    return record(
        action=action,
        **_by(par),
        departement=departement,
        target=target,
        target_repr=target_repr,
        details=details or {},
        request=request,
    )


def par_carnet(*, action: Action, par, carnets, details=None, request=None):
    """One entry per carnet (generation, allocation, return, handing, cancellation of a booklet)."""
    return record_many(
        [
            entry(
                action=action,
                **_by(par),
                departement=carnet.departement,
                target=carnet,
                details={"numero": carnet.numero, "dispositif": carnet.dispositif_id, **(details or {})},
                request=request,
            )
            for carnet in carnets
        ]
    )


def par_cheque(*, action: Action, par=None, organisation=None, cheque, details=None, request=None, actor=None):
    """One entry about one cheque (redemption, its undoing, opposition, expiry, claim…).
    API calls have no membership: pass `organisation` (the place) and no `par`."""
    by = _by(par) if par is not None else {"actor": actor, "organisation": organisation}
    return record(
        action=action,
        **by,
        departement=cheque.departement,
        target=cheque,
        target_repr=f"Chèque n° {cheque.numero_serie}",
        details={"numero_serie": cheque.numero_serie, "carnet": cheque.carnet_id, **(details or {})},
        request=request,
    )
