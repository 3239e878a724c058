"""python manage.py import_lieux: the French report, exit codes, nothing written on rejection."""

import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from journal.models import Action, Evenement
from structures.models import Lieu
from structures.standard import EXAMPLE_PATH
from structures.tests.data import charger_communes, csv_bytes, ligne_gueret


@pytest.fixture
def communes(db):
    charger_communes()


@dataclass
class Resultat:
    code: int
    out: str
    err: str


def lancer(*args) -> Resultat:
    """Run the command. `code` is the exit status `manage.py` gives: a CommandError prints its
    message on stderr and exits with its returncode."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_lieux", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        err.write(str(exc))
        code = exc.returncode
    return Resultat(code, out.getvalue(), err.getvalue())


def test_import_de_l_exemple_officiel(communes):
    resultat = lancer(EXAMPLE_PATH)

    assert resultat.code == 0
    assert "Créés : 1" in resultat.out
    assert "Import effectué : 1 créé, 0 modifié, 0 inchangé, 0 rejeté." in resultat.out
    assert Lieu.objects.get().identifiant == "structure-1"
    entree = Evenement.objects.get(action=Action.LIEUX_IMPORTES)
    assert entree.actor is None
    assert entree.details["fichier"] == EXAMPLE_PATH.name
    assert entree.details["crees"] == 1
    assert lancer(EXAMPLE_PATH).out.count("Inchangés : 1") == 1


def test_simulation(communes):
    resultat = lancer(EXAMPLE_PATH, "--dry-run")

    assert resultat.code == 0
    assert "Simulation : 1 créé, 0 modifié, 0 inchangé, 0 rejeté. Rien n’a été écrit." in resultat.out
    assert not Lieu.objects.exists()
    assert not Evenement.objects.exists()


@pytest.mark.parametrize("simulation", [[], ["--dry-run"]])
def test_rejet_erreurs_par_ligne_et_champ_code_de_sortie_non_nul(communes, tmp_path, simulation):
    fichier = tmp_path / "lieux.csv"
    fichier.write_bytes(csv_bytes([ligne_gueret(), ligne_gueret(id="b", nom="B", telephone="12")]))

    resultat = lancer(fichier, *simulation)

    assert resultat.code == 1
    assert "Ligne 3, champ « telephone » : Numéro de téléphone invalide : « 12 »." in resultat.out
    assert "Rejetés : 1" in resultat.out
    assert "Import refusé (1 lieu rejeté) : rien n’a été écrit." in resultat.err
    assert not Lieu.objects.exists()
    assert not Evenement.objects.exists()


def test_departement_restreint(communes):
    resultat = lancer(EXAMPLE_PATH, "--departement", "23")

    assert resultat.code == 1
    assert "ce lieu est à Reims (Marne, 51), hors du département Creuse (23)" in resultat.out
    assert not Lieu.objects.exists()
    assert lancer(EXAMPLE_PATH, "--departement", "51").code == 0


def test_departement_inconnu_ou_fichier_absent(communes, tmp_path):
    inconnu = lancer(EXAMPLE_PATH, "--departement", "99")
    absent = lancer(tmp_path / "absent.csv")

    assert (inconnu.code, inconnu.err) == (1, "Département inconnu : « 99 ».")
    assert absent.code == 1
    assert absent.err.startswith("Impossible de lire le fichier")


def test_fichier_trop_gros_refuse_sans_le_lire(communes, tmp_path):
    fichier = tmp_path / "enorme.csv"
    with fichier.open("wb") as fh:  # a sparse 50 MB file: nothing is really written to the disk
        fh.truncate(50 * 1024 * 1024)

    resultat = lancer(fichier)

    assert resultat.code == 1
    assert resultat.err == (
        "enorme.csv : Le fichier est trop volumineux (50 Mo) : la taille maximale est de 10 Mo. "
        "Découpez-le en plusieurs fichiers, par exemple par département. Rien n’a été écrit."
    )
