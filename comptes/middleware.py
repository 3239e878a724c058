"""The current membership (organisation + role) of the logged-in user, and MFA enforcement."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .models import Role
from .selectors import active_memberships_of

SESSION_KEY = "comptes_membership_id"


def set_current_membership(request, membership) -> None:
    request.session[SESSION_KEY] = membership.pk
    request.membership = membership


class CurrentMembershipMiddleware:
    """Sets request.memberships (active ones) and request.membership (the current one).

    The current one is kept in the session; without a choice, or if the chosen membership was
    deactivated meanwhile, the first one is used (the département's team first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = []
        request.membership = None
        if request.user.is_authenticated:
            memberships = active_memberships_of(request.user)
            chosen = request.session.get(SESSION_KEY)
            request.memberships = memberships
            request.membership = next((m for m in memberships if m.pk == chosen), None) or (
                memberships[0] if memberships else None
            )
        return self.get_response(request)


class CoordinatorMFARequiredMiddleware:
    """A coordinator without a second factor is sent to set one up before anything else."""

    ALLOWED_URL_NAMES = (
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_logout",
        "account_reauthenticate",
        "sante",
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed_paths = None

    def allowed_paths(self) -> set[str]:
        if self._allowed_paths is None:
            self._allowed_paths = {reverse(name) for name in self.ALLOWED_URL_NAMES}
        return self._allowed_paths

    def __call__(self, request):
        if (
            settings.MFA_REQUIRED_FOR_COORDINATORS
            and request.user.is_authenticated
            and any(m.role == Role.COORDINATEUR for m in request.memberships)
            and not request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL, "/theme/"))
            and request.path not in self.allowed_paths()
            and not is_mfa_enabled(request.user, [Authenticator.Type.TOTP])
        ):
            messages.warning(
                request,
                "En tant que coordinateur·rice, vous devez activer la double authentification "
                "avant d’accéder à l’application.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
