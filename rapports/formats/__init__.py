"""The writers of a report: one `ContenuRapport` (rapports/contenu.py) to a PDF (WeasyPrint), an
XLSX workbook (openpyxl) or a ZIP of CSV files in two flavours (French spreadsheet or plain).

The writers know nothing of what the figures mean: they follow the column types of the contract.
"""

import re
import unicodedata
from typing import BinaryIO

from rapports.contenu import ContenuRapport
from rapports.models import EXTENSIONS, Format


def _ecrivains():
    from . import csv, pdf, xlsx

    return {
        Format.PDF: pdf.ecrire,
        Format.XLSX: xlsx.ecrire,
        Format.CSV_FR: csv.ecrire_francais,
        Format.CSV: csv.ecrire_standard,
    }


def _format(format: str) -> Format:
    try:
        return Format(format)
    except ValueError:
        raise ValueError(f"Format inconnu : {format}") from None


def ecrire(format: str, contenu: ContenuRapport, destination: BinaryIO) -> None:
    """Write the report in `format` (a `rapports.models.Format` value) to a binary file."""
    _ecrivains()[_format(format)](contenu, destination)


def _slug(texte: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def code_departement(contenu: ContenuRapport) -> str:
    """'23' from « Creuse (23) », '2a' from « Corse-du-Sud (2A) »; 'instance' for a whole-instance
    report (no code in brackets)."""
    trouve = re.search(r"\(([0-9A-Za-z]{1,3})\)\s*$", contenu.departement or "")
    return _slug(trouve.group(1)) if trouve else "instance"


# Both CSV flavours are ZIP files: their names say which is which.
SUFFIXES = {Format.CSV_FR: "-csv-fr", Format.CSV: "-csv"}


def nom_fichier(contenu: ContenuRapport, format: str) -> str:
    """« rapport-financement-23-2025-01-01-2025-12-31.pdf », « …-csv-fr.zip » (ascii, no spaces)."""
    format = _format(format)
    base = f"rapport-financement-{code_departement(contenu)}-{contenu.du:%Y-%m-%d}-{contenu.au:%Y-%m-%d}"
    return f"{base}{SUFFIXES.get(format, '')}.{EXTENSIONS[format]}"
