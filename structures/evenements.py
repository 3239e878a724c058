"""Typed journal helpers for the events of this app: one function per event."""

from journal.models import Action
from journal.services import record


def _by(par) -> dict:
    return {"actor": par.user if par else None, "organisation": par.organisation if par else None}


def lieu_cree(*, par, lieu, request=None):
    return record(
        action=Action.LIEU_CREE,
        **_by(par),
        departement=lieu.departement,
        target=lieu,
        details={"identifiant": lieu.identifiant, "nom": lieu.nom, "commune": lieu.commune},
        request=request,
    )


def lieu_modifie(*, par, lieu, changes: dict, request=None):
    """`changes`: {field: [avant, après]} for each field whose value changed (JSON values)."""
    return record(
        action=Action.LIEU_MODIFIE,
        **_by(par),
        departement=lieu.departement,
        target=lieu,
        details={"identifiant": lieu.identifiant, "champs": changes},
        request=request,
    )


def lieu_ferme(*, par, lieu, motif: str, request=None):
    return record(
        action=Action.LIEU_FERME,
        **_by(par),
        departement=lieu.departement,
        target=lieu,
        details={"identifiant": lieu.identifiant, "motif": motif, "ferme_le": lieu.ferme_le.isoformat()},
        request=request,
    )


def lieu_rouvert(*, par, lieu, ferme_le=None, request=None):
    return record(
        action=Action.LIEU_ROUVERT,
        **_by(par),
        departement=lieu.departement,
        target=lieu,
        details={"identifiant": lieu.identifiant, "ferme_le": ferme_le.isoformat() if ferme_le else None},
        request=request,
    )


def lieux_importes(
    *,
    par,
    departement,
    nom_fichier: str,
    empreinte: str,
    format: str,
    comptes: dict,
    crees: list,
    modifies: dict,
    departements: list,
    request=None,
):
    """One entry per import of a file in the standard (counts, file name and SHA-256).

    `crees`: identifiers of the created places; `modifies`: {identifiant: [champs modifiés]}."""
    return record(
        action=Action.LIEUX_IMPORTES,
        **_by(par),
        departement=departement,
        target_repr=f"Fichier {nom_fichier}",
        details={
            "fichier": nom_fichier,
            "sha256": empreinte,
            "format": format,
            **comptes,
            "departements": departements,
            "lieux_crees": crees,
            "lieux_modifies": modifies,
        },
        request=request,
    )
