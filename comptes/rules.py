"""Who may manage which organisation. Pure functions on memberships, no queries."""

from .models import Membership, Organisation, Role


def can_manage(par: Membership | None, organisation: Organisation) -> bool:
    """Coordinators manage every organisation of their département; référents and responsables
    manage their own organisation; nobody else manages members."""
    if par is None or not par.is_active:
        return False
    if par.role == Role.COORDINATEUR:
        return organisation.departement_id == par.organisation.departement_id
    if par.role in (Role.REFERENT, Role.RESPONSABLE):
        return organisation.pk == par.organisation_id
    return False


def invitable_roles(par: Membership | None, organisation: Organisation) -> tuple[Role, ...]:
    return organisation.roles if can_manage(par, organisation) else ()
