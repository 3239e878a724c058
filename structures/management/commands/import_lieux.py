"""python manage.py import_lieux PATH [--departement CODE] [--dry-run]

Imports places from a CSV or JSON file in the national standard (v1.0.2). All or nothing: if one
row is rejected, nothing is written and the command exits with an error.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from structures.services.importation import importer_lieux, message_taille
from territoires.models import Departement


class Command(BaseCommand):
    help = (
        "Importe des lieux de médiation numérique depuis un fichier CSV ou JSON au standard national v1.0.2. "
        "Tout ou rien : si une ligne est rejetée, rien n’est écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument("chemin", type=Path, help="Fichier CSV (séparateur , ou ;) ou JSON, en UTF-8.")
        parser.add_argument(
            "--departement",
            metavar="CODE",
            help="N’importer que les lieux de ce département (les autres lignes sont rejetées).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Simulation : affiche ce qui serait créé, modifié ou rejeté, sans rien écrire.",
        )

    def handle(self, *args, chemin: Path, departement: str | None, dry_run: bool, **options):
        dep = None
        if departement:
            dep = Departement.objects.filter(code=departement.strip().upper()).first()
            if dep is None:
                raise CommandError(f"Département inconnu : « {departement} ».")
        try:
            trop_gros = message_taille(chemin.stat().st_size)  # before reading anything
            if trop_gros:
                raise CommandError(f"{chemin.name} : {trop_gros} Rien n’a été écrit.")
            contenu = chemin.read_bytes()
        except OSError as exc:
            raise CommandError(f"Impossible de lire le fichier « {chemin} » : {exc.strerror or exc}.") from exc
        rapport = importer_lieux(contenu=contenu, nom_fichier=chemin.name, departement=dep, simulation=dry_run)
        self.stdout.write(rapport.texte())
        if not rapport.accepte or (not dry_run and not rapport.ecrit):
            raise CommandError(rapport.conclusion())
