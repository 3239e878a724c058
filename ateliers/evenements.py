"""Typed journal helpers of the workshops. A person is named by their pseudonym only (ADR 0008)."""

from journal.models import Action
from journal.services import record


def _by(par) -> dict:
    return {"actor": par.user if par else None, "organisation": par.organisation if par else None}


def sur_atelier(*, action: Action, par, atelier, details=None, request=None):
    """Created, changed (details["champs"]: field names), archived."""
    return record(
        action=action,
        **_by(par),
        departement=atelier.lieu.departement,
        target=atelier,
        target_repr=atelier.titre,
        details=details or {},
        request=request,
    )


def sur_seance(*, action: Action, par, seance, details=None, request=None):
    """Programmed (one entry for a whole series: details["seances"]), changed, cancelled,
    walk-ins counted, sheet uploaded or replaced."""
    return record(
        action=action,
        **_by(par),
        departement=seance.lieu.departement,
        target=seance,
        target_repr=str(seance),
        details=details or {},
        request=request,
    )


def sur_inscription(*, action: Action, par, inscription, details=None, request=None):
    """Registered, unregistered, roll-call mark, correction after the lock (details["motif"]).
    The target is the session; the person appears only as their pseudonym."""
    seance = inscription.seance
    return record(
        action=action,
        **_by(par),
        departement=seance.lieu.departement,
        target=seance,
        target_repr=str(seance),
        details={"personne": inscription.beneficiaire.pseudonyme, "inscription": inscription.pk, **(details or {})},
        request=request,
    )
