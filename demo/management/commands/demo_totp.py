"""`manage.py demo_totp`: the current TOTP code of the demo coordinatrice (no phone needed)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from comptes.mfa import current_totp_code
from demo import data


class Command(BaseCommand):
    help = "Affiche le code de double authentification actuel de la coordinatrice de démonstration."

    def handle(self, *args, **options):
        now = time.time()
        period = getattr(settings, "MFA_TOTP_PERIOD", 30)
        code = current_totp_code(data.TOTP_SECRET, at=now)
        remaining = period - int(now) % period
        self.stdout.write(f"Code de double authentification de {data.COORDINATRICE.email} : {code}")
        self.stdout.write(f"Valable encore {remaining} s (un nouveau code toutes les {period} s).")
