"""`manage.py seed_scale --profil departement|national [--nombre N] [--purge]`: bench data.

Builds thousands of realistic places with bulk inserts (demo/scale.py). Idempotent: a second
run with the same profile and count changes nothing. `--purge` deletes the scale places (of the
profile given, or of every profile) and nothing else. Never run it on a production database:
the places would show on the public map.
"""

from django.core.management.base import BaseCommand, CommandError

from demo import scale


class Command(BaseCommand):
    help = "Crée des lieux en nombre pour les mesures de performance (profils departement et national)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--profil",
            choices=sorted(scale.PROFILS),
            help="departement : 500 lieux dans la Creuse ; national : 18 000 lieux dans 100 départements.",
        )
        parser.add_argument("--nombre", type=int, help="Nombre de lieux (remplace celui du profil, pour les tests).")
        parser.add_argument(
            "--purge", action="store_true", help="Supprime les lieux de mesure (du profil donné, sinon de tous)."
        )

    def handle(self, *args, profil, nombre, purge, **options):
        if purge:
            supprimes = scale.purger(profil)
            cible = f"du profil « {profil} »" if profil else "de mesure"
            self.stdout.write(self.style.SUCCESS(f"{_n(supprimes)} lieu(x) {cible} supprimé(s)."))
            return
        if not profil:
            raise CommandError("Indiquez --profil departement ou --profil national (ou --purge).")
        if nombre is not None and nombre < 0:
            raise CommandError("--nombre doit être positif ou nul.")
        bilan = scale.construire(profil, nombre=nombre)
        if bilan.deja_en_place:
            self.stdout.write(f"Profil « {profil} » déjà en place : rien à faire.")
            return
        origine = (
            "positions des communes du référentiel"
            if bilan.avec_referentiel
            else "positions aléatoires (référentiel des communes non chargé : manage.py charger_territoires)"
        )
        remplaces = f", {_n(bilan.supprimes)} remplacé(s)" if bilan.supprimes else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Profil « {profil} » : {_n(bilan.crees)} lieux créés{remplaces} en {bilan.secondes:.1f} s ({origine})."
            )
        )


def _n(nombre: int) -> str:
    return f"{nombre:,}".replace(",", "\u202f")
