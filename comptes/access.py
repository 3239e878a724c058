"""Guards for views. They raise (PermissionDenied, Http404); they never return a response."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Membership, Role


def require_membership(request) -> Membership:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise PermissionDenied("Votre compte n’est rattaché à aucune organisation active.")
    return membership


def require_role(request, *roles: Role) -> Membership:
    membership = require_membership(request)
    if membership.role not in roles:
        raise PermissionDenied("Votre rôle ne donne pas accès à cette page.")
    return membership


def role_required(*roles: Role):
    """View decorator: the current membership must hold one of `roles` (else 403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_role(request, *roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def membership_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require_membership(request)
        return view(request, *args, **kwargs)

    return wrapped


MANAGER_ROLES = (Role.COORDINATEUR, Role.REFERENT, Role.RESPONSABLE)
