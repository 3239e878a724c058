"""A report as an XLSX workbook (openpyxl, write-only mode: rows are streamed to disk, so a
400,000-row participant sheet stays well under the memory budget).

- « Synthèse »: the generation parameters, the key indicators and the list of the sheets;
- one sheet per table (the participant-level table included): its title in row 1, the bold
  header in row 2 (rows 1–2 frozen), the rows, the total row in bold, the note under the table.

Cells are real values: integers and amounts are numbers (amounts with a « # ##0,00 € » format),
percentages — 0–100 in the contract — are stored as fractions (12.5 → 0.125) with a « 0,00 % »
format, so that a spreadsheet computes with them; dates are dates shown dd/mm/yyyy. Text goes
through `cellule_sure`: nothing written by the report can run as a formula.
"""

import datetime
import itertools
from copy import copy
from decimal import Decimal
from typing import BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from rapports.contenu import DATE, MONTANT, POURCENTAGE, ContenuRapport, Tableau

from .valeurs import afficher, cellule_sure, parametres, premiere_cellule_total

FORMAT_MONTANT = '#,##0.00\\ "€"'
FORMAT_POURCENTAGE = "0.00%"
FORMAT_ENTIER = "#,##0"
FORMAT_DECIMAL = "#,##0.00"
FORMAT_DATE = "DD/MM/YYYY"
INTERDITS = set("[]:*?/\\")
LONGUEUR_NOM = 31
LIGNES_MESUREES = 300  # column widths from the header, the first rows and the total
LARGEUR_MIN, LARGEUR_MAX = 8, 60

GRAS = Font(bold=True)
TITRE = Font(bold=True, size=13)
NOTE = Font(italic=True, color="444444")
ENTETE_FOND = PatternFill("solid", fgColor="E7EBF0")
ENTETE_BORD = Border(bottom=Side(style="thin", color="333333"))
TOTAL_BORD = Border(top=Side(style="thin", color="333333"))
ENVELOPPE = Alignment(wrap_text=True, vertical="top")


def _tronquer(texte: str, longueur: int) -> str:
    """At most `longueur` characters, cut after a whole word with « … » when it can."""
    if len(texte) <= longueur:
        return texte
    coupe = texte[: longueur - 1]
    if " " in coupe[longueur // 2 :]:
        coupe = coupe.rsplit(" ", 1)[0]
    return coupe.rstrip(" ,;:-—") + "…"


def noms_de_feuilles(contenu: ContenuRapport) -> dict[str, str]:
    """A sheet name per table (by cle): its title without the characters Excel forbids, at most 31
    characters, unique (case-insensitively, as Excel compares them), never « Synthèse »."""
    pris = {"synthèse", "history"}
    noms = {}
    for tableau in contenu.tableaux():
        base = "".join(" " if c in INTERDITS else c for c in tableau.titre).strip().strip("'").strip()
        base = " ".join(base.split()) or tableau.cle
        nom, n = _tronquer(base, LONGUEUR_NOM), 2
        while nom.lower() in pris:
            suffixe = f" ({n})"
            nom, n = _tronquer(base, LONGUEUR_NOM - len(suffixe)) + suffixe, n + 1
        pris.add(nom.lower())
        noms[tableau.cle] = nom
    return noms


def valeur_xlsx(valeur, type_colonne: str):
    """The value stored in a cell: numbers stay numbers, percentages become fractions, text is
    neutralised, an aware datetime becomes a local one (Excel has no time zones)."""
    if valeur is None:
        return None
    if isinstance(valeur, str):
        return cellule_sure(valeur)
    if isinstance(valeur, datetime.datetime):
        return timezone.localtime(valeur).replace(tzinfo=None) if timezone.is_aware(valeur) else valeur
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if type_colonne == POURCENTAGE and isinstance(valeur, int | Decimal):
        return Decimal(valeur) / 100
    return valeur


def format_nombre(valeur, type_colonne: str) -> str | None:
    if isinstance(valeur, datetime.date):
        return FORMAT_DATE if not isinstance(valeur, datetime.datetime) else "DD/MM/YYYY HH:MM"
    if not isinstance(valeur, int | Decimal) or isinstance(valeur, bool):
        return None
    if type_colonne == MONTANT:
        return FORMAT_MONTANT
    if type_colonne == POURCENTAGE:
        return FORMAT_POURCENTAGE
    return FORMAT_ENTIER if Decimal(valeur) == Decimal(valeur).to_integral_value() else FORMAT_DECIMAL


class _Cellules:
    """Cells of a sheet: a plain value when no style is needed (the fast path), else a cell
    whose style is copied from a model registered once per (number format, font)."""

    def __init__(self, feuille):
        self.feuille = feuille
        self.modeles = {}

    def __call__(self, valeur, type_colonne: str = "", *, gras: bool = False, police=None):
        stockee = valeur_xlsx(valeur, type_colonne)
        nombre = format_nombre(valeur, type_colonne)
        if stockee is None or (nombre is None and not gras and police is None):
            return stockee
        cle = (nombre, gras, id(police))
        modele = self.modeles.get(cle)
        if modele is None:
            modele = WriteOnlyCell(self.feuille)
            if nombre:
                modele.number_format = nombre
            if gras or police is not None:
                modele.font = police or GRAS
            self.modeles[cle] = modele
        cellule = WriteOnlyCell(self.feuille, value=stockee)
        cellule._style = copy(modele._style)  # registered once: copying the indices is cheap
        return cellule


def _largeurs(tableau: Tableau) -> list[float]:
    largeurs = [min(len(c.libelle), 30) for c in tableau.colonnes]
    echantillon = itertools.chain(tableau.lignes[:LIGNES_MESUREES], [tableau.total] if tableau.total else [])
    for ligne in echantillon:
        for i, (valeur, colonne) in enumerate(zip(ligne, tableau.colonnes, strict=True)):
            largeurs[i] = max(largeurs[i], len(afficher(valeur, colonne.type)))
    return [min(LARGEUR_MAX, max(LARGEUR_MIN, n + 2)) for n in largeurs]


def _lettre(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _feuille_tableau(classeur: Workbook, nom: str, tableau: Tableau) -> None:
    feuille = classeur.create_sheet(nom)
    for i, largeur in enumerate(_largeurs(tableau), start=1):
        feuille.column_dimensions[_lettre(i)].width = largeur
    feuille.freeze_panes = "A3"
    feuille.print_title_rows = "2:2"
    cellule = _Cellules(feuille)
    feuille.append([cellule(tableau.titre, police=TITRE)])
    entete = []
    for colonne in tableau.colonnes:
        c = WriteOnlyCell(feuille, value=cellule_sure(colonne.libelle))
        c.font, c.fill, c.border, c.alignment = GRAS, ENTETE_FOND, ENTETE_BORD, ENVELOPPE
        entete.append(c)
    feuille.append(entete)
    types = [c.type for c in tableau.colonnes]
    for ligne in tableau.lignes:
        feuille.append([cellule(v, t) for v, t in zip(ligne, types, strict=True)])
    if tableau.total is not None:
        total = []
        for v, t in zip(premiere_cellule_total(tableau.total), types, strict=True):
            c = WriteOnlyCell(feuille, value=valeur_xlsx(v, t))
            c.font, c.border = GRAS, TOTAL_BORD
            if nombre := format_nombre(v, t):
                c.number_format = nombre
            total.append(c)
        feuille.append(total)
    if tableau.note:
        feuille.append([])
        feuille.append([cellule(tableau.note, police=NOTE)])


def _synthese(classeur: Workbook, contenu: ContenuRapport, noms: dict[str, str]) -> None:
    feuille = classeur.create_sheet("Synthèse")
    for lettre, largeur in zip("ABCD", (44, 40, 60, 12), strict=True):
        feuille.column_dimensions[lettre].width = largeur
    cellule = _Cellules(feuille)
    feuille.append([cellule(contenu.titre, police=TITRE)])
    feuille.append([])
    feuille.append([cellule("Paramètres", gras=True)])
    for libelle, valeur in parametres(contenu):
        feuille.append([cellule(libelle), cellule(valeur)])
    feuille.append([cellule("Du"), cellule(contenu.du, DATE)])
    feuille.append([cellule("Au"), cellule(contenu.au, DATE)])
    feuille.append([])
    feuille.append([cellule(t, gras=True) for t in ("Indicateurs clés", "Valeur", "Détail")])
    for indicateur in contenu.indicateurs:
        feuille.append(
            [cellule(indicateur.libelle), cellule(indicateur.valeur, indicateur.type), cellule(indicateur.detail)]
        )
    feuille.append([])
    feuille.append([cellule(t, gras=True) for t in ("Feuille", "Tableau", "Section", "Lignes")])
    for section in contenu.sections:
        for tableau in section.tableaux:
            feuille_ou_csv = noms[tableau.cle] if tableau.dans_xlsx else f"CSV seulement : {tableau.cle}.csv"
            feuille.append(
                [cellule(feuille_ou_csv), cellule(tableau.titre), cellule(section.titre), len(tableau.lignes)]
            )


def ecrire(contenu: ContenuRapport, destination: BinaryIO) -> None:
    classeur = Workbook(write_only=True)
    noms = noms_de_feuilles(contenu)
    _synthese(classeur, contenu, noms)
    for tableau in contenu.tableaux():
        if tableau.dans_xlsx:
            _feuille_tableau(classeur, noms[tableau.cle], tableau)
    classeur.save(destination)
