"""`manage.py seed_scale --profil departement|national [--nombre N] [--beneficiaires N] [--purge]`.

Bench data built with bulk inserts (demo/scale.py): thousands of realistic places, then
organismes prescripteurs, their agents and the people they follow, with suivis and orientations,
then workshops, sessions and 2.5 registrations per person (demo/scale_ateliers.py).
Idempotent: a second run with the same profile and counts changes nothing. `--purge` deletes the
scale data (of the profile given, or of every profile) and nothing else. Never run it on a
production database: the places would show on the public map.
"""

from django.core.management.base import BaseCommand, CommandError

from demo import scale, scale_ateliers


class Command(BaseCommand):
    help = (
        "Crée des lieux, des organismes prescripteurs, des agents et des personnes accompagnées en nombre "
        "pour les mesures de performance (profils departement et national)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--profil",
            choices=sorted(scale.PROFILS),
            help="departement : 500 lieux et 5 000 personnes dans la Creuse ; "
            "national : 18 000 lieux et 400 000 personnes dans 100 départements.",
        )
        parser.add_argument("--nombre", type=int, help="Nombre de lieux (remplace celui du profil, pour les tests).")
        parser.add_argument(
            "--beneficiaires",
            type=int,
            help="Nombre de personnes (par défaut celui du profil, ou proportionnel à --nombre ; 0 : aucune).",
        )
        parser.add_argument(
            "--purge", action="store_true", help="Supprime les données de mesure (du profil donné, sinon de tous)."
        )

    def handle(self, *args, profil, nombre, beneficiaires, purge, **options):
        if purge:
            personnes = scale.purger_beneficiaires(profil)
            supprimes = scale.purger(profil)
            cible = f"du profil « {profil} »" if profil else "de mesure"
            self.stdout.write(
                self.style.SUCCESS(f"{_n(supprimes)} lieu(x) et {_n(personnes)} personne(s) {cible} supprimé(s).")
            )
            return
        if not profil:
            raise CommandError("Indiquez --profil departement ou --profil national (ou --purge).")
        if nombre is not None and nombre < 0:
            raise CommandError("--nombre doit être positif ou nul.")
        if beneficiaires is not None and beneficiaires < 0:
            raise CommandError("--beneficiaires doit être positif ou nul.")
        self.lieux(profil, nombre)
        if beneficiaires is None:
            beneficiaires = scale.beneficiaires_par_defaut(profil, nombre)
        self.personnes(profil, beneficiaires)
        self.ateliers(profil, scale_ateliers.inscriptions_par_defaut(beneficiaires))

    def lieux(self, profil: str, nombre: int | None) -> None:
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

    def ateliers(self, profil: str, nombre: int) -> None:
        bilan = scale_ateliers.construire_ateliers(profil, nombre=nombre)
        if nombre or bilan.supprimees:
            self.stdout.write(scale_ateliers.message(bilan))

    def personnes(self, profil: str, nombre: int) -> None:
        bilan = scale.construire_beneficiaires(profil, nombre=nombre)
        if bilan.deja_en_place:
            if bilan.beneficiaires or bilan.avec_referentiel:
                self.stdout.write(f"Personnes du profil « {profil} » déjà en place : rien à faire.")
            else:
                self.stdout.write(_SANS_REFERENTIEL.format(profil=profil))
            return
        remplaces = f", {_n(bilan.supprimes)} remplacée(s)" if bilan.supprimes else ""
        if not bilan.avec_referentiel:
            self.stdout.write(_SANS_REFERENTIEL.format(profil=profil) + remplaces.replace(",", " ;", 1))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Profil « {profil} » : {_n(bilan.beneficiaires)} personnes (dont {_n(bilan.anonymises)} "
                f"anonymisées), {_n(bilan.organismes)} organismes prescripteurs, {_n(bilan.agents)} agents, "
                f"{_n(bilan.suivis)} suivis et {_n(bilan.orientations)} orientations créés{remplaces} "
                f"en {bilan.secondes:.1f} s."
            )
        )


_SANS_REFERENTIEL = (
    "Profil « {profil} » : aucune personne créée (leur commune doit exister : référentiel des communes non chargé, "
    "manage.py charger_territoires)."
)


def _n(nombre: int) -> str:
    return f"{nombre:,}".replace(",", "\u202f")
