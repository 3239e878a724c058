"""Second-factor helpers used by seed_demo, the demo_totp command and the tests."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings


def activate_totp(user, secret: str) -> Authenticator:
    """Give `user` a TOTP authenticator with a known secret (demo and tests only)."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing:
        return existing
    return TOTP.activate(user, secret).instance


def current_totp_code(secret: str, at: float | None = None) -> str:
    period = getattr(settings, "MFA_TOTP_PERIOD", 30)
    return format_hotp_value(hotp_value(secret, int(at if at is not None else time.time()) // period))
