"""Who may do what with workshops. Pure predicates of a membership; selectors turn them into
querysets and services check them again before writing.

- The place's responsable and médiateur·rices run its workshops, sessions, registrations and
  roll-calls, and upload its signed sheets.
- The département's coordinators read the sessions of the département, download the signed
  sheets and see the sessions without a sheet (audit). Lecteurs read activity figures only.
- Prescribers see the parcours of the people they follow (on the person's page).
"""

from comptes.models import Membership, Role

ROLES_LIEU = (Role.RESPONSABLE, Role.MEDIATEUR)


def est_du_lieu(par: Membership | None, lieu_id: int | None = None) -> bool:
    if par is None or not par.is_active or par.role not in ROLES_LIEU:
        return False
    return lieu_id is None or par.organisation_id == lieu_id


def est_coordinateur(par: Membership | None) -> bool:
    return par is not None and par.is_active and par.role == Role.COORDINATEUR


def peut_gerer_seance(par: Membership | None, seance) -> bool:
    return est_du_lieu(par, seance.lieu_id)


def peut_lire_seance(par: Membership | None, seance) -> bool:
    if est_coordinateur(par):
        return par.organisation.departement_id == seance.lieu.departement_id
    return est_du_lieu(par, seance.lieu_id)
