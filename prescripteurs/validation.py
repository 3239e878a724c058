"""Rules on an organisme prescripteur's data, shared by the form and the services (which check
again: the command line and other apps call them directly). French messages that say how to fix.

An organisation's data is not personal data: the journal keeps the values that changed.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from structures.standard import normaliser_telephone, valider_code_postal, valider_siret
from territoires.models import Commune

from .models import TypeOrganisme

# The fields a person types, in the order of the form.
CHAMPS = ("nom", "type_organisme", "siret", "adresse", "code_postal", "commune", "telephone", "courriel")
LONGUEUR_NOM = 255
LONGUEUR_ADRESSE = 255


def _texte(valeur) -> str:
    return " ".join(str(valeur or "").split())


def valider_nom(valeur) -> str:
    v = _texte(valeur)
    if not v:
        raise ValidationError("Indiquez le nom de l’organisme, par exemple « CCAS de Guéret ».", code="obligatoire")
    if len(v) > LONGUEUR_NOM:
        raise ValidationError(f"Le nom ne doit pas dépasser {LONGUEUR_NOM} caractères.", code="long")
    return v


def valider_type(valeur) -> str:
    v = _texte(valeur)
    if not v:
        raise ValidationError("Choisissez le type d’organisme.", code="obligatoire")
    if v not in TypeOrganisme.values:
        raise ValidationError(
            "Type d’organisme inconnu : « %(v)s ». Choisissez dans la liste.", code="inconnu", params={"v": v}
        )
    return v


def valider_siret_facultatif(valeur) -> str:
    return valider_siret(valeur) if _texte(valeur) else ""


def valider_adresse(valeur) -> str:
    v = _texte(valeur)
    if len(v) > LONGUEUR_ADRESSE:
        raise ValidationError(f"L’adresse ne doit pas dépasser {LONGUEUR_ADRESSE} caractères.", code="long")
    return v


def valider_code_postal_facultatif(valeur) -> str:
    return valider_code_postal(_texte(valeur)) if _texte(valeur) else ""


def valider_telephone(valeur) -> str:
    return normaliser_telephone(valeur) if _texte(valeur) else ""


def valider_courriel(valeur) -> str:
    v = str(valeur or "").strip().lower()
    if v:
        try:
            EmailValidator()(v)
        except ValidationError as exc:
            raise ValidationError(
                "Adresse e-mail invalide : « %(v)s ». Écrivez par exemple accueil@exemple.fr.",
                code="courriel",
                params={"v": valeur},
            ) from exc
    return v


def valider_commune(valeur) -> Commune:
    if not isinstance(valeur, Commune):
        raise ValidationError(
            "Indiquez la commune : tapez son nom ou son code postal, puis choisissez-la dans la liste.",
            code="obligatoire",
        )
    return valeur


def accorder_code_postal(code_postal: str, commune: Commune | None) -> str:
    """The postal code must serve the commune; left empty, it is the commune's when it has only one."""
    if commune is None:
        return code_postal
    codes = commune.liste_codes_postaux
    if not code_postal:
        return codes[0] if len(codes) == 1 else ""
    if codes and code_postal not in codes:
        raise ValidationError(
            "Le code postal %(code)s ne dessert pas la commune %(commune)s (codes postaux : %(codes)s).",
            code="code_postal_commune",
            params={"code": code_postal, "commune": commune.nom, "codes": ", ".join(codes)},
        )
    return code_postal


VALIDATEURS = {
    "nom": valider_nom,
    "type_organisme": valider_type,
    "siret": valider_siret_facultatif,
    "adresse": valider_adresse,
    "code_postal": valider_code_postal_facultatif,
    "commune": valider_commune,
    "telephone": valider_telephone,
    "courriel": valider_courriel,
}


def nettoyer(donnees: Mapping) -> dict:
    """Validate and normalise every field of CHAMPS. Raises one ValidationError keyed by field
    with every problem found."""
    inconnus = sorted(set(donnees) - set(CHAMPS))
    if inconnus:
        raise ValueError(f"Champs inconnus : {', '.join(inconnus)}")
    erreurs: dict[str, list[str]] = {}
    propre: dict = {}
    for champ, valider in VALIDATEURS.items():
        try:
            propre[champ] = valider(donnees.get(champ))
        except ValidationError as exc:
            erreurs.setdefault(champ, []).extend(exc.messages)
    if "code_postal" in propre and "commune" in propre:
        try:
            propre["code_postal"] = accorder_code_postal(propre["code_postal"], propre["commune"])
        except ValidationError as exc:
            erreurs.setdefault("code_postal", []).extend(exc.messages)
    if erreurs:
        raise ValidationError(erreurs)
    return propre
