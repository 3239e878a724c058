"""The public page behind an invitation link."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from comptes.forms import AccepterInvitationForm
from comptes.middleware import set_current_membership
from comptes.models import User
from comptes.services import invitations as services
from comptes.services.invitations import InvitationInvalide, NouveauCompte
from einclusion.formulaires import donnees_postees


def _invalid(request, exc: InvitationInvalide, status=410):
    return render(
        request,
        "comptes/invitation_invalide.html",
        {"code": exc.code, "message": exc.message},
        status=404 if exc.code == "unknown" else status,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def accepter_invitation(request, token):
    try:
        invitation = services.trouver_invitation(token)
    except InvitationInvalide as exc:
        return _invalid(request, exc)

    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return _invalid(request, InvitationInvalide("foreign"), status=403)
        if request.method == "POST":
            try:
                membre = services.accepter_invitation(invitation=invitation, user=request.user, request=request)
            except InvitationInvalide as exc:
                return _invalid(request, exc)
            set_current_membership(request, membre)
            messages.success(request, f"Vous avez rejoint {membre.organisation} ({membre.get_role_display()}).")
            return redirect("accueil")
        return render(request, "comptes/invitation_confirmer.html", {"invitation": invitation})

    if User.objects.filter(email__iexact=invitation.email).exists():
        login_url = reverse("account_login") + "?" + urlencode({"next": request.path})
        return render(
            request,
            "comptes/invitation_se_connecter.html",
            {"invitation": invitation, "login_url": login_url},
        )

    form = AccepterInvitationForm(donnees_postees(request), email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membre = services.creer_compte_et_accepter(
                invitation=invitation,
                compte=NouveauCompte(
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                ),
                request=request,
            )
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error("password1", error)
        except InvitationInvalide as exc:
            return _invalid(request, exc)
        else:
            login(request, membre.user, backend="django.contrib.auth.backends.ModelBackend")
            set_current_membership(request, membre)
            messages.success(request, f"Bienvenue ! Votre compte est créé et vous avez rejoint {membre.organisation}.")
            return redirect("accueil")
    return render(request, "comptes/invitation_creer_compte.html", {"invitation": invitation, "form": form})
