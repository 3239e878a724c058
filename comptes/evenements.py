"""Typed journal helpers for the events of this app: one function per event."""

from journal.models import Action
from journal.services import record

from .models import Invitation, Membership


def _by(par: Membership | None) -> dict:
    return {"actor": par.user if par else None, "organisation": par.organisation if par else None}


def membre_ajoute(
    *, par: Membership | None, membre: Membership, via_invitation: Invitation | None = None, request=None
):
    return record(
        action=Action.MEMBRE_AJOUTE,
        **_by(par),
        departement=membre.organisation.departement,
        target=membre,
        details={
            "email": membre.user.email,
            "organisation_id": membre.organisation_id,
            "role": membre.role,
            "invitation_id": via_invitation.pk if via_invitation else None,
        },
        request=request,
    )


def membre_desactive(*, par: Membership | None, membre: Membership, request=None):
    return record(
        action=Action.MEMBRE_DESACTIVE,
        **_by(par),
        departement=membre.organisation.departement,
        target=membre,
        details={"email": membre.user.email, "organisation_id": membre.organisation_id, "role": membre.role},
        request=request,
    )


def membre_reactive(*, par: Membership | None, membre: Membership, ancien_role: str, request=None):
    return record(
        action=Action.MEMBRE_REACTIVE,
        **_by(par),
        departement=membre.organisation.departement,
        target=membre,
        details={
            "email": membre.user.email,
            "organisation_id": membre.organisation_id,
            "role": membre.role,
            "ancien_role": ancien_role,
        },
        request=request,
    )


def _invitation_details(invitation: Invitation) -> dict:
    return {
        "email": invitation.email,
        "organisation_id": invitation.organisation_id,
        "role": invitation.role,
        "expire_le": invitation.expires_at.isoformat(),
    }


def invitation_envoyee(*, par: Membership, invitation: Invitation, request=None):
    return record(
        action=Action.INVITATION_ENVOYEE,
        **_by(par),
        departement=invitation.organisation.departement,
        target=invitation,
        details=_invitation_details(invitation),
        request=request,
    )


def invitation_renvoyee(*, par: Membership, invitation: Invitation, request=None):
    return record(
        action=Action.INVITATION_RENVOYEE,
        **_by(par),
        departement=invitation.organisation.departement,
        target=invitation,
        details=_invitation_details(invitation) | {"envois": invitation.send_count},
        request=request,
    )


def invitation_annulee(*, par: Membership, invitation: Invitation, request=None):
    return record(
        action=Action.INVITATION_ANNULEE,
        **_by(par),
        departement=invitation.organisation.departement,
        target=invitation,
        details=_invitation_details(invitation),
        request=request,
    )


def invitation_acceptee(*, invitation: Invitation, compte_cree: bool, request=None):
    return record(
        action=Action.INVITATION_ACCEPTEE,
        actor=invitation.accepted_by,
        organisation=invitation.organisation,
        target=invitation,
        details=_invitation_details(invitation) | {"compte_cree": compte_cree},
        request=request,
    )
