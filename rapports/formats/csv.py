"""A report as a ZIP of CSV files: one `<cle>.csv` per table (the participant-level table
included) and `parametres.csv` (the generation parameters, the key indicators and the list of
tables with their notes).

Two flavours:
- French spreadsheet (`csv_fr`): UTF-8 with BOM, `;` separator, decimal comma, dates dd/mm/yyyy;
- plain (`csv`): UTF-8 without BOM, `,` separator, decimal point, ISO dates.

Numbers carry no thousands separator; amounts and percentages (0–100, as in the contract) have
two decimals, their unit in the column header. Text is neutralised against formula injection.
Each file is streamed into the archive: memory does not grow with the number of rows.
"""

import csv
import io
import itertools
import zipfile
from typing import BinaryIO

from rapports.contenu import ContenuRapport, Tableau

from .valeurs import cellule_sure, entete_csv, parametres, premiere_cellule_total, texte_csv

FICHIER_PARAMETRES = "parametres.csv"


def noms_de_fichiers(contenu: ContenuRapport) -> dict[str, str]:
    """The file name of each table (by cle), unique and never `parametres.csv`."""
    pris = {FICHIER_PARAMETRES}
    noms = {}
    for tableau in contenu.tableaux():
        base = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in tableau.cle) or "tableau"
        nom, n = f"{base}.csv", 2
        while nom in pris:
            nom, n = f"{base}-{n}.csv", n + 1
        pris.add(nom)
        noms[tableau.cle] = nom
    return noms


def _ecrire_zip(contenu: ContenuRapport, destination: BinaryIO, *, francais: bool) -> None:
    encodage = "utf-8-sig" if francais else "utf-8"
    separateur = ";" if francais else ","
    noms = noms_de_fichiers(contenu)

    def fichier(archive, nom, remplir):
        with archive.open(nom, "w") as brut, io.TextIOWrapper(brut, encoding=encodage, newline="") as texte:
            remplir(csv.writer(texte, delimiter=separateur, lineterminator="\r\n"))

    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        fichier(archive, FICHIER_PARAMETRES, lambda w: _parametres(w, contenu, noms, francais=francais))
        for tableau in contenu.tableaux():
            fichier(archive, noms[tableau.cle], lambda w, t=tableau: _tableau(w, t, francais=francais))


def _parametres(writer, contenu: ContenuRapport, noms: dict[str, str], *, francais: bool) -> None:
    writer.writerow(["Rubrique", "Libellé", "Valeur", "Détail"])
    for libelle, valeur in parametres(contenu):
        writer.writerow(["Paramètre", cellule_sure(libelle), cellule_sure(valeur), ""])
    for indicateur in contenu.indicateurs:
        valeur = texte_csv(indicateur.valeur, indicateur.type, francais=francais)
        libelle = entete_csv(indicateur.libelle, indicateur.type)  # its unit, as in a column header
        writer.writerow(["Indicateur", libelle, valeur, cellule_sure(indicateur.detail)])
    for tableau in contenu.tableaux():
        writer.writerow(["Tableau", cellule_sure(tableau.titre), noms[tableau.cle], cellule_sure(tableau.note)])


def _tableau(writer, tableau: Tableau, *, francais: bool) -> None:
    types = [c.type for c in tableau.colonnes]
    writer.writerow([entete_csv(c.libelle, c.type) for c in tableau.colonnes])
    total = [] if tableau.total is None else [premiere_cellule_total(tableau.total)]
    for ligne in itertools.chain(tableau.lignes, total):
        writer.writerow([texte_csv(v, t, francais=francais) for v, t in zip(ligne, types, strict=True)])


def ecrire_francais(contenu: ContenuRapport, destination: BinaryIO) -> None:
    _ecrire_zip(contenu, destination, francais=True)


def ecrire_standard(contenu: ContenuRapport, destination: BinaryIO) -> None:
    _ecrire_zip(contenu, destination, francais=False)
