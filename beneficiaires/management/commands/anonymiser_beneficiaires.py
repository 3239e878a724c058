"""Apply the retention rule now: anonymise the records inactive for BENEFICIAIRES_RETENTION_MOIS.

A dry run unless told `--wet-run`: it then says, per département, how many records would be
anonymised and since when they are inactive. The daily Celery beat task
(`beneficiaires.tasks.appliquer_retention`) does the same as `--wet-run`.
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from territoires.models import Departement

from ...services.anonymisation import appliquer_retention, limite_de_conservation

AIDE_OPTIONS = "Options possibles : --wet-run pour anonymiser, rien pour un essai à blanc."


class ParseurEnFrancais(CommandParser):
    """argparse's errors, in French and with the way out."""

    def error(self, message):
        if "unrecognized arguments" in message:
            texte = f"option inconnue : {message.split(':', 1)[1].strip()}. {AIDE_OPTIONS}"
        elif "ignored explicit argument" in message:
            texte = f"l’option --wet-run ne prend pas de valeur. {AIDE_OPTIONS}"
        else:
            texte = f"options invalides ({message}). {AIDE_OPTIONS}"
        if self.called_from_command_line:
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog} : erreur : {texte}\n")
        raise CommandError(f"Erreur : {texte}")


class Command(BaseCommand):
    help = (
        "Anonymise les bénéficiaires sans activité depuis la durée de conservation "
        "(BENEFICIAIRES_RETENTION_MOIS). Essai à blanc sauf avec --wet-run."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # No abbreviations: « --w » must not start a wet run.
        parser = super().create_parser(prog_name, subcommand, allow_abbrev=False, **kwargs)
        parser.__class__ = ParseurEnFrancais  # Django builds a CommandParser: only its errors change
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--wet-run",
            action="store_true",
            help="anonymise vraiment les fiches (sans cette option : essai à blanc, rien n’est modifié)",
        )

    def handle(self, *args, wet_run: bool = False, **options):
        maintenant = timezone.now()
        limite = timezone.localtime(limite_de_conservation(maintenant=maintenant))
        mois = settings.BENEFICIAIRES_RETENTION_MOIS
        comptes = appliquer_retention(wet_run=wet_run, maintenant=maintenant)

        if wet_run:
            self.stdout.write("Anonymisation des bénéficiaires (règle de conservation appliquée).")
        else:
            self.stdout.write("Essai à blanc : aucune fiche n’est modifiée (ajoutez --wet-run pour anonymiser).")
        self.stdout.write(
            f"Durée de conservation : {mois} mois. Date limite : fiches sans activité depuis le "
            f"{limite:%d/%m/%Y à %H:%M} (heure de Paris)."
        )
        if not comptes:
            self.stdout.write("Aucune fiche à anonymiser.")
            return
        noms = dict(Departement.objects.filter(code__in=comptes).values_list("code", "nom"))
        verbe = ("anonymisée", "anonymisées") if wet_run else ("serait anonymisée", "seraient anonymisées")
        for code, nombre in sorted(comptes.items()):
            self.stdout.write(f"- {noms.get(code, code)} ({code}) : {_fiches(nombre)} {verbe[nombre > 1]}")
        total = sum(comptes.values())
        self.stdout.write(f"Total : {_fiches(total)} {verbe[total > 1]}.")


def _fiches(nombre: int) -> str:
    return f"{nombre} fiche{'s' if nombre > 1 else ''}"
