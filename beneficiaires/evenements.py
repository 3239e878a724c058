"""Typed journal helpers. A person is named by their pseudonym only: the journal cannot be
erased, so it must never hold a name, a birth date or a contact (ADR 0008)."""

from journal.models import Action
from journal.services import record


def _by(par) -> dict:
    return {"actor": par.user if par else None, "organisation": par.organisation if par else None}


def _personne(beneficiaire) -> dict:
    return {"departement": beneficiaire.departement, "target": beneficiaire, "target_repr": beneficiaire.pseudonyme}


def beneficiaire_cree(*, par, beneficiaire, request=None):
    return record(action=Action.BENEFICIAIRE_CREE, **_by(par), **_personne(beneficiaire), request=request)


def beneficiaire_modifie(*, par, beneficiaire, champs: list[str], request=None):
    """`champs`: the names of the fields that changed (never their values)."""
    return record(
        action=Action.BENEFICIAIRE_MODIFIE,
        **_by(par),
        **_personne(beneficiaire),
        details={"champs": champs},
        request=request,
    )


def beneficiaire_consulte(*, par, beneficiaire, vue: str, request=None):
    """A read: `vue` says which (fiche, export_json, export_pdf, fiche_orientation…)."""
    return record(
        action=Action.BENEFICIAIRE_CONSULTE,
        **_by(par),
        **_personne(beneficiaire),
        details={"vue": vue},
        request=request,
    )


def beneficiaire_rattache(*, par, beneficiaire, organisme, request=None):
    return record(
        action=Action.BENEFICIAIRE_RATTACHE,
        **_by(par),
        **_personne(beneficiaire),
        details={"organisme": organisme.pk, "organisme_nom": organisme.nom},
        request=request,
    )


def beneficiaire_fusionne(*, par, conservee, absorbee, deplaces: dict, request=None):
    details = {"conservee": conservee.pseudonyme, "absorbee": absorbee.pseudonyme, **deplaces}
    record(action=Action.BENEFICIAIRE_FUSIONNE, **_by(par), **_personne(conservee), details=details, request=request)
    return record(
        action=Action.BENEFICIAIRE_FUSIONNE, **_by(par), **_personne(absorbee), details=details, request=request
    )


def beneficiaire_anonymise(*, par, beneficiaire, motif: str, request=None):
    return record(
        action=Action.BENEFICIAIRE_ANONYMISE,
        **_by(par),
        **_personne(beneficiaire),
        details={"motif": motif},
        request=request,
    )


def anonymisation_executee(*, departement, nombre: int, limite, request=None):
    return record(
        action=Action.ANONYMISATION_EXECUTEE,
        departement=departement,
        target_repr=f"{nombre} fiche(s)",
        details={"nombre": nombre, "derniere_activite_avant": limite.isoformat()},
        request=request,
    )


def _orientation(orientation) -> dict:
    return {"orientation": orientation.pk, "lieu": orientation.lieu_id, "lieu_nom": orientation.lieu.nom}


def orientation_creee(*, par, orientation, request=None):
    return record(
        action=Action.ORIENTATION_CREEE,
        **_by(par),
        **_personne(orientation.beneficiaire),
        details={**_orientation(orientation), "besoins": orientation.besoins},
        request=request,
    )


def orientation_acceptee(*, par, orientation, request=None):
    return record(
        action=Action.ORIENTATION_ACCEPTEE,
        **_by(par),
        **_personne(orientation.beneficiaire),
        details=_orientation(orientation),
        request=request,
    )


def orientation_refusee(*, par, orientation, request=None):
    # The reason may name the person: it stays on the orientation (erased with it), not here.
    return record(
        action=Action.ORIENTATION_REFUSEE,
        **_by(par),
        **_personne(orientation.beneficiaire),
        details=_orientation(orientation),
        request=request,
    )


def orientation_signalee(*, orientation, destinataires: int):
    return record(
        action=Action.ORIENTATION_SIGNALEE,
        **_personne(orientation.beneficiaire),
        details={**_orientation(orientation), "destinataires": destinataires},
    )
