"""The report as a ZIP of CSV files in two flavours, read back with the csv module (BOM,
separator, decimal mark, dates, injection neutralised, one file per table plus the parameters),
the file names, and an unknown format."""

import csv
import io
import time
import zipfile

import pytest

from rapports.formats import ecrire, nom_fichier

from .contenus import FORMULE, TELEPHONE, contenu_exemple, contenu_volumineux

FICHIERS = [
    "parametres.csv",
    "cheques_par_mois.csv",
    "cheques_par_lieu.csv",
    "seances_par_commune.csv",
    "participants.csv",
]


def _archive(format, contenu=None) -> zipfile.ZipFile:
    destination = io.BytesIO()
    ecrire(format, contenu or contenu_exemple(), destination)
    return zipfile.ZipFile(io.BytesIO(destination.getvalue()))


def _lire(archive, nom, *, encodage, separateur):
    texte = archive.read(nom).decode(encodage)
    return list(csv.reader(io.StringIO(texte, newline=""), delimiter=separateur))


@pytest.fixture(scope="module")
def francais():
    return _archive("csv_fr")


@pytest.fixture(scope="module")
def standard():
    return _archive("csv")


def test_one_file_per_table_plus_the_parameters(francais, standard):
    assert francais.namelist() == FICHIERS
    assert standard.namelist() == FICHIERS
    assert francais.testzip() is None


def test_french_flavour_bom_semicolon_decimal_comma(francais):
    for nom in FICHIERS:
        assert francais.read(nom).startswith(b"\xef\xbb\xbf")
    lignes = _lire(francais, "cheques_par_lieu.csv", encodage="utf-8-sig", separateur=";")
    assert lignes[0] == ["Lieu", "Chèques", "Montant (€)", "Taux d’encaissement (%)", "Dernier encaissement"]
    assert lignes[1] == ["Médiathèque de Guéret", "1234", "1234,50", "12,50", "31/12/2025"]
    assert lignes[5] == ["'@SOMME(A1:A2)", "2", "1000000,10", "0,00", "02/01/2025"]  # no thousands separator
    assert lignes[-1] == ["Total", "1246", "1001335,10", "45,67", ""]
    assert b";" in francais.read("cheques_par_lieu.csv").splitlines()[0]


def test_plain_flavour_no_bom_comma_decimal_point_iso_dates(standard):
    for nom in FICHIERS:
        assert not standard.read(nom).startswith(b"\xef\xbb\xbf")
    lignes = _lire(standard, "cheques_par_lieu.csv", encodage="utf-8", separateur=",")
    assert lignes[1] == ["Médiathèque de Guéret", "1234", "1234.50", "12.50", "2025-12-31"]
    assert lignes[-1] == ["Total", "1246", "1001335.10", "45.67", ""]
    assert b";" not in standard.read("cheques_par_lieu.csv")


@pytest.mark.parametrize(("format", "encodage", "separateur"), [("csv_fr", "utf-8-sig", ";"), ("csv", "utf-8", ",")])
def test_formula_injection_neutralised(format, encodage, separateur):
    lignes = _lire(_archive(format), "cheques_par_lieu.csv", encodage=encodage, separateur=separateur)
    premieres = [ligne[0] for ligne in lignes[1:]]
    assert "'" + FORMULE in premieres
    assert "'" + TELEPHONE in premieres
    assert "-12" in premieres  # a plain number stays as it is
    for ligne in lignes:
        for cellule in ligne:
            assert not cellule.startswith(("=", "+", "@")), cellule


def test_none_is_empty_and_totals_label(francais):
    lignes = _lire(francais, "cheques_par_lieu.csv", encodage="utf-8-sig", separateur=";")
    assert lignes[3] == ["'" + TELEPHONE, "0", "0,00", "", ""]
    mensuel = _lire(francais, "cheques_par_mois.csv", encodage="utf-8-sig", separateur=";")
    assert mensuel[-1] == ["Total", "780", "528"]


def test_decimal_counts_and_participants(francais, standard):
    communes = _lire(francais, "seances_par_commune.csv", encodage="utf-8-sig", separateur=";")
    assert communes[1] == ["Commune n° 0000 — Saint-Étienne", "0", "0,50"]
    participants = _lire(standard, "participants.csv", encodage="utf-8", separateur=",")
    assert participants[0] == ["Pseudonyme", "Sexe", "Âge à l’entrée", "Première journée", "Chèques encaissés (€)"]
    assert len(participants) == 1 + 30
    assert participants[1] == ["P-000000", "femme", "18", "2025-01-01", "0.00"]


def test_parameters_file(francais, standard):
    lignes = _lire(francais, "parametres.csv", encodage="utf-8-sig", separateur=";")
    assert lignes[0] == ["Rubrique", "Libellé", "Valeur", "Détail"]
    assert ["Paramètre", "Département", "Creuse (23)", ""] in lignes
    assert ["Paramètre", "Généré le", "05/01/2026 à 10:12", ""] in lignes
    assert ["Paramètre", "Demandé par", "Élise Coordinatrice", ""] in lignes
    assert ["Indicateur", "Valeur encaissée (€)", "1234,50", "valeur faciale"] in lignes
    assert ["Indicateur", "Taux d’encaissement (%)", "12,50", ""] in lignes
    assert ["Indicateur", "Date du dernier encaissement", "31/12/2025", ""] in lignes
    assert [
        "Tableau",
        "Séances par commune",
        "seances_par_commune.csv",
        "Heures des séances ayant eu au moins une présence.",
    ] in lignes
    plain = _lire(standard, "parametres.csv", encodage="utf-8", separateur=",")
    assert ["Indicateur", "Valeur encaissée (€)", "1234.50", "valeur faciale"] in plain
    assert ["Indicateur", "Date du dernier encaissement", "2025-12-31", ""] in plain


def test_large_table_streams_in_reasonable_time():
    contenu = contenu_volumineux(50_000)
    debut = time.monotonic()
    archive = _archive("csv_fr", contenu)
    assert time.monotonic() - debut < 15
    assert archive.read("participants.csv").count(b"\r\n") == 1 + 50_000


@pytest.mark.parametrize(
    ("format", "attendu"),
    [
        ("pdf", "rapport-financement-23-2025-01-01-2025-12-31.pdf"),
        ("xlsx", "rapport-financement-23-2025-01-01-2025-12-31.xlsx"),
        ("csv_fr", "rapport-financement-23-2025-01-01-2025-12-31-csv-fr.zip"),
        ("csv", "rapport-financement-23-2025-01-01-2025-12-31-csv.zip"),
    ],
)
def test_file_name(format, attendu):
    assert nom_fichier(contenu_exemple(lignes_longues=1), format) == attendu


@pytest.mark.parametrize(
    ("departement", "code"),
    [("Corse-du-Sud (2A)", "2a"), ("Toutes les instances", "instance"), ("La Réunion (974)", "974")],
)
def test_file_name_departement_code(departement, code):
    nom = nom_fichier(contenu_exemple(departement=departement, lignes_longues=1), "pdf")
    assert nom == f"rapport-financement-{code}-2025-01-01-2025-12-31.pdf"
    assert nom.isascii() and " " not in nom


def test_unknown_format():
    contenu = contenu_exemple(lignes_longues=1)
    destination = io.BytesIO()
    with pytest.raises(ValueError, match="Format inconnu : docx"):
        ecrire("docx", contenu, destination)
    assert destination.getvalue() == b""
    with pytest.raises(ValueError, match="Format inconnu : docx"):
        nom_fichier(contenu, "docx")
