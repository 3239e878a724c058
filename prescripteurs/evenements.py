"""Typed journal helpers for the events of this app: one function per event.

An organisation's data is not personal: the entries keep the values (a name, a SIRET, an
address), unlike the bénéficiaires' entries which only name a pseudonym."""

from journal.models import Action
from journal.services import record


def _by(par) -> dict:
    return {"actor": par.user if par else None, "organisation": par.organisation if par else None}


def libelle_commune(commune) -> str:
    """A commune as the journal keeps it: « Guéret (23096) »."""
    return f"{commune.nom} ({commune.code_insee})" if commune is not None else ""


def organisme_cree(*, par, organisme, request=None):
    return record(
        action=Action.ORGANISME_CREE,
        **_by(par),
        departement=organisme.departement,
        target=organisme,
        details={
            "nom": organisme.nom,
            "type_organisme": organisme.type_organisme,
            "siret": organisme.siret,
            "commune": libelle_commune(organisme.commune),
        },
        request=request,
    )


def organisme_modifie(*, par, organisme, changes: dict, request=None):
    """`changes`: {field: [avant, après]} for each field whose value changed (JSON values)."""
    return record(
        action=Action.ORGANISME_MODIFIE,
        **_by(par),
        departement=organisme.departement,
        target=organisme,
        details={"champs": changes},
        request=request,
    )


def organisme_ferme(*, par, organisme, motif: str, request=None):
    return record(
        action=Action.ORGANISME_FERME,
        **_by(par),
        departement=organisme.departement,
        target=organisme,
        details={"motif": motif, "ferme_le": organisme.ferme_le.isoformat()},
        request=request,
    )


def organisme_rouvert(*, par, organisme, ferme_le=None, request=None):
    return record(
        action=Action.ORGANISME_ROUVERT,
        **_by(par),
        departement=organisme.departement,
        target=organisme,
        details={"ferme_le": ferme_le.isoformat() if ferme_le else None},
        request=request,
    )
