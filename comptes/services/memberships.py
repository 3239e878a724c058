"""Adding, deactivating and reactivating memberships. A membership is never deleted."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comptes import evenements
from comptes.models import Invitation, Membership, Organisation, User
from comptes.rules import can_manage


def _check_role(organisation: Organisation, role: str) -> None:
    if role not in organisation.roles:
        raise ValidationError({"role": "Ce rôle n’existe pas pour ce type d’organisation."}, code="invalid_role")


@transaction.atomic
def ajouter_membre(
    *,
    par: Membership | None,
    user: User,
    organisation: Organisation,
    role: str,
    via_invitation: Invitation | None = None,
    request=None,
) -> Membership:
    """Give `user` the `role` in `organisation`, reactivating a former membership if any.

    `par` is the manager acting, or None for the invitation flow (the invitation is the
    authority) and for system commands (seed_demo).
    """
    if par is not None and not can_manage(par, organisation):
        raise PermissionDenied
    _check_role(organisation, role)
    membre = Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
    if membre is None:
        membre = Membership.objects.create(
            user=user,
            organisation=organisation,
            role=role,
            invited_by=via_invitation.created_by if via_invitation else (par.user if par else None),
        )
        evenements.membre_ajoute(par=par or membre, membre=membre, via_invitation=via_invitation, request=request)
        return membre
    if membre.is_active and membre.role == role:
        return membre
    ancien_role = membre.role
    membre.role = role
    membre.is_active = True
    membre.deactivated_at = None
    membre.save(update_fields=["role", "is_active", "deactivated_at", "updated_at"])
    evenements.membre_reactive(par=par or membre, membre=membre, ancien_role=ancien_role, request=request)
    return membre


@transaction.atomic
def desactiver_membre(*, par: Membership, membre: Membership, request=None) -> Membership:
    if not can_manage(par, membre.organisation):
        raise PermissionDenied
    membre = Membership.objects.select_for_update().get(pk=membre.pk)
    if membre.pk == par.pk:
        raise ValidationError(
            "Vous ne pouvez pas désactiver votre propre accès : demandez-le à un autre gestionnaire.",
            code="self",
        )
    if not membre.is_active:
        raise ValidationError("Ce membre est déjà désactivé.", code="already_inactive")
    membre.is_active = False
    membre.deactivated_at = timezone.now()
    membre.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    evenements.membre_desactive(par=par, membre=membre, request=request)
    return membre


@transaction.atomic
def reactiver_membre(*, par: Membership, membre: Membership, request=None) -> Membership:
    if not can_manage(par, membre.organisation):
        raise PermissionDenied
    membre = Membership.objects.select_for_update().get(pk=membre.pk)
    if membre.is_active:
        raise ValidationError("Ce membre est déjà actif.", code="already_active")
    membre.is_active = True
    membre.deactivated_at = None
    membre.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    evenements.membre_reactive(par=par, membre=membre, ancien_role=membre.role, request=request)
    return membre
