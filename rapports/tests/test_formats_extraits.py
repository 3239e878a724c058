"""Long tables: an excerpt in the PDF (the most active rows, then the total over every row), every
row in XLSX and CSV; a table too long for a spreadsheet goes to CSV only."""

import io
import zipfile

import openpyxl
from pypdf import PdfReader

from rapports.calculs import LIGNES_EXTRAIT_PDF, LIGNES_MAX_PDF, _limiter
from rapports.contenu import ENTIER, Colonne, Section, Tableau
from rapports.formats import ecrire
from rapports.formats.pdf import lignes_du_pdf, note_du_pdf
from rapports.tests.contenus import contenu_exemple


def _lieux(n: int) -> Tableau:
    lignes = [[f"Lieu {i:03d}", f"Commune {i:03d}", i % 7, i] for i in range(n)]
    return Tableau(
        "activite-lieux",
        "Activité par lieu",
        [Colonne("Lieu"), Colonne("Commune"), Colonne("Séances", ENTIER), Colonne("Présences", ENTIER)],
        lignes,
        total=["Total", None, sum(r[2] for r in lignes), sum(r[3] for r in lignes)],
    )


def test_un_long_tableau_est_un_extrait_dans_le_pdf_trie_par_presences():
    tableau = _lieux(LIGNES_MAX_PDF + 10)
    _limiter(tableau)
    assert (tableau.pdf_premieres, tableau.pdf_tri) == (LIGNES_EXTRAIT_PDF, 3)
    extrait = lignes_du_pdf(tableau)
    assert len(extrait) == LIGNES_EXTRAIT_PDF
    assert [r[3] for r in extrait] == sorted((r[3] for r in tableau.lignes), reverse=True)[:LIGNES_EXTRAIT_PDF]
    assert note_du_pdf(tableau).startswith(f"Les {LIGNES_EXTRAIT_PDF} premières lignes sur {LIGNES_MAX_PDF + 10}")


def test_un_tableau_court_reste_entier():
    tableau = _lieux(LIGNES_MAX_PDF)
    _limiter(tableau)
    assert tableau.pdf_premieres is None and lignes_du_pdf(tableau) == tableau.lignes


def test_les_formats_respectent_l_extrait_et_le_csv_seul():
    contenu = contenu_exemple(lignes_longues=1)
    long = _lieux(60)
    _limiter(long)
    csv_seul = Tableau("enorme", "Tableau énorme", [Colonne("n", ENTIER)], [[1], [2]], dans_xlsx=False)
    contenu.sections.append(Section("extra", "Extra", [long, csv_seul]))

    pdf = io.BytesIO()
    ecrire("pdf", contenu, pdf)
    texte = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Lieu 059" in texte and "Lieu 000" not in texte  # the most active, not the first
    assert "premières lignes sur 60" in texte

    classeur = io.BytesIO()
    ecrire("xlsx", contenu, classeur)
    wb = openpyxl.load_workbook(classeur)
    feuille = wb["Activité par lieu"]
    assert feuille.max_row >= 2 + 60  # title, header, every row
    assert "Tableau énorme" not in wb.sheetnames
    synthese = [c for r in wb["Synthèse"].iter_rows(values_only=True) for c in r if c]
    assert "CSV seulement : enorme.csv" in synthese

    archive = io.BytesIO()
    ecrire("csv", contenu, archive)
    noms = zipfile.ZipFile(archive).namelist()
    assert "enorme.csv" in noms and "activite-lieux.csv" in noms
