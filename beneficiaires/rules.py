"""Who may see and do what with a person's record. Pure functions of a membership: the
selectors turn the same rules into querysets, the services check them again before writing.

- Agents and référents of an organisation that follows the person: everything.
- Coordinators of the département: everything but creating and orienting (they do not meet
  people); they also merge records and read the access log. Lecteurs read, nothing else.
- A place (responsable, médiateur) sees the people oriented to it, and only the fields it
  needs (CHAMPS_LIEU).
"""

from comptes.models import Membership, Role

ROLES_PRESCRIPTEUR = (Role.REFERENT, Role.AGENT)
ROLES_DEPARTEMENT = (Role.COORDINATEUR, Role.LECTEUR)
ROLES_LIEU = (Role.RESPONSABLE, Role.MEDIATEUR)

# What a place sees of a person oriented to it.
CHAMPS_LIEU = ("nom", "prenom", "commune", "besoins", "telephone")


def est_prescripteur(par: Membership | None) -> bool:
    return par is not None and par.is_active and par.role in ROLES_PRESCRIPTEUR


def est_du_departement(par: Membership | None) -> bool:
    return par is not None and par.is_active and par.role in ROLES_DEPARTEMENT


def est_d_un_lieu(par: Membership | None) -> bool:
    return par is not None and par.is_active and par.role in ROLES_LIEU


def suit(par: Membership | None, beneficiaire) -> bool:
    """The membership's organisation follows the person."""
    return est_prescripteur(par) and beneficiaire.suivis.filter(organisme_id=par.organisation_id).exists()


def meme_departement(par: Membership, beneficiaire) -> bool:
    return par.organisation.departement_id == beneficiaire.departement_id


def peut_creer(par: Membership | None) -> bool:
    return est_prescripteur(par)


def peut_modifier(par: Membership | None, beneficiaire) -> bool:
    """Correct the record (also the person's right of rectification)."""
    if par is None or beneficiaire.est_anonymise or beneficiaire.est_fusionne:
        return False
    if par.role == Role.COORDINATEUR and par.is_active:
        return meme_departement(par, beneficiaire)
    return suit(par, beneficiaire)


def peut_orienter(par: Membership | None, beneficiaire) -> bool:
    if beneficiaire.est_anonymise or beneficiaire.est_fusionne:
        return False
    return suit(par, beneficiaire)


def peut_exporter(par: Membership | None, beneficiaire) -> bool:
    """The person's right of access: their prescriber or the coordinators produce the export."""
    if par is None or beneficiaire.est_anonymise:
        return False
    if par.role == Role.COORDINATEUR and par.is_active:
        return meme_departement(par, beneficiaire)
    return suit(par, beneficiaire)


def peut_fusionner(par: Membership | None) -> bool:
    return par is not None and par.is_active and par.role == Role.COORDINATEUR


def peut_lire_journal_acces(par: Membership | None, beneficiaire) -> bool:
    return peut_fusionner(par) and meme_departement(par, beneficiaire)


def voit_fiche_complete(par: Membership | None) -> bool:
    """False for places: they see CHAMPS_LIEU only."""
    return est_prescripteur(par) or est_du_departement(par)
