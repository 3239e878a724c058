"""python manage.py export_lieux --format csv|json [--departement CODE] [-o PATH]

Writes the active places in the national standard (v1.0.2): to PATH, or to the standard output.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from structures.services.exportation import FORMATS, exporter
from territoires.models import Departement


class Command(BaseCommand):
    help = "Exporte les lieux ouverts au standard national v1.0.2 (CSV ou JSON), valide selon son schéma."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv", help="csv (par défaut) ou json.")
        parser.add_argument("--departement", metavar="CODE", help="N’exporter que les lieux de ce département.")
        parser.add_argument("-o", "--output", type=Path, metavar="PATH", help="Fichier à écrire (sinon : la sortie).")

    def handle(self, *args, format: str, departement: str | None, output: Path | None, **options):
        dep = None
        if departement:
            dep = Departement.objects.filter(code=departement.strip().upper()).first()
            if dep is None:
                raise CommandError(f"Département inconnu : « {departement} ».")
        if output is None:
            n = exporter(format=format, departement=dep, sortie=_Brut(self.stdout))
            self.stderr.write(f"{n} lieu{'x' * (n > 1)} exporté{'s' * (n > 1)}.")
            return
        try:
            with output.open("w", encoding="utf-8", newline="") as sortie:
                n = exporter(format=format, departement=dep, sortie=sortie)
        except OSError as exc:
            raise CommandError(f"Impossible d’écrire « {output} » : {exc.strerror or exc}.") from exc
        self.stdout.write(self.style.SUCCESS(f"{n} lieu{'x' * (n > 1)} exporté{'s' * (n > 1)} dans {output}."))


class _Brut:
    """The command's stdout without its automatic line ending (the CSV writer brings its own)."""

    def __init__(self, sortie):
        self.sortie = sortie

    def write(self, texte: str) -> None:
        self.sortie.write(texte, ending="")
