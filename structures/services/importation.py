"""Import of lieux from a file in the national standard (CSV or JSON, schema v1.0.2).

One entry point, `importer_lieux()`: it reads the file, validates every row with the validators
of `structures.standard` (and `structures.horaires`), resolves each place's commune and
département, matches it to an existing place (on `id`, then on `pivot` + normalised name) and
compares canonical values. A dry run stops there and returns the report; a real import writes
only when no row is rejected (all or nothing, in one transaction) and records one journal entry.

Rules that are not obvious:
- a field that is absent (no such column, or no such key in a JSON object) is "not provided":
  an existing place keeps its value; an empty value clears it;
- positions missing from the file come from the commune (source_position=commune), except that
  a position set on the map or imported earlier is kept while the commune does not change;
- a place matched on `pivot` + name keeps its own identifier (links to it stay valid);
- `pivot` 00000000000000 (unknown SIRET) never matches.
"""

import codecs
import csv
import difflib
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from structures import evenements
from structures.horaires import normaliser_horaires, valider_horaires
from structures.models import Lieu, SourcePosition
from structures.standard import (
    MULTI_VALUED,
    PIVOT_INCONNU,
    clean_courriels,
    clean_typologie,
    clean_urls,
    clean_vocabulary,
    field_names,
    normaliser_telephone,
    required_fields,
    split_values,
    valider_code_insee,
    valider_code_postal,
    valider_pivot,
)
from territoires.models import Commune, Departement
from territoires.selectors import commune_par_code_insee, commune_par_code_postal_et_nom, communes_par_code_postal
from territoires.text import normaliser_nom

MAX_BYTES_DEFAUT = 10 * 1024 * 1024
_FORMULE = ("=", "+", "-", "@", "\t", "\r")  # what serialisation.cellule_sure neutralises on export
_DATE_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def taille_max() -> int:
    return getattr(settings, "LIEUX_IMPORT_MAX_BYTES", MAX_BYTES_DEFAUT)


def taille_lisible(octets: int) -> str:
    if octets >= 1024 * 1024:
        return f"{octets / (1024 * 1024):.1f} Mo".replace(".0 ", " ").replace(".", ",")
    if octets >= 1024:
        return f"{math.ceil(octets / 1024)} Ko"
    return f"{octets} octets"


def message_taille(taille: int, *, au_moins: bool = False) -> str | None:
    """The French refusal for a file over the limit, or None. Checked before reading the file.

    `au_moins`: the upload was cut off at `taille` bytes, the file is bigger still."""
    if taille <= taille_max():
        return None
    volume = f"plus de {taille_lisible(taille_max())}" if au_moins else taille_lisible(taille)
    return (
        f"Le fichier est trop volumineux ({volume}) : la taille maximale est de "
        f"{taille_lisible(taille_max())}. Découpez-le en plusieurs fichiers, par exemple par département."
    )


class Statut(StrEnum):
    CREE = "cree"
    MODIFIE = "modifie"
    INCHANGE = "inchange"
    REJETE = "rejete"

    @property
    def label(self) -> str:
        return {"cree": "créé", "modifie": "modifié", "inchange": "inchangé", "rejete": "rejeté"}[self.value]


@dataclass(frozen=True)
class Erreur:
    message: str
    ligne: int | None = None
    champ: str | None = None
    unite: str = "ligne"  # "ligne" (CSV: line of the file) or "lieu n°" (JSON: position in the list)

    @property
    def position(self) -> str:
        if self.ligne is None:
            return ""
        return f"{self.unite} {self.ligne}" if self.unite == "ligne" else f"{self.unite}{self.ligne}"

    def __str__(self) -> str:
        where = [p for p in (self.position.capitalize(), f"champ « {self.champ} »" if self.champ else "") if p]
        return f"{', '.join(where)} : {self.message}" if where else self.message


@dataclass
class Ligne:
    """One place of the file, after analysis."""

    numero: int
    unite: str
    identifiant: str = ""
    nom: str = ""
    statut: Statut = Statut.REJETE
    erreurs: list[Erreur] = field(default_factory=list)
    champs_modifies: list[str] = field(default_factory=list)
    valeurs: dict = field(default_factory=dict)  # model attribute → canonical value, to write
    lieu: Lieu | None = None  # the existing place it matched
    rapprochement: str = ""  # "id" or "pivot"

    @property
    def position(self) -> str:
        return Erreur("", self.numero, unite=self.unite).position

    def erreur(self, message: str, champ: str | None = None) -> None:
        self.erreurs.append(Erreur(message, self.numero, champ, self.unite))


@dataclass
class Rapport:
    nom_fichier: str
    empreinte: str
    taille: int
    simulation: bool
    departement: Departement | None = None
    format: str = ""
    erreurs_fichier: list[Erreur] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)
    lignes: list[Ligne] = field(default_factory=list)
    ecrit: bool = False

    def _avec(self, statut: Statut) -> list[Ligne]:
        return [ligne for ligne in self.lignes if ligne.statut == statut]

    @property
    def crees(self) -> list[Ligne]:
        return self._avec(Statut.CREE)

    @property
    def modifies(self) -> list[Ligne]:
        return self._avec(Statut.MODIFIE)

    @property
    def inchanges(self) -> list[Ligne]:
        return self._avec(Statut.INCHANGE)

    @property
    def rejetes(self) -> list[Ligne]:
        return self._avec(Statut.REJETE)

    @property
    def accepte(self) -> bool:
        return not self.erreurs_fichier and not self.rejetes and bool(self.lignes)

    @property
    def erreurs(self) -> list[Erreur]:
        return self.erreurs_fichier + [e for ligne in self.lignes for e in ligne.erreurs]

    def comptes(self) -> dict[str, int]:
        return {
            "crees": len(self.crees),
            "modifies": len(self.modifies),
            "inchanges": len(self.inchanges),
            "rejetes": len(self.rejetes),
        }

    def resume(self) -> str:
        c = self.comptes()
        return (
            f"{c['crees']} créé{'s' * (c['crees'] > 1)}, {c['modifies']} modifié{'s' * (c['modifies'] > 1)}, "
            f"{c['inchanges']} inchangé{'s' * (c['inchanges'] > 1)}, {c['rejetes']} rejeté{'s' * (c['rejetes'] > 1)}"
        )

    def conclusion(self) -> str:
        if self.ecrit:
            return f"Import effectué : {self.resume()}."
        if not self.accepte:
            nb = len(self.rejetes)
            motif = f"{nb} lieu{'x' * (nb > 1)} rejeté{'s' * (nb > 1)}" if nb else "voir les erreurs"
            return f"Import refusé ({motif}) : rien n’a été écrit. Corrigez le fichier puis relancez l’import."
        return f"Simulation : {self.resume()}. Rien n’a été écrit."

    def texte(self) -> str:
        """The report as plain French text (management command)."""
        out = [
            f"Fichier : {self.nom_fichier} ({self.format.upper() or 'format inconnu'}, {taille_lisible(self.taille)})"
        ]
        out.append(f"SHA-256 : {self.empreinte}")
        if self.departement:
            out.append(f"Département : {self.departement.nom} ({self.departement.code})")
        out += [f"Attention : {a}" for a in self.avertissements]
        if self.lignes:
            c = self.comptes()
            out += [
                f"Créés : {c['crees']}",
                f"Modifiés : {c['modifies']}",
                f"Inchangés : {c['inchanges']}",
                f"Rejetés : {c['rejetes']}",
            ]
        for ligne in self.lignes:
            if ligne.statut == Statut.REJETE:
                continue
            detail = f" ({', '.join(ligne.champs_modifies)})" if ligne.champs_modifies else ""
            out.append(f"  {ligne.position} — « {ligne.nom} » [{ligne.identifiant}] : {ligne.statut.label}{detail}")
        if self.erreurs:
            out.append("Erreurs :")
            out += [f"  {e}" for e in self.erreurs]
        out.append(self.conclusion())
        return "\n".join(out)


class _FichierInvalide(Exception):
    def __init__(self, *messages: str):
        self.messages = messages


# --- Reading --------------------------------------------------------------------------------


def _decoder(contenu: bytes) -> str:
    if contenu.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _FichierInvalide(
            "Le fichier n’est pas en UTF-8 : il est en UTF-16 (« texte Unicode »). "
            "Dans votre tableur, enregistrez-le en UTF-8 (« CSV UTF-8 ») puis déposez-le de nouveau."
        )
    if contenu.startswith(b"PK\x03\x04") or b"\x00" in contenu[:4096]:
        raise _FichierInvalide(
            "Ce fichier n’est pas un fichier texte CSV ou JSON (un classeur Excel ou LibreOffice ?). "
            "Enregistrez-le au format CSV UTF-8 puis déposez-le de nouveau."
        )
    try:
        return contenu.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        ligne = contenu.count(b"\n", 0, exc.start) + 1
        raise _FichierInvalide(
            f"Le fichier n’est pas en UTF-8 (caractère illisible ligne {ligne}) : il a sans doute été enregistré "
            "en Windows-1252 ou Latin-1, l’encodage par défaut d’Excel sous Windows. Ouvrez-le dans votre tableur "
            "et enregistrez-le en UTF-8 (« CSV UTF-8 (délimité par des virgules) » dans Excel), "
            "puis déposez-le de nouveau."
        ) from exc


def _format(texte: str, nom_fichier: str) -> str:
    debut = texte.lstrip()[:1]
    if debut in ("[", "{"):
        return "json"
    if nom_fichier.lower().endswith(".json"):
        return "json"
    return "csv"


def _separateur(texte: str) -> str:
    """',' or ';': the one whose split of the first record gives more of the standard's columns."""
    noms = set(field_names())

    def score(sep: str) -> tuple[int, int]:
        entete = next(csv.reader(io.StringIO(texte, newline=""), delimiter=sep), [])
        return (sum(1 for c in entete if c.strip() in noms), len(entete))

    return max((",", ";"), key=score)


def _inconnus(noms: list[str], *, quoi: str, ou: dict | None = None) -> str | None:
    """'Colonnes inconnues …' with a suggestion for near misses ('code postal' → 'code_postal')."""
    inconnus = [n for n in dict.fromkeys(noms) if n not in field_names()]
    if not inconnus:
        return None
    details = []
    for nom in inconnus:
        proche = difflib.get_close_matches(nom.lower().strip().replace(" ", "_"), field_names(), n=1, cutoff=0.75)
        texte = f"« {nom} »"
        if ou and nom in ou:
            texte += f" ({ou[nom]})"
        if proche:
            texte += f" (vouliez-vous dire « {proche[0]} » ?)"
        details.append(texte)
    pluriel = "s" * (len(inconnus) > 1)
    feminin = quoi == "Colonne"
    adjectif = "inconnue" if feminin else "inconnu"
    pronom = "les" if pluriel else ("la" if feminin else "le")
    return (
        f"{quoi}{pluriel} {adjectif}{pluriel} du standard v1.0.2 : {', '.join(details)}. "
        f"Retirez-{pronom} ou renommez-{pronom} (noms attendus : {', '.join(field_names())})."
    )


def _verifier_colonnes(colonnes: list[str]) -> list[str]:
    erreurs = []
    doublons = sorted({c for c in colonnes if colonnes.count(c) > 1})
    if doublons:
        erreurs.append(f"Colonnes en double : {', '.join(doublons)}. Chaque colonne ne doit apparaître qu’une fois.")
    inconnues = _inconnus(colonnes, quoi="Colonne")
    if inconnues:
        erreurs.append(inconnues)
    manquantes = [c for c in field_names() if c in required_fields() and c not in colonnes]
    if manquantes:
        pluriel = "s" * (len(manquantes) > 1)
        erreurs.append(
            f"Colonne{pluriel} obligatoire{pluriel} manquante{pluriel} : {', '.join(manquantes)}. "
            "La première ligne du fichier doit donner les noms des colonnes du standard."
        )
    return erreurs


def _lire_csv(texte: str, rapport: Rapport) -> list[tuple[int, dict]]:
    sep = _separateur(texte)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=sep, strict=True)
    try:
        colonnes = [c.strip() for c in next(lecteur, [])]
        if not any(colonnes):
            raise _FichierInvalide("Le fichier est vide : la première ligne doit donner les noms des colonnes.")
        erreurs = _verifier_colonnes(colonnes)
        if erreurs:
            raise _FichierInvalide(*erreurs)
        absentes = [c for c in field_names() if c not in colonnes]
        if absentes:
            rapport.avertissements.append(
                f"colonnes facultatives absentes : {', '.join(absentes)} "
                "(les lieux existants gardent leurs valeurs ; les nouveaux lieux les laissent vides)."
            )
        lignes, fin_precedente = [], lecteur.line_num
        for cellules in lecteur:
            debut, fin_precedente = fin_precedente + 1, lecteur.line_num
            if not any(c.strip() for c in cellules):
                continue
            if len(cellules) != len(colonnes):
                lignes.append((debut, {"__erreur__": _nombre_de_cellules(len(cellules), len(colonnes), sep)}))
                continue
            lignes.append(
                (debut, {col: _sans_neutralisation(val) for col, val in zip(colonnes, cellules, strict=True)})
            )
    except csv.Error as exc:
        raise _FichierInvalide(
            f"Le fichier CSV est mal formé ligne {lecteur.line_num} ({exc}) : vérifiez les guillemets."
        ) from exc
    return lignes


def _nombre_de_cellules(trouve: int, attendu: int, sep: str) -> str:
    return (
        f"cette ligne a {trouve} valeur{'s' * (trouve > 1)} pour {attendu} colonnes : vérifiez les séparateurs "
        f"(« {sep} ») et les guillemets autour des textes qui en contiennent."
    )


def _sans_neutralisation(valeur: str) -> str:
    """Undo the leading quote that our CSV export puts before a formula-like cell."""
    if valeur.startswith("'") and valeur[1:2] and valeur[1] in _FORMULE:
        return valeur[1:]
    return valeur


def _lire_json(texte: str) -> list[tuple[int, dict]]:
    try:
        donnees = json.loads(texte)
    except json.JSONDecodeError as exc:
        raise _FichierInvalide(
            f"Le fichier JSON est mal formé (ligne {exc.lineno}, colonne {exc.colno} : {exc.msg})."
        ) from exc
    if isinstance(donnees, dict) and isinstance(donnees.get("lieux"), list):
        donnees = donnees["lieux"]
    if not isinstance(donnees, list):
        raise _FichierInvalide(
            'Le fichier JSON doit contenir une liste de lieux ([{…}, {…}]) ou un objet {"lieux": [{…}, {…}]}.'
        )
    lignes, inconnues = [], {}
    for numero, objet in enumerate(donnees, start=1):
        if not isinstance(objet, dict):
            lignes.append((numero, {"__erreur__": 'chaque lieu doit être un objet JSON ({"id": …, "nom": …}).'}))
            continue
        for cle in objet:
            if cle not in field_names():
                inconnues.setdefault(cle, numero)
        lignes.append((numero, objet))
    if inconnues:
        ou = {cle: f"lieu n°{numero}" for cle, numero in inconnues.items()}
        raise _FichierInvalide(_inconnus(list(inconnues), quoi="Champ", ou=ou))
    return lignes


# --- Validating one row ----------------------------------------------------------------------


def _texte(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, bool | list | dict):
        raise ValidationError("Une seule valeur texte est attendue ici.", code="type")
    if isinstance(valeur, int | float):
        return str(valeur)
    return str(valeur).strip()


def _liste(valeur) -> list[str]:
    if isinstance(valeur, list):
        if not all(isinstance(v, str) for v in valeur):
            raise ValidationError("Une liste de textes est attendue ici.", code="type")
        return split_values(valeur)
    return split_values(_texte(valeur))


def _longueur(attr: str, model=Lieu):
    max_length = model._meta.get_field(attr).max_length

    def valider(valeur) -> str:
        texte = _texte(valeur)
        if max_length and len(texte) > max_length:
            raise ValidationError(
                "Texte trop long : %(n)s caractères pour %(max)s au plus.",
                code="longueur",
                params={"n": len(texte), "max": max_length},
            )
        return texte

    return valider


def _url_unique(champ: str):
    def valider(valeur) -> str:
        urls = clean_urls(_texte(valeur), field=champ)
        if len(urls) > 1:
            raise ValidationError("Une seule adresse web est attendue ici.", code="url")
        return _longueur(champ)(urls[0] if urls else "")

    return valider


def _nombre(minimum: float, maximum: float, quoi: str):
    def valider(valeur) -> float | None:
        if valeur is None or (isinstance(valeur, str) and not valeur.strip()):
            return None
        try:
            if isinstance(valeur, bool):
                raise ValueError
            nombre = float(valeur.strip().replace(",", ".")) if isinstance(valeur, str) else float(valeur)
        except (TypeError, ValueError):
            nombre = math.nan
        if not (math.isfinite(nombre) and minimum <= nombre <= maximum):
            raise ValidationError(
                "%(quoi)s invalide : « %(v)s » (un nombre entre %(min)s et %(max)s est attendu, par exemple 46.17).",
                code="nombre",
                params={"quoi": quoi, "v": valeur, "min": minimum, "max": maximum},
            )
        return nombre

    return valider


def _date(valeur) -> date:
    texte = _texte(valeur)
    try:
        if not _DATE_ISO.match(texte):
            raise ValueError
        return date.fromisoformat(texte)
    except ValueError as exc:
        raise ValidationError(
            "Date invalide : « %(v)s ». Écrivez-la au format AAAA-MM-JJ, par exemple 2024-04-02.",
            code="date",
            params={"v": texte},
        ) from exc


def _horaires(valeur) -> str:
    texte = _texte(valeur)
    return _horaires_canoniques(texte) if texte else ""


@lru_cache(maxsize=1024)  # places of one network often share their hours; parsing is the slow part
def _horaires_canoniques(texte: str) -> str:
    valider_horaires(texte)
    return normaliser_horaires(texte)


def _vocabulaire(champ: str):
    def valider(valeur) -> list[str]:
        return clean_vocabulary(champ, _liste(valeur))

    return valider


def _facultatif(valider):
    def nettoyer(valeur):
        texte = valeur if isinstance(valeur, list) else _texte(valeur)
        return valider(texte) if texte else ""

    return nettoyer


# Standard field → (model attribute, cleaner returning the canonical value).
CHAMPS = {
    "id": ("identifiant", _longueur("identifiant")),
    "pivot": ("pivot", lambda v: valider_pivot(_texte(v))),
    "nom": ("nom", _longueur("nom")),
    "commune": ("commune", _longueur("commune")),
    "code_postal": ("code_postal", lambda v: valider_code_postal(_texte(v))),
    "code_insee": ("code_insee", _facultatif(valider_code_insee)),
    "adresse": ("adresse", _longueur("adresse")),
    "complement_adresse": ("complement_adresse", _longueur("complement_adresse")),
    "latitude": ("latitude", _nombre(-90, 90, "Latitude")),
    "longitude": ("longitude", _nombre(-180, 180, "Longitude")),
    "typologie": ("typologie", lambda v: clean_typologie(_liste(v))),
    "telephone": ("telephone", lambda v: normaliser_telephone(_texte(v))),
    "courriels": ("courriels", lambda v: clean_courriels(_liste(v))),
    "site_web": ("site_web", lambda v: clean_urls(_liste(v), field="site_web")),
    "horaires": ("horaires", _horaires),
    "presentation_resume": ("presentation_resume", _longueur("presentation_resume")),
    "presentation_detail": ("presentation_detail", _texte),
    "source": ("source", _longueur("source")),
    "structure_parente": ("structure_parente", _longueur("structure_parente")),
    "date_maj": ("date_maj", _date),
    "autres_formations_labels": ("autres_formations_labels", _texte),
    "fiche_acces_libre": ("fiche_acces_libre", _url_unique("fiche_acces_libre")),
    "prise_rdv": ("prise_rdv", _url_unique("prise_rdv")),
}
for _champ in MULTI_VALUED:
    CHAMPS.setdefault(_champ, (_champ, _vocabulaire(_champ)))
assert set(CHAMPS) == set(field_names()), "chaque champ du standard doit avoir son nettoyage"


def _vide(valeur) -> bool:
    return valeur is None or valeur == "" or valeur == [] or (isinstance(valeur, str) and not valeur.strip())


def _valider(ligne: Ligne, brut: dict) -> None:
    """Fill ligne.valeurs with the canonical values of the provided fields, or ligne.erreurs."""
    for champ in field_names():
        if champ not in brut:
            continue
        attr, nettoyer = CHAMPS[champ]
        valeur = brut[champ]
        if _vide(valeur) and champ in required_fields():
            ligne.erreur("champ obligatoire : il ne peut pas être vide.", champ)
            continue
        try:
            ligne.valeurs[attr] = nettoyer(valeur) if not _vide(valeur) else _valeur_vide(attr)
        except ValidationError as exc:
            for message in exc.messages:
                ligne.erreur(message, champ)
    ligne.identifiant = str(ligne.valeurs.get("identifiant") or _texte_sur(brut.get("id")))
    ligne.nom = str(ligne.valeurs.get("nom") or _texte_sur(brut.get("nom")))
    a_lat, a_lon = ligne.valeurs.get("latitude") is not None, ligne.valeurs.get("longitude") is not None
    if a_lat != a_lon and not any(e.champ in ("latitude", "longitude") for e in ligne.erreurs):
        manque = "longitude" if a_lat else "latitude"
        ligne.erreur("la latitude et la longitude vont ensemble : renseignez les deux, ou aucune.", manque)


def _valeur_vide(attr: str):
    default = Lieu._meta.get_field(attr).get_default()
    if attr in ("latitude", "longitude"):
        return None
    return [] if isinstance(default, list) else ""


def _texte_sur(valeur) -> str:
    try:
        return _texte(valeur)
    except ValidationError:
        return ""


# --- Communes, départements, matching ------------------------------------------------------


class _Communes:
    """Commune lookups of one import, cached (a file names the same communes many times)."""

    def __init__(self):
        self._cache: dict[tuple, Commune | None] = {}

    def trouver(self, *, code_insee: str, code_postal: str, nom: str) -> Commune | None:
        cle = (code_insee, code_postal, normaliser_nom(nom or ""))
        if cle not in self._cache:
            if code_insee:
                commune = commune_par_code_insee(code_insee)
            else:
                commune = commune_par_code_postal_et_nom(code_postal, nom) or (
                    communes_par_code_postal(code_postal).select_related("departement").first()
                )
            if commune is not None:
                commune = Commune.objects.select_related("departement").get(pk=commune.pk)
            self._cache[cle] = commune
        return self._cache[cle]


def _commune(ligne: Ligne, communes: _Communes, departement: Departement | None) -> Commune | None:
    """The commune of the place (INSEE code, else postal code + name), inside `departement`."""
    v = ligne.valeurs
    code_insee, code_postal = v.get("code_insee") or "", v.get("code_postal") or ""
    commune = communes.trouver(code_insee=code_insee, code_postal=code_postal, nom=v.get("commune", ""))
    champ = "code_insee" if code_insee else "code_postal"
    if commune is None:
        if code_insee:
            ligne.erreur(f"code INSEE « {code_insee} » inconnu du référentiel des communes.", champ)
        else:
            ligne.erreur(
                f"aucune commune trouvée pour le code postal « {code_postal} » : vérifiez-le, "
                "ou renseignez le code INSEE (colonne code_insee).",
                champ,
            )
        return None
    if departement is not None and commune.departement_id != departement.code:  # to_field="code"
        ligne.erreur(
            f"ce lieu est à {commune.nom} ({commune.departement.nom}, {commune.departement.code}), hors du "
            f"département {departement.nom} ({departement.code}) : il ne peut pas être importé ici.",
            champ,
        )
        return None
    v["commune_ref_id"] = commune.pk
    v["departement_id"] = commune.departement.pk
    return commune


def _positionner(v: dict, commune: Commune, existant: Lieu | None) -> None:
    if v.get("latitude") is not None:
        if existant is not None and _meme_position(existant, v["latitude"], v["longitude"]):
            v["source_position"] = existant.source_position
        else:
            v["source_position"] = SourcePosition.IMPORT
        return
    garder = (
        existant is not None
        and existant.a_une_position
        and existant.source_position != SourcePosition.COMMUNE
        and existant.commune_ref_id == commune.pk
    )
    if garder:
        v.pop("latitude", None)
        v.pop("longitude", None)
        return
    v.update(latitude=commune.latitude, longitude=commune.longitude, source_position=SourcePosition.COMMUNE)


def _meme_position(lieu: Lieu, lat: float, lon: float) -> bool:
    if not lieu.a_une_position:
        return False
    return (_arrondi(lieu.latitude), _arrondi(lieu.longitude)) == (_arrondi(lat), _arrondi(lon))


def _arrondi(coordonnee: float) -> float:
    return round(coordonnee, 6)  # what the export writes


class _Lieux:
    """Existing places the file may match, loaded in two queries."""

    def __init__(self, lignes: list[tuple[int, dict]]):
        ids, pivots = set(), set()
        for _, brut in lignes:
            ids.add(_texte_sur(brut.get("id")))
            pivots.add(re.sub(r"\s", "", _texte_sur(brut.get("pivot"))).upper())
        ids.discard("")
        pivots -= {"", PIVOT_INCONNU}
        self.par_id = {lieu.identifiant: lieu for lieu in Lieu.objects.filter(identifiant__in=ids)}
        self.par_pivot: dict[str, list[Lieu]] = {}
        for lieu in Lieu.objects.filter(pivot__in=pivots).order_by("pk"):
            self.par_pivot.setdefault(lieu.pivot, []).append(lieu)

    def trouver(self, v: dict, departement_id: str | None) -> tuple[Lieu | None, str]:
        lieu = self.par_id.get(v.get("identifiant", ""))
        if lieu is not None:
            return lieu, "id"
        pivot, nom = v.get("pivot", PIVOT_INCONNU), normaliser_nom(v.get("nom", ""))
        if pivot == PIVOT_INCONNU or not nom:
            return None, ""
        for lieu in self.par_pivot.get(pivot, []):
            if normaliser_nom(lieu.nom) == nom and (departement_id is None or lieu.departement_id == departement_id):
                return lieu, "pivot"
        return None, ""


def _comparer(ligne: Ligne) -> None:
    lieu = ligne.lieu
    if ligne.rapprochement == "pivot":
        ligne.valeurs.pop("identifiant", None)  # the place keeps its own identifier
        ligne.identifiant = lieu.identifiant
    modifies = []
    for attr, valeur in ligne.valeurs.items():
        actuelle = getattr(lieu, attr)
        if attr in ("latitude", "longitude") and actuelle is not None and valeur is not None:
            egal = _arrondi(actuelle) == _arrondi(valeur)
        else:
            egal = actuelle == valeur or (_vide(actuelle) and _vide(valeur))
        if not egal:
            modifies.append(_CHAMP_DU_STANDARD.get(attr, attr))
    ligne.champs_modifies = list(dict.fromkeys(modifies))
    ligne.statut = Statut.MODIFIE if modifies else Statut.INCHANGE


_CHAMP_DU_STANDARD = {attr: champ for champ, (attr, _) in CHAMPS.items()} | {
    "commune_ref_id": "commune (référentiel)",
    "departement_id": "département",
    "source_position": "origine de la position",
}


# --- The service -----------------------------------------------------------------------------


def analyser(
    *, contenu: bytes, nom_fichier: str, departement: Departement | None = None, simulation: bool = True
) -> Rapport:
    """Read and validate the file, match and compare: a report, nothing written."""
    rapport = Rapport(
        nom_fichier=nom_fichier,
        empreinte=hashlib.sha256(contenu).hexdigest(),
        taille=len(contenu),
        simulation=simulation,
        departement=departement,
    )
    trop_gros = message_taille(len(contenu))
    if trop_gros:
        rapport.erreurs_fichier.append(Erreur(trop_gros))
        return rapport
    try:
        texte = _decoder(contenu)
        rapport.format = _format(texte, nom_fichier)
        brutes = _lire_json(texte) if rapport.format == "json" else _lire_csv(texte, rapport)
    except _FichierInvalide as exc:
        rapport.erreurs_fichier += [Erreur(m) for m in exc.messages]
        return rapport
    if not brutes:
        rapport.erreurs_fichier.append(Erreur("Le fichier ne contient aucun lieu."))
        return rapport

    unite = "lieu n°" if rapport.format == "json" else "ligne"
    lieux, communes = _Lieux(brutes), _Communes()
    vus_id: dict[str, int] = {}
    vus_lieu: dict[int, int] = {}
    vus_pivot: dict[tuple[str, str], int] = {}
    for numero, brut in brutes:
        ligne = Ligne(numero=numero, unite=unite)
        rapport.lignes.append(ligne)
        if "__erreur__" in brut:
            ligne.erreur(brut["__erreur__"])
            continue
        manquants = [c for c in field_names() if c in required_fields() and c not in brut]
        for champ in manquants:  # JSON objects only: CSV columns were checked once
            ligne.erreur("champ obligatoire absent de cet objet.", champ)
        _valider(ligne, brut)
        if ligne.identifiant:
            if ligne.identifiant in vus_id:
                autre = Erreur("", vus_id[ligne.identifiant], unite=unite).position
                ligne.erreur(f"identifiant « {ligne.identifiant} » en double : déjà utilisé {autre}.", "id")
            else:
                vus_id[ligne.identifiant] = numero
        pivot, nom = ligne.valeurs.get("pivot", PIVOT_INCONNU), normaliser_nom(ligne.nom)
        if pivot != PIVOT_INCONNU and nom and not ligne.erreurs:
            if (pivot, nom) in vus_pivot:
                autre = Erreur("", vus_pivot[pivot, nom], unite=unite).position
                ligne.erreur(
                    f"même SIRET et même nom que le lieu décrit {autre} : un lieu ne doit être décrit qu’une fois.",
                    "pivot",
                )
            else:
                vus_pivot[pivot, nom] = numero
        if ligne.erreurs:
            continue
        _analyser_lieu(ligne, lieux, communes, departement, vus_lieu)
    return rapport


def _analyser_lieu(ligne: Ligne, lieux: _Lieux, communes: _Communes, departement, vus_lieu) -> None:
    commune = _commune(ligne, communes, departement)
    if commune is None:
        return
    lieu, rapprochement = lieux.trouver(ligne.valeurs, commune.departement.pk)
    if lieu is not None and departement is not None and lieu.departement_id != departement.pk:
        ligne.erreur(
            f"l’identifiant « {lieu.identifiant} » est celui d’un lieu d’un autre département : "
            "il ne peut pas être modifié depuis ce département.",
            "id",
        )
        return
    if lieu is not None and lieu.pk in vus_lieu:
        autre = Erreur("", vus_lieu[lieu.pk], unite=ligne.unite).position
        ligne.erreur(f"ce lieu est déjà décrit {autre} (même identifiant, ou même SIRET et même nom).", "id")
        return
    _positionner(ligne.valeurs, commune, lieu)
    if lieu is None:
        ligne.statut = Statut.CREE
        return
    vus_lieu[lieu.pk] = ligne.numero
    ligne.lieu, ligne.rapprochement = lieu, rapprochement
    _comparer(ligne)


def importer_lieux(
    *,
    contenu: bytes,
    nom_fichier: str,
    departement: Departement | None = None,
    par=None,
    simulation: bool = False,
    request=None,
) -> Rapport:
    """Validate the whole file, then write it if no row is rejected (all or nothing).

    `departement` restricts the import (the coordinator's own; `--departement` of the command):
    places outside it are rejected. `par` is the acting membership (None for a command). The
    report says what was (or, in a simulation, would be) created, updated, unchanged, rejected.
    """
    try:
        with transaction.atomic():
            rapport = analyser(contenu=contenu, nom_fichier=nom_fichier, departement=departement, simulation=simulation)
            if simulation or not rapport.accepte:
                return rapport
            _ecrire(rapport)
            _journaliser(rapport, par=par, request=request)
            rapport.ecrit = True
    except IntegrityError:
        rapport.ecrit = False
        rapport.erreurs_fichier.append(
            Erreur(
                "Ces lieux ont été modifiés pendant l’import (un autre import en même temps ?) : "
                "rien n’a été écrit. Relancez l’import."
            )
        )
    return rapport


def _ecrire(rapport: Rapport) -> None:
    for ligne in rapport.lignes:
        if ligne.statut == Statut.CREE:
            lieu = Lieu(**ligne.valeurs)
            lieu.save()
            ligne.lieu = lieu
        elif ligne.statut == Statut.MODIFIE:
            for attr, valeur in ligne.valeurs.items():
                setattr(ligne.lieu, attr, valeur)
            ligne.lieu.save()


def _journaliser(rapport: Rapport, *, par, request) -> None:
    departements = sorted({ligne.lieu.departement_id for ligne in rapport.lignes if ligne.lieu is not None})
    departement = rapport.departement
    if departement is None and len(departements) == 1:
        departement = Departement.objects.get(pk=departements[0])
    evenements.lieux_importes(
        par=par,
        departement=departement,
        nom_fichier=rapport.nom_fichier,
        empreinte=rapport.empreinte,
        format=rapport.format,
        comptes=rapport.comptes(),
        crees=[ligne.identifiant for ligne in rapport.crees],
        modifies={ligne.identifiant: ligne.champs_modifies for ligne in rapport.modifies},
        departements=list(Departement.objects.filter(pk__in=departements).values_list("code", flat=True)),
        request=request,
    )
