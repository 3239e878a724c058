"""The report as a PDF: its text read back with pypdf (title, département, period, French
amounts, page numbers, tables and charts in order, generation parameters), what it leaves out
(the participant-level table), the cover's branding, and the French number formats."""

import datetime
import io
import re
from decimal import Decimal

import pypdf
import pytest

from rapports.formats import ecrire
from rapports.formats.pdf import contexte, couleur_du_texte, html, logo
from rapports.formats.valeurs import afficher, date_fr, montant_fr, nombre_fr, pourcentage_fr

from .contenus import contenu_exemple

# A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082"
)


def _texte_des_pages(donnees: bytes) -> list[str]:
    lecteur = pypdf.PdfReader(io.BytesIO(donnees))
    return [" ".join(page.extract_text().replace("\u202f", " ").split()) for page in lecteur.pages]


@pytest.fixture(scope="module")
def pages():
    destination = io.BytesIO()
    ecrire("pdf", contenu_exemple(), destination)
    donnees = destination.getvalue()
    assert donnees.startswith(b"%PDF")
    return _texte_des_pages(donnees)


def test_cover_page_names_the_report(pages):
    couverture = pages[0]
    for attendu in (
        "Rapport de financement",
        "Creuse (23)",
        "Du 01/01/2025 au 31/12/2025",
        "Pass numérique Creuse 2025, Pass jeunes",
        "05/01/2026 à 10:12",
        "Demandé par",
        "Élise Coordinatrice",
        "Sommaire",
    ):
        assert attendu in couverture


def test_every_page_is_numbered_and_carries_the_generation_parameters(pages):
    total = len(pages)
    assert total >= 4  # cover, indicators, sections, the long table spanning pages
    for numero, texte in enumerate(pages, start=1):
        assert f"page {numero} sur {total}" in texte
        assert "généré le 05/01/2026 à 10:12" in texte
        assert "Formats : PDF, XLSX, CSV" in texte


def test_key_indicators_formatted_the_french_way(pages):
    indicateurs = pages[1]
    assert "Indicateurs clés" in indicateurs
    assert "1 234,50 €" in indicateurs
    assert "12,5 %" in indicateurs
    assert "31/12/2025" in indicateurs
    assert "Sans objet —" in indicateurs


def test_tables_with_french_numbers_total_and_note(pages):
    tout = " ".join(pages)
    assert "Chèques encaissés par lieu : détail [2025]" in tout
    assert "Médiathèque de Guéret 1 234 1 234,50 € 12,5 % 31/12/2025" in tout
    assert "@SOMME(A1:A2) 2 1 000 000,10 € 0 % 02/01/2025" in tout
    assert "Total 1 246 1 001 335,10 € 45,67 % —" in tout
    assert "Montants en euros, valeur faciale des chèques encaissés" in tout
    assert "+33 6 12 34 56 78 0 0,00 € — —" in tout  # None shown « — »


def test_chart_comes_just_before_its_table(pages):
    page = next(p for p in pages if "Évolution mensuelle des chèques" in p)
    assert page.index("Évolution mensuelle des chèques") < page.index("Chèques remis et encaissés par mois")
    assert "Remis Encaissés" in page  # the legend, drawn as SVG text


def test_long_table_spans_pages_with_repeated_headers(pages):
    avec_communes = [p for p in pages if "Commune n° " in p]
    assert len(avec_communes) >= 2
    for page in avec_communes:
        assert "Commune Séances Heures" in page  # thead repeated on every page
    tout = " ".join(pages)
    assert "Commune n° 0149 — Saint-Étienne 13 5,50" in tout


def test_participant_level_table_is_not_in_the_pdf(pages):
    tout = " ".join(pages)
    assert "P-000001" not in tout
    assert "Participants (pseudonymisés)" not in tout
    assert "figurent dans le classeur XLSX" in tout  # the section says where its data is


def test_cover_band_in_the_departement_colour_with_its_logo(tmp_path):
    chemin = tmp_path / "logo.png"
    chemin.write_bytes(PNG)
    contenu = contenu_exemple(logo=str(chemin), lignes_longues=3)
    page = html(contenu)
    assert "background-color: #1f6f50; color: #ffffff;" in page
    assert 'src="data:image/png;base64,' in page
    destination = io.BytesIO()
    ecrire("pdf", contenu, destination)
    assert pypdf.PdfReader(io.BytesIO(destination.getvalue())).pages[0].images


def test_invalid_colour_and_unreadable_logo_fall_back(tmp_path):
    contenu = contenu_exemple(logo=str(tmp_path / "absent.png"), lignes_longues=3)
    contenu.couleur = "red;} body{display:none"
    assert contexte(contenu)["couleur"] == "#005a9c"
    assert logo(contenu) == ""
    texte = tmp_path / "logo.txt"
    texte.write_text("pas une image")
    contenu.logo = str(texte)
    assert logo(contenu) == ""


def test_text_colour_on_the_band_is_readable():
    assert couleur_du_texte("#ffe000") == "#000000"
    assert couleur_du_texte("#1f4e79") == "#ffffff"


def test_html_escapes_report_text():
    contenu = contenu_exemple(lignes_longues=1)
    contenu.sections[0].tableaux[1].lignes[0][0] = "<script>alert(1)</script>"
    assert "<script>alert(1)</script>" not in html(contenu)


@pytest.mark.parametrize(
    ("valeur", "type_colonne", "attendu"),
    [
        (Decimal("1234.5"), "montant", "1\u202f234,50 €"),
        (Decimal("-0.005"), "montant", "-0,01 €"),
        (12, "montant", "12,00 €"),
        (Decimal("12.50"), "pourcentage", "12,5 %"),
        (Decimal("60.00"), "pourcentage", "60 %"),
        (Decimal("33.333"), "pourcentage", "33,33 %"),
        (1234567, "entier", "1\u202f234\u202f567"),
        (Decimal("2.5"), "entier", "2,50"),
        (datetime.date(2025, 12, 31), "date", "31/12/2025"),
        (None, "montant", "—"),
        ("=1+1", "texte", "=1+1"),
    ],
)
def test_french_display(valeur, type_colonne, attendu):
    assert afficher(valeur, type_colonne) == attendu


def test_number_helpers():
    assert montant_fr(0) == "0,00 €"
    assert nombre_fr(999) == "999"
    assert pourcentage_fr(100) == "100 %"
    assert date_fr(datetime.date(2025, 1, 2)) == "02/01/2025"
    assert re.fullmatch(r"1\u202f000", nombre_fr(1000))
