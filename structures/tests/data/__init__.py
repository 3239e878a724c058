"""Test data of the import/export tests: a communes reference (the territoires test set plus
Reims, where the official example file's place is, and Felletin), and helpers to build files
in the standard from the official example row."""

import csv
import io
import json
from pathlib import Path

from structures.standard import EXAMPLE_PATH, field_names

DOSSIER = Path(__file__).resolve().parent
COMMUNES = DOSSIER / "communes"


def charger_communes() -> None:
    from territoires.services import charger_referentiel

    charger_referentiel(dossier=COMMUNES)


def ligne_exemple() -> dict:
    """The official example's only row, as {field: text}."""
    with EXAMPLE_PATH.open(encoding="utf-8", newline="") as fh:
        return next(csv.DictReader(fh))


def ligne_gueret(**valeurs) -> dict:
    """A valid row for a place in Guéret (Creuse, 23), every field of the standard filled."""
    ligne = ligne_exemple() | {
        "id": "gueret-1",
        "pivot": "21230096400013",
        "nom": "Médiathèque du Grand Guéret",
        "commune": "Guéret",
        "code_postal": "23000",
        "code_insee": "23096",
        "adresse": "12 avenue Fayolle",
        "complement_adresse": "",
        "latitude": "46.171",
        "longitude": "1.8712",
        "typologie": "BIB",
        "telephone": "+33555520000",
        "courriels": "mediatheque@exemple.fr",
        "site_web": "https://mediatheque.exemple.fr/",
        "date_maj": "2025-01-15",
    }
    return ligne | valeurs


def csv_bytes(lignes: list[dict], *, colonnes=None, separateur=",", encodage="utf-8", bom=False) -> bytes:
    colonnes = list(colonnes or field_names())
    sortie = io.StringIO(newline="")
    writer = csv.DictWriter(sortie, fieldnames=colonnes, delimiter=separateur, extrasaction="ignore")
    writer.writeheader()
    for ligne in lignes:
        writer.writerow({c: ligne.get(c, "") for c in colonnes})
    return (b"\xef\xbb\xbf" if bom else b"") + sortie.getvalue().encode(encodage)


def json_bytes(lignes: list[dict], *, enveloppe=False) -> bytes:
    donnees = {"lieux": lignes} if enveloppe else lignes
    return json.dumps(donnees, ensure_ascii=False).encode("utf-8")
