"""Typed journal helpers of the funding reports and of the cost lines.

A report's entries are written in the report's département (None for a whole-instance report).
The asynchronous ones (produced, refused) have the requester as actor, or nobody for a scheduled
report; details never hold personal data, only ids, dates and formats.
"""

from journal.models import Action
from journal.services import record


def _par(par) -> dict:
    return {"actor": par.user if par else None, "organisation": par.organisation if par else None}


def _rapport(*, action: Action, rapport, par=None, details=None, request=None):
    if par is None and rapport.membership_id:
        par = rapport.membership
    return record(
        action=action,
        **_par(par),
        departement=rapport.departement,
        target=rapport,
        target_repr=str(rapport),
        details={
            "du": rapport.du.isoformat(),
            "au": rapport.au.isoformat(),
            "formats": list(rapport.formats),
            **(details or {}),
        },
        request=request,
    )


def rapport_demande(*, rapport, par=None, dispositifs=(), request=None):
    """Asked through the form (par: the membership), or scheduled (par None: details["planification"])."""
    details = {"dispositifs": [d.pk for d in dispositifs]}
    if rapport.cle_planification:
        details["planification"] = rapport.cle_planification
    return _rapport(action=Action.RAPPORT_DEMANDE, rapport=rapport, par=par, details=details, request=request)


def rapport_relance(*, rapport, par=None, motif: str, request=None):
    """Asked again by a user (motif "utilisateur") or by the periodic safety net ("file", "bloque")."""
    return _rapport(
        action=Action.RAPPORT_RELANCE,
        rapport=rapport,
        par=par,
        details={"motif": motif, "tentatives": rapport.tentatives},
        request=request,
    )


def rapport_produit(*, rapport, fichiers):
    return _rapport(
        action=Action.RAPPORT_PRODUIT,
        rapport=rapport,
        details={"fichiers": [{"format": f.format, "sha256": f.sha256, "taille": f.taille} for f in fichiers]},
    )


def rapport_refuse(*, rapport, raison: str):
    return _rapport(action=Action.RAPPORT_REFUSE, rapport=rapport, details={"raison": raison})


def rapport_telecharge(*, rapport, par, fichier, request=None):
    return _rapport(
        action=Action.RAPPORT_TELECHARGE,
        rapport=rapport,
        par=par,
        details={"format": fichier.format, "sha256": fichier.sha256},
        request=request,
    )


def sur_ligne_cout(*, action: Action, par, ligne, details=None, request=None):
    """Added, changed (details["avant"]: the previous values), deleted."""
    return record(
        action=action,
        **_par(par),
        departement=ligne.dispositif.departement,
        target=ligne.dispositif,
        target_repr=f"{ligne.dispositif.nom} — {ligne.libelle}",
        details={
            "ligne": ligne.pk,
            "libelle": ligne.libelle,
            "montant": str(ligne.montant),
            "date": ligne.date.isoformat(),
            **(details or {}),
        },
        request=request,
    )
