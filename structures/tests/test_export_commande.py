"""python manage.py export_lieux --format csv|json [--departement CODE] [-o PATH]."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from structures.services.importation import importer_lieux
from structures.standard import EXAMPLE_PATH, field_names
from structures.tests.data import charger_communes


@pytest.fixture
def exemple(db):
    charger_communes()
    assert importer_lieux(contenu=EXAMPLE_PATH.read_bytes(), nom_fichier="exemple.csv").ecrit


def test_export_csv_sur_la_sortie(exemple):
    sortie, erreurs = io.StringIO(), io.StringIO()

    call_command("export_lieux", "--format", "csv", stdout=sortie, stderr=erreurs)

    lecteur = csv.reader(io.StringIO(sortie.getvalue()))
    assert next(lecteur) == list(field_names())
    assert next(lecteur)[:3] == ["structure-1", "43493312300029", "Anonymal"]
    assert "1 lieu exporté." in erreurs.getvalue()


def test_export_json_dans_un_fichier(exemple, tmp_path):
    chemin = tmp_path / "lieux.json"
    sortie = io.StringIO()

    call_command("export_lieux", "--format", "json", "-o", str(chemin), stdout=sortie)

    (objet,) = json.loads(chemin.read_text(encoding="utf-8"))
    assert objet["id"] == "structure-1"
    assert f"1 lieu exporté dans {chemin}." in sortie.getvalue()


def test_export_d_un_departement(exemple, tmp_path):
    chemin = tmp_path / "lieux.csv"

    call_command("export_lieux", "--departement", "23", "-o", str(chemin), stdout=io.StringIO())

    assert chemin.read_bytes() == (",".join(field_names()) + "\r\n").encode()
    with pytest.raises(CommandError, match=r"Département inconnu : « 99 »\."):
        call_command("export_lieux", "--departement", "99", stdout=io.StringIO())
