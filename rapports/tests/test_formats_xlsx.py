"""The report as an XLSX workbook, read back with openpyxl: sheet names, real numbers and dates,
percentages as fractions with a % format, frozen bold headers, totals in bold, notes, text that
never becomes a formula, the participant-level sheet; memory that does not grow with the rows."""

import datetime
import io
import time
import tracemalloc

import openpyxl
import pytest

from rapports.contenu import Colonne, Tableau
from rapports.formats import ecrire
from rapports.formats.xlsx import FORMAT_DATE, FORMAT_MONTANT, FORMAT_POURCENTAGE, noms_de_feuilles

from .contenus import FORMULE, TELEPHONE, contenu_exemple, contenu_volumineux


def _classeur(contenu):
    destination = io.BytesIO()
    ecrire("xlsx", contenu, destination)
    destination.seek(0)
    return openpyxl.load_workbook(destination)


@pytest.fixture(scope="module")
def classeur():
    return _classeur(contenu_exemple())


def _lignes(feuille):
    return [list(r) for r in feuille.iter_rows()]


def test_sheets_synthese_then_one_per_table(classeur):
    assert classeur.sheetnames == [
        "Synthèse",
        "Chèques remis et encaissés…",
        "Chèques encaissés par lieu…",
        "Séances par commune",
        "Participants (pseudonymisés)…",
    ]
    for nom in classeur.sheetnames:
        assert len(nom) <= 31
        assert not set(nom) & set("[]:*?/\\")


def test_sheet_names_are_unique_and_cleaned():
    contenu = contenu_exemple(lignes_longues=1)
    colonnes = [Colonne("A")]
    contenu.sections[0].tableaux += [
        Tableau(
            cle=f"t{i}",
            titre="Répartition : financeurs / lignes [coûts] * 2025 — très long titre",
            colonnes=colonnes,
            lignes=[],
        )
        for i in range(3)
    ] + [
        Tableau(cle="s", titre="synthèse", colonnes=colonnes, lignes=[]),
        Tableau(cle="v", titre="'", colonnes=colonnes, lignes=[]),
    ]
    noms = noms_de_feuilles(contenu)
    assert len({n.lower() for n in noms.values()}) == len(noms)
    assert noms["t0"] == "Répartition financeurs lignes…"
    assert noms["t1"].endswith(" (2)") and noms["t2"].endswith(" (3)")
    assert noms["s"] == "synthèse (2)"
    assert noms["v"] == "v"
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in noms.values())
    _classeur(contenu)  # Excel's rules hold: openpyxl writes it


def test_synthese_has_parameters_and_typed_indicators(classeur):
    feuille = classeur["Synthèse"]
    valeurs = {r[0].value: r[1].value if len(r) > 1 else None for r in feuille.iter_rows() if r[0].value}
    assert valeurs["Département"] == "Creuse (23)"
    assert valeurs["Période"] == "du 01/01/2025 au 31/12/2025"
    assert valeurs["Généré le"] == "05/01/2026 à 10:12"
    assert valeurs["Demandé par"] == "Élise Coordinatrice"
    assert valeurs["Du"] == datetime.datetime(2025, 1, 1)
    assert valeurs["Chèques remis"] == 1234
    assert valeurs["Valeur encaissée"] == 1234.5
    assert valeurs["Taux d’encaissement"] == 0.125
    assert valeurs["Date du dernier encaissement"] == datetime.datetime(2025, 12, 31)
    assert valeurs["Sans objet"] is None
    assert valeurs["Séances par commune"] == "Séances par commune"  # the list of sheets


def test_table_sheet_real_values_and_formats(classeur):
    feuille = classeur["Chèques encaissés par lieu…"]
    lignes = _lignes(feuille)
    assert lignes[0][0].value == "Chèques encaissés par lieu : détail [2025]"
    assert [c.value for c in lignes[1]] == ["Lieu", "Chèques", "Montant", "Taux d’encaissement", "Dernier encaissement"]
    assert all(c.font.b for c in lignes[1])
    assert feuille.freeze_panes == "A3"
    lieu, cheques, montant, taux, date = lignes[2]
    assert lieu.value == "Médiathèque de Guéret"
    assert cheques.value == 1234 and cheques.data_type == "n"
    assert montant.value == 1234.5 and montant.number_format == FORMAT_MONTANT
    assert taux.value == 0.125 and taux.number_format == FORMAT_POURCENTAGE
    assert date.value == datetime.datetime(2025, 12, 31) and date.is_date and date.number_format == FORMAT_DATE


def test_formula_looking_text_is_never_a_formula(classeur):
    feuille = classeur["Chèques encaissés par lieu…"]
    premieres = [r[0] for r in _lignes(feuille)[2:7]]
    textes = {c.value for c in premieres}
    assert "'" + FORMULE in textes and "'" + TELEPHONE in textes and "'@SOMME(A1:A2)" in textes
    assert "-12" in textes
    assert all(c.data_type == "s" for c in premieres)
    for r in feuille.iter_rows():
        for c in r:
            assert c.data_type != "f"


def test_none_is_an_empty_cell(classeur):
    telephone = next(r for r in _lignes(classeur["Chèques encaissés par lieu…"]) if r[0].value == "'" + TELEPHONE)
    assert telephone[2].value == 0
    assert len(telephone) < 4 or telephone[3].value is None


def test_total_row_in_bold_then_the_note(classeur):
    lignes = _lignes(classeur["Chèques encaissés par lieu…"])
    total = next(r for r in lignes if r[0].value == "Total")
    assert all(c.font.b for c in total if c.value is not None)
    assert [c.value for c in total[:4]] == ["Total", 1246, 1001335.1, 0.4567]
    assert lignes[-1][0].value.startswith("Montants en euros")
    mensuel = _lignes(classeur["Chèques remis et encaissés…"])
    assert [c.value for c in mensuel[-1]] == ["Total", 780, 528]  # an empty first total cell says « Total »


def test_participant_level_sheet_included(classeur):
    lignes = _lignes(classeur["Participants (pseudonymisés)…"])
    assert len(lignes) == 2 + 30
    assert lignes[2][0].value == "P-000000"
    assert lignes[2][3].is_date
    assert lignes[2][4].number_format == FORMAT_MONTANT


def test_column_widths_fit_the_content(classeur):
    feuille = classeur["Séances par commune"]
    assert feuille.column_dimensions["A"].width >= len("Commune n° 0000 — Saint-Étienne")
    assert 8 <= feuille.column_dimensions["B"].width <= 60


def test_large_table_streams_in_reasonable_time():
    contenu = contenu_volumineux(50_000)
    debut = time.monotonic()
    destination = io.BytesIO()
    ecrire("xlsx", contenu, destination)
    assert time.monotonic() - debut < 60
    destination.seek(0)
    feuille = openpyxl.load_workbook(destination, read_only=True)["Participants (pseudonymisés)…"]
    premieres = list(feuille.iter_rows(min_row=3, max_row=4, values_only=True))
    assert [r[0] for r in premieres] == ["P-000000", "P-000001"]


def _pic_memoire(nombre: int) -> int:
    contenu = contenu_volumineux(nombre)
    tracemalloc.start()
    try:
        ecrire("xlsx", contenu, io.BytesIO())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_rows():
    """Write-only mode: rows go to a temporary file, not to memory (the output buffer aside)."""
    petit, grand = _pic_memoire(500), _pic_memoire(5_000)
    assert grand - petit < 4 * 1024 * 1024
