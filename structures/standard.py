"""The national data standard of lieux de médiation numérique (LaMednum, schema v1.0.2).

The shipped schema (structures/data/schema-v1.0.2.json) is the single source of truth: the field
list, their order, and the closed vocabularies are read from it. Validators here are pure
functions raising django ValidationError with French messages; the model, the forms, the import
and the API all use them.
"""

import csv
import json
import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_PATH = DATA_DIR / "schema-v1.0.2.json"
EXAMPLE_PATH = DATA_DIR / "exemple-valide-v1.0.2.csv"
SEPARATOR = "|"
PIVOT_INCONNU = "00000000000000"  # the standard's value when a place has no SIRET/RNA yet

_VOCAB_PATTERN = re.compile(r"^\(\?:\(\?:\^\|\\\|\)\((?P<values>.*)\)\)\+?\$?$")


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def field_names() -> tuple[str, ...]:
    """The 32 fields, in the schema's order (the column order of exports)."""
    return tuple(f["name"] for f in schema()["fields"])


@cache
def required_fields() -> frozenset[str]:
    return frozenset(f["name"] for f in schema()["fields"] if f.get("constraints", {}).get("required"))


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


@cache
def vocabularies() -> dict[str, tuple[str, ...]]:
    """Closed vocabularies of the multi-valued fields, from the schema's patterns."""
    vocab = {}
    for f in schema()["fields"]:
        pattern = f.get("constraints", {}).get("pattern") or ""
        match = _VOCAB_PATTERN.match(pattern)
        if match:
            vocab[f["name"]] = tuple(_unescape(v) for v in match.group("values").split("|"))
    return vocab


@cache
def typologies() -> dict[str, str]:
    with (DATA_DIR / "typologies.csv").open(encoding="utf-8") as fh:
        return {row["code"]: row["label"] for row in csv.DictReader(fh)}


# Values written differently in the schema's pattern and its description: accepted on input,
# stored and exported in the schema's form.
ALIASES = {"formations_labels": {"Étapes numériques (La Poste)": "Étapes numériques(La Poste)"}}

# Multi-valued fields: closed vocabularies plus the free lists.
MULTI_VALUED = (
    "typologie",
    "courriels",
    "site_web",
    "itinerance",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
)

FIELD_LABELS = {
    "id": "identifiant",
    "pivot": "SIRET ou RNA",
    "nom": "nom",
    "commune": "commune",
    "code_postal": "code postal",
    "code_insee": "code INSEE",
    "adresse": "adresse",
    "complement_adresse": "complément d’adresse",
    "latitude": "latitude",
    "longitude": "longitude",
    "typologie": "typologie",
    "telephone": "téléphone",
    "courriels": "courriels",
    "site_web": "site web",
    "horaires": "horaires",
    "presentation_resume": "présentation courte",
    "presentation_detail": "présentation détaillée",
    "source": "source",
    "itinerance": "itinérance",
    "structure_parente": "structure parente",
    "date_maj": "date de mise à jour",
    "services": "services",
    "publics_specifiquement_adresses": "publics spécifiquement adressés",
    "prise_en_charge_specifique": "prise en charge spécifique",
    "frais_a_charge": "frais à charge",
    "dispositif_programmes_nationaux": "dispositifs et programmes nationaux",
    "formations_labels": "formations et labels",
    "autres_formations_labels": "autres formations et labels",
    "modalites_acces": "modalités d’accès",
    "modalites_accompagnement": "modalités d’accompagnement",
    "fiche_acces_libre": "fiche Acceslibre",
    "prise_rdv": "prise de rendez-vous",
}


def split_values(value) -> list[str]:
    """'a|b' or ['a', 'b'] → ['a', 'b'] (stripped, empty parts dropped, order kept, no duplicates)."""
    if value is None:
        return []
    parts = value if isinstance(value, list | tuple) else str(value).split(SEPARATOR)
    seen, result = set(), []
    for part in parts:
        part = str(part).strip()
        if part and part not in seen:
            seen.add(part)
            result.append(part)
    return result


def clean_vocabulary(field: str, value) -> list[str]:
    """Validate a multi-valued field against its vocabulary; returns canonical values."""
    allowed = vocabularies()[field]
    aliases = ALIASES.get(field, {})
    values, unknown = [], []
    for v in split_values(value):
        v = aliases.get(v, v)
        (values if v in allowed else unknown).append(v)
    if unknown:
        raise ValidationError(
            "Valeur inconnue pour « %(champ)s » : %(valeurs)s. Valeurs possibles : %(possibles)s.",
            code="vocabulaire",
            params={
                "champ": FIELD_LABELS.get(field, field),
                "valeurs": ", ".join(f"« {u} »" for u in unknown),
                "possibles": ", ".join(allowed),
            },
        )
    return values


def clean_typologie(value) -> list[str]:
    codes = split_values(value)
    unknown = [c for c in codes if c not in typologies()]
    if unknown:
        raise ValidationError(
            "Typologie inconnue : %(valeurs)s (codes data·inclusion attendus, par exemple CCAS, BIB, TIERS_LIEUX).",
            code="typologie",
            params={"valeurs": ", ".join(f"« {u} »" for u in unknown)},
        )
    return codes


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def siret_valide(digits: str) -> bool:
    """14 digits with a valid Luhn key (La Poste's establishments use their own rule)."""
    return bool(re.fullmatch(r"\d{14}", digits)) and (
        _luhn_ok(digits) or (digits.startswith("356000000") and sum(map(int, digits)) % 5 == 0)
    )


def valider_siret(value: str) -> str:
    """A SIRET alone (organisations that are not places): 14 digits, spaces allowed."""
    v = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"\d{14}", v):
        raise ValidationError(
            "Un SIRET compte 14 chiffres ; « %(v)s » n’en est pas un.", code="siret_format", params={"v": value}
        )
    if not siret_valide(v):
        raise ValidationError(
            "Ce SIRET (« %(v)s ») n’est pas valide : sa clé de contrôle ne correspond pas. Vérifiez les 14 chiffres.",
            code="siret",
            params={"v": v},
        )
    return v


def valider_pivot(value: str) -> str:
    """SIRET (14 digits, Luhn key; La Poste's establishments use their own rule), SIREN (9
    digits), RNA (W + 9 characters), or the standard's 00000000000000 for 'unknown'."""
    v = re.sub(r"\s", "", value or "")
    if v == PIVOT_INCONNU:
        return v
    if re.fullmatch(r"\d{14}", v):
        return valider_siret(v)
    if re.fullmatch(r"\d{9}", v):
        if _luhn_ok(v):
            return v
        raise ValidationError(
            "Ce SIREN (« %(v)s ») n’est pas valide : sa clé de contrôle ne correspond pas.",
            code="siren",
            params={"v": v},
        )
    if re.fullmatch(r"W[0-9A-Z]\d{8}", v.upper()):
        return v.upper()
    raise ValidationError(
        "Indiquez un SIRET (14 chiffres), un SIREN (9 chiffres) ou un numéro RNA (W suivi de 9 caractères) ; "
        "« %(v)s » n’en est pas un.",
        code="pivot",
        params={"v": value},
    )


_PHONE_PREFIXES = ("+33", "+590", "+594", "+262", "+596", "+269", "+687", "+689", "+508", "+681")
_PHONE_STANDARD = re.compile(r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$")


def telephone_lisible(numero: str) -> str:
    """'+33555123456' → '05 55 12 34 56' (the inverse of normaliser_telephone, for people to
    read); other numbers are shown as stored."""
    numero = numero or ""
    if numero.startswith("+33") and len(numero) == 12 and numero[3:].isdigit():
        chiffres = "0" + numero[3:]
        return " ".join(chiffres[i : i + 2] for i in range(0, 10, 2))
    return numero


def normaliser_telephone(value: str) -> str:
    """'05 55 12 34 56' or '+33 5 55 12 34 56' → '+33555123456' (the standard's format)."""
    raw = (value or "").strip()
    if not raw:
        return ""
    compact = re.sub(r"[\s.\-()]", "", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if re.fullmatch(r"0[1-9]\d{8}", compact):
        compact = "+33" + compact[1:]
    if compact.startswith("+330"):
        compact = "+33" + compact[4:]
    if not _PHONE_STANDARD.match(compact):
        raise ValidationError(
            "Numéro de téléphone invalide : « %(v)s ». Écrivez par exemple 05 55 12 34 56 ou +33555123456.",
            code="telephone",
            params={"v": raw},
        )
    return compact


def clean_courriels(value) -> list[str]:
    validator = EmailValidator()
    values = [v.lower() for v in split_values(value)]
    for v in values:
        try:
            validator(v)
        except ValidationError as exc:
            raise ValidationError("Adresse e-mail invalide : « %(v)s ».", code="courriel", params={"v": v}) from exc
    return values


def clean_urls(value, *, field: str = "site_web") -> list[str]:
    validator = URLValidator(schemes=["http", "https"])
    values = split_values(value)
    for v in values:
        try:
            validator(v)
        except ValidationError as exc:
            raise ValidationError(
                "Adresse web invalide pour « %(champ)s » : « %(v)s » (elle doit commencer par https:// ou http://).",
                code="url",
                params={"champ": FIELD_LABELS.get(field, field), "v": v},
            ) from exc
    return values


def valider_code_postal(value: str) -> str:
    v = (value or "").strip()
    if not re.fullmatch(r"\d{5}", v):
        raise ValidationError(
            "Code postal invalide : « %(v)s » (5 chiffres attendus, par exemple 23000).",
            code="code_postal",
            params={"v": value},
        )
    return v


def valider_code_insee(value: str) -> str:
    v = (value or "").strip().upper()
    if not re.fullmatch(r"([013-9]\d|2[AB1-9])\d{3}", v):
        raise ValidationError(
            "Code INSEE invalide : « %(v)s » (5 caractères, par exemple 23096 ou 2A004).",
            code="code_insee",
            params={"v": value},
        )
    return v
