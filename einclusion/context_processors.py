from django.conf import settings

from .navigation import nav_items


def site(request):
    membership = getattr(request, "membership", None)
    return {
        "site_name": settings.SITE_NAME,
        "current_membership": membership,
        "user_memberships": getattr(request, "memberships", []),
        "theme_departement": membership.organisation.departement if membership else None,
        "nav_items": nav_items(request),
    }
