"""Reads scoped to what the current membership may see. Out of scope means 404, never a page."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Invitation, Membership, Organisation, Role

_TYPE_RANK = {Organisation.Type.DEPARTEMENT: 0, Organisation.Type.PRESCRIPTEUR: 1, Organisation.Type.LIEU: 2}


def active_memberships_of(user) -> list[Membership]:
    """A user's active memberships, the département's team first, then by name."""
    memberships = Membership.objects.active().filter(user=user).select_related("organisation__departement")
    return sorted(memberships, key=lambda m: (_TYPE_RANK[m.organisation.type], m.organisation.nom.lower(), m.pk))


def organisations_visible_to(membership: Membership | None) -> QuerySet[Organisation]:
    if membership is None:
        return Organisation.objects.none()
    if membership.is_departement:
        return Organisation.objects.filter(departement_id=membership.organisation.departement_id)
    return Organisation.objects.filter(pk=membership.organisation_id)


def organisations_manageable_by(membership: Membership | None) -> QuerySet[Organisation]:
    if membership is None:
        return Organisation.objects.none()
    if membership.role == Role.COORDINATEUR:
        return Organisation.objects.filter(departement_id=membership.organisation.departement_id)
    if membership.role in (Role.REFERENT, Role.RESPONSABLE):
        return Organisation.objects.filter(pk=membership.organisation_id)
    return Organisation.objects.none()


def get_manageable_organisation(membership: Membership | None, pk) -> Organisation:
    organisation = organisations_manageable_by(membership).select_related("departement").filter(pk=pk).first()
    if organisation is None:
        raise Http404("Organisation introuvable.")
    return organisation


def get_manageable_membership(membership: Membership | None, pk) -> Membership:
    found = (
        Membership.objects.filter(organisation__in=organisations_manageable_by(membership), pk=pk)
        .select_related("user", "organisation__departement")
        .first()
    )
    if found is None:
        raise Http404("Membre introuvable.")
    return found


def get_manageable_invitation(membership: Membership | None, pk) -> Invitation:
    found = (
        Invitation.objects.filter(organisation__in=organisations_manageable_by(membership), pk=pk)
        .select_related("organisation__departement", "created_by")
        .first()
    )
    if found is None:
        raise Http404("Invitation introuvable.")
    return found


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by(
        "-is_active", "user__last_name", "user__first_name", "user__email"
    )


def open_invitations_of(organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(accepted_at__isnull=True, cancelled_at__isnull=True).select_related(
        "created_by"
    )
