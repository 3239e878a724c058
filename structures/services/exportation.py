"""Export of lieux in the national standard (schema v1.0.2), as CSV or JSON.

Active places only (closed ones are not on the map anymore). CSV: the 32 columns in the
schema's order, UTF-8 without BOM, `,` separator, every cell through `cellule_sure` so a
spreadsheet never runs a formula. JSON: a list of objects, null for empty values.
The rows come from `lieu_vers_standard`, shared with the public API.
"""

import csv
import io
import json
from collections.abc import Iterator
from typing import TextIO

from django.db.models import QuerySet
from django.utils import timezone

from structures.models import Lieu
from structures.serialisation import cellule_sure, lieu_vers_standard
from structures.standard import field_names
from territoires.models import Departement

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
_LOT = 500


def lieux_a_exporter(*, departement: Departement | None = None) -> QuerySet[Lieu]:
    lieux = Lieu.objects.actifs()
    if departement is not None:
        lieux = lieux.filter(departement=departement)
    return lieux.order_by("departement_id", "nom", "pk")


def lignes_standard(lieux: QuerySet[Lieu]) -> Iterator[dict]:
    for lieu in lieux.iterator(chunk_size=_LOT):
        yield lieu_vers_standard(lieu)


def ecrire_csv(lieux: QuerySet[Lieu], sortie: TextIO) -> int:
    """Write the CSV to a text stream (opened with newline=""); returns the number of places."""
    writer = csv.writer(sortie, lineterminator="\r\n")
    writer.writerow(field_names())
    n = 0
    for ligne in lignes_standard(lieux):
        writer.writerow([cellule_sure(ligne[nom]) for nom in field_names()])
        n += 1
    return n


def ecrire_json(lieux: QuerySet[Lieu], sortie: TextIO) -> int:
    """Write a JSON list of objects, one place per line; returns the number of places."""
    n = 0
    sortie.write("[")
    for ligne in lignes_standard(lieux):
        sortie.write(",\n" if n else "\n")
        sortie.write(json.dumps(ligne, ensure_ascii=False))
        n += 1
    sortie.write("\n]\n" if n else "]\n")
    return n


def exporter(*, format: str, departement: Departement | None = None, sortie: TextIO) -> int:
    if format not in FORMATS:
        raise ValueError(f"Format inconnu « {format} » : csv ou json.")
    ecrire = ecrire_csv if format == "csv" else ecrire_json
    return ecrire(lieux_a_exporter(departement=departement), sortie)


def exporter_texte(*, format: str, departement: Departement | None = None) -> str:
    sortie = io.StringIO(newline="")
    exporter(format=format, departement=departement, sortie=sortie)
    return sortie.getvalue()


def nom_de_fichier(*, format: str, departement: Departement | None = None) -> str:
    territoire = f"-{departement.code}" if departement is not None else ""
    return f"lieux-mediation-numerique{territoire}-{timezone.localdate():%Y-%m-%d}.{format}"
