"""Reading and checking the reference files of territoires/data/ (built by scripts/build_communes.py).

Everything is read and checked before anything is written: a bad file raises ReferentielInvalide
with French messages naming the file, the line and the value.
"""

import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .text import normaliser_nom
from .validators import CODE_DEPARTEMENT

DOSSIER_PAR_DEFAUT = Path(__file__).resolve().parent / "data"

CODE_REGION = re.compile(r"^[0-9]{2}$")
CODE_INSEE = re.compile(r"^([0-9]{2}|2A|2B)[0-9]{3}$")
CODE_POSTAL = re.compile(r"^[0-9]{5}$")
SIREN = re.compile(r"^[0-9]{9}$")
TYPES = {"COM", "ARM"}
SOURCES = {"nom", "nom_proche", "code_postal", "chef_lieu"}
MAX_ERREURS = 20

COLONNES = {
    "regions": ["code", "nom", "chef_lieu"],
    "departements": ["code", "nom", "region", "chef_lieu"],
    "epcis": ["code", "nom"],
    "communes": [
        "code_insee",
        "nom",
        "type",
        "departement",
        "commune_parent",
        "epci",
        "codes_postaux",
        "population",
        "latitude",
        "longitude",
        "source_position",
        "anciens_codes",
    ],
}


class ReferentielInvalide(Exception):
    def __init__(self, erreurs: list[str]):
        self.erreurs = erreurs
        super().__init__("\n".join(erreurs))


@dataclass
class Referentiel:
    regions: list[dict] = field(default_factory=list)
    departements: list[dict] = field(default_factory=list)
    communes: list[dict] = field(default_factory=list)


class _Erreurs(list):
    def ajouter(self, fichier: str, ligne: int, message: str) -> None:
        if len(self) < MAX_ERREURS:
            self.append(f"{fichier}, ligne {ligne} : {message}")


def _fichier(dossier: Path, nom: str) -> Path:
    for candidat in (dossier / f"{nom}.csv.gz", dossier / f"{nom}.csv"):
        if candidat.is_file():
            return candidat
    raise ReferentielInvalide([f"Fichier introuvable : {dossier / nom}.csv (ou .csv.gz)."])


def _lire_csv(chemin: Path, colonnes: list[str]) -> list[tuple[int, dict]]:
    try:
        brut = chemin.read_bytes()
        if chemin.suffix == ".gz":
            brut = gzip.decompress(brut)
        texte = brut.decode("utf-8")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise ReferentielInvalide(
            [f"{chemin.name} : fichier illisible ou compressé de façon incorrecte ({exc})."]
        ) from exc
    except UnicodeDecodeError as exc:
        raise ReferentielInvalide([f"{chemin.name} : le fichier n’est pas encodé en UTF-8."]) from exc
    lecteur = csv.DictReader(io.StringIO(texte, newline=""))
    if lecteur.fieldnames != colonnes:
        raise ReferentielInvalide(
            [f"{chemin.name} : colonnes inattendues. Attendu : {', '.join(colonnes)}."]
            + ([f"Trouvé : {', '.join(lecteur.fieldnames)}."] if lecteur.fieldnames else [])
        )
    lignes = []
    for ligne in lecteur:
        if None in ligne or None in ligne.values():
            raise ReferentielInvalide([f"{chemin.name}, ligne {lecteur.line_num} : nombre de colonnes incorrect."])
        lignes.append((lecteur.line_num, ligne))
    if not lignes:
        raise ReferentielInvalide([f"{chemin.name} : le fichier ne contient aucune ligne."])
    return lignes


def _nombre(valeur: str, minimum: float, maximum: float) -> float | None:
    try:
        nombre = float(valeur)
    except ValueError:
        return None
    return nombre if minimum <= nombre <= maximum else None


def lire_referentiel(dossier: Path = DOSSIER_PAR_DEFAUT) -> Referentiel:
    """Read regions, departements, epcis and communes (.csv or .csv.gz) from `dossier`."""
    dossier = Path(dossier)
    erreurs = _Erreurs()
    ref = Referentiel()

    chemin = _fichier(dossier, "regions")
    for num, ligne in _lire_csv(chemin, COLONNES["regions"]):
        if not CODE_REGION.match(ligne["code"]):
            erreurs.ajouter(chemin.name, num, f"code de région invalide « {ligne['code']} ».")
        elif not ligne["nom"]:
            erreurs.ajouter(chemin.name, num, "nom manquant.")
        else:
            ref.regions.append(ligne)
    codes_regions = {r["code"] for r in ref.regions}

    chemin = _fichier(dossier, "departements")
    for num, ligne in _lire_csv(chemin, COLONNES["departements"]):
        if not CODE_DEPARTEMENT.match(ligne["code"]):
            erreurs.ajouter(chemin.name, num, f"code de département invalide « {ligne['code']} ».")
        elif ligne["region"] not in codes_regions:
            erreurs.ajouter(chemin.name, num, f"région inconnue « {ligne['region']} ».")
        elif not ligne["nom"]:
            erreurs.ajouter(chemin.name, num, "nom manquant.")
        else:
            ref.departements.append(
                {
                    "code": ligne["code"],
                    "nom": ligne["nom"],
                    "region_id": ligne["region"],
                    "chef_lieu": ligne["chef_lieu"],
                }
            )
    codes_departements = {d["code"] for d in ref.departements}

    chemin = _fichier(dossier, "epcis")
    epcis = {}
    for num, ligne in _lire_csv(chemin, COLONNES["epcis"]):
        if not SIREN.match(ligne["code"]):
            erreurs.ajouter(chemin.name, num, f"SIREN d’EPCI invalide « {ligne['code']} ».")
        else:
            epcis[ligne["code"]] = ligne["nom"]

    chemin = _fichier(dossier, "communes")
    vues, arrondissements = set(), []
    for num, ligne in _lire_csv(chemin, COLONNES["communes"]):

        def erreur(message: str, num: int = num) -> None:
            erreurs.ajouter(chemin.name, num, message)

        commune = _lire_commune(ligne, codes_departements, epcis, erreur)
        if commune is None:
            continue
        if commune["code_insee"] in vues:
            erreur(f"code INSEE en double « {commune['code_insee']} ».")
            continue
        vues.add(commune["code_insee"])
        ref.communes.append(commune)
        if commune["type"] == "ARM":
            arrondissements.append((num, commune))
    for num, commune in arrondissements:
        if commune["commune_parent"] not in vues:
            erreurs.ajouter(chemin.name, num, f"commune parente inconnue « {commune['commune_parent']} ».")

    if erreurs:
        raise ReferentielInvalide(list(erreurs))
    return ref


def _lire_commune(ligne: dict, departements: set, epcis: dict, erreur) -> dict | None:
    code = ligne["code_insee"]
    if not CODE_INSEE.match(code):
        return erreur(f"code INSEE invalide « {code} ».")
    if not ligne["nom"]:
        return erreur("nom manquant.")
    if ligne["type"] not in TYPES:
        return erreur(f"type invalide « {ligne['type']} » (COM ou ARM).")
    if ligne["departement"] not in departements:
        return erreur(f"département inconnu « {ligne['departement']} ».")
    if ligne["type"] == "ARM" and not CODE_INSEE.match(ligne["commune_parent"]):
        return erreur("un arrondissement municipal doit indiquer sa commune parente.")
    if ligne["epci"] and ligne["epci"] not in epcis:
        return erreur(f"EPCI inconnu « {ligne['epci']} ».")
    codes_postaux = ligne["codes_postaux"].split("|") if ligne["codes_postaux"] else []
    if not codes_postaux or not all(CODE_POSTAL.match(cp) for cp in codes_postaux):
        return erreur(f"codes postaux invalides « {ligne['codes_postaux']} ».")
    if not ligne["population"].isdigit():
        return erreur(f"population invalide « {ligne['population']} ».")
    latitude = _nombre(ligne["latitude"], -90, 90)
    longitude = _nombre(ligne["longitude"], -180, 180)
    if latitude is None or longitude is None:
        return erreur(f"position invalide « {ligne['latitude']}, {ligne['longitude']} ».")
    if ligne["source_position"] not in SOURCES:
        return erreur(f"origine de position invalide « {ligne['source_position']} ».")
    anciens = ligne["anciens_codes"].split("|") if ligne["anciens_codes"] else []
    if not all(CODE_INSEE.match(c) for c in anciens):
        return erreur(f"anciens codes INSEE invalides « {ligne['anciens_codes']} ».")
    return {
        "code_insee": code,
        "nom": ligne["nom"],
        "nom_normalise": normaliser_nom(ligne["nom"]),
        "type": ligne["type"],
        "departement_id": ligne["departement"],
        "commune_parent": ligne["commune_parent"],
        "epci_code": ligne["epci"],
        "epci_nom": epcis.get(ligne["epci"], ""),
        "codes_postaux": "|".join(codes_postaux),
        "population": int(ligne["population"]),
        "latitude": latitude,
        "longitude": longitude,
        "source_position": ligne["source_position"],
        "anciens_codes": ligne["anciens_codes"],
        "actuelle": True,
    }
