"""python manage.py charger_territoires [--dossier DOSSIER]: load the shipped reference data."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territoires.referentiel import DOSSIER_PAR_DEFAUT, ReferentielInvalide
from territoires.services import charger_referentiel

LIBELLES = {
    # key: (label, feminine)
    "regions": ("Régions", True),
    "departements": ("Départements", False),
    "communes": ("Communes (et arrondissements municipaux)", True),
    "codes_postaux": ("Codes postaux", False),
}


class Command(BaseCommand):
    help = (
        "Charge ou met à jour les régions, départements, communes et codes postaux livrés avec "
        "l’application (territoires/data/). Sans effet si rien n’a changé."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dossier",
            type=Path,
            default=DOSSIER_PAR_DEFAUT,
            help="Dossier contenant regions.csv, departements.csv, epcis.csv et communes.csv(.gz).",
        )

    def handle(self, *args, dossier, **options):
        debut = time.perf_counter()
        try:
            bilans = charger_referentiel(dossier=dossier)
        except ReferentielInvalide as exc:
            raise CommandError(
                "Référentiel territorial invalide, rien n’a été enregistré :\n" + "\n".join(exc.erreurs)
            ) from exc
        for cle, bilan in bilans.items():
            libelle, feminin = LIBELLES[cle]
            parties = [
                _compte(bilan.crees, "créé", feminin),
                _compte(bilan.modifies, "modifié", feminin),
                _compte(bilan.inchanges, "inchangé", feminin),
            ]
            if bilan.retires:
                parties.append(_compte(bilan.retires, "retiré", feminin))
            self.stdout.write(f"{libelle} : {', '.join(parties)}.")
        self.stdout.write(self.style.SUCCESS(f"Référentiel territorial à jour en {time.perf_counter() - debut:.1f} s."))


def _compte(nombre: int, participe: str, feminin: bool) -> str:
    """34 920 créées, 1 modifié, 0 inchangé (in French, 0 and 1 take the singular)."""
    accord = ("e" if feminin else "") + ("s" if nombre >= 2 else "")
    return f"{nombre:,}".replace(",", "\u202f") + f" {participe}{accord}"
