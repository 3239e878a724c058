"""Organisations directory, members and invitations management."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from comptes.access import MANAGER_ROLES, role_required
from comptes.forms import InvitationForm
from comptes.models import Organisation, Role
from comptes.selectors import (
    get_manageable_invitation,
    get_manageable_membership,
    get_manageable_organisation,
    members_of,
    open_invitations_of,
    organisations_manageable_by,
)
from comptes.services import invitations as invitation_services
from comptes.services import memberships as membership_services
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees

PAGE_SIZE = 25


@role_required(Role.COORDINATEUR)
def organisations(request):
    """The coordinator's directory of the département's organisations, with search and filter."""
    qs = organisations_manageable_by(request.membership).annotate(
        nb_membres=Count("memberships", filter=Q(memberships__is_active=True))
    )
    q = request.GET.get("q", "").strip()
    type_ = request.GET.get("type", "")
    if q:
        qs = qs.filter(nom__icontains=q)
    if type_ in Organisation.Type.values:
        qs = qs.filter(type=type_)
    page = Paginator(qs.order_by("type", "nom"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "comptes/organisations.html",
        {"page": page, "q": q, "type": type_, "types": Organisation.Type.choices},
    )


@role_required(*MANAGER_ROLES)
def membres(request, pk):
    organisation = get_manageable_organisation(request.membership, pk)
    return render(
        request,
        "comptes/membres.html",
        {
            "organisation": organisation,
            "membres": members_of(organisation),
            "invitations": open_invitations_of(organisation),
        },
    )


@role_required(*MANAGER_ROLES)
@require_http_methods(["GET", "POST"])
def inviter(request, pk):
    organisation = get_manageable_organisation(request.membership, pk)
    form = InvitationForm(donnees_postees(request), organisation=organisation, role_propose=request.GET.get("role"))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_services.inviter(
                par=request.membership,
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(request, f"Invitation envoyée à {invitation.email}.")
            return redirect("comptes:membres", pk=organisation.pk)
    return render(request, "comptes/inviter.html", {"organisation": organisation, "form": form})


@role_required(*MANAGER_ROLES)
@require_http_methods(["GET", "POST"])
def desactiver_membre(request, pk):
    membre = get_manageable_membership(request.membership, pk)
    if request.method == "POST":
        try:
            membership_services.desactiver_membre(par=request.membership, membre=membre, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"L’accès de {membre.user.email} à {membre.organisation} est désactivé.")
        return redirect("comptes:membres", pk=membre.organisation_id)
    return render(request, "comptes/desactiver_membre.html", {"membre": membre})


@role_required(*MANAGER_ROLES)
@require_POST
def reactiver_membre(request, pk):
    membre = get_manageable_membership(request.membership, pk)
    try:
        membership_services.reactiver_membre(par=request.membership, membre=membre, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"L’accès de {membre.user.email} à {membre.organisation} est réactivé.")
    return redirect("comptes:membres", pk=membre.organisation_id)


@role_required(*MANAGER_ROLES)
@require_http_methods(["GET", "POST"])
def annuler_invitation(request, pk):
    invitation = get_manageable_invitation(request.membership, pk)
    if request.method == "POST":
        try:
            invitation_services.annuler_invitation(par=request.membership, invitation=invitation, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"L’invitation de {invitation.email} est annulée.")
        return redirect("comptes:membres", pk=invitation.organisation_id)
    return render(request, "comptes/annuler_invitation.html", {"invitation": invitation})


@role_required(*MANAGER_ROLES)
@require_POST
def renvoyer_invitation(request, pk):
    invitation = get_manageable_invitation(request.membership, pk)
    try:
        invitation = invitation_services.renvoyer_invitation(
            par=request.membership, invitation=invitation, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Invitation renvoyée à {invitation.email} : le nouveau lien est valable jusqu’au "
            f"{timezone.localtime(invitation.expires_at):%d/%m/%Y à %H:%M}. L’ancien lien ne fonctionne plus.",
        )
    return redirect("comptes:membres", pk=invitation.organisation_id)
