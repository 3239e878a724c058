"""Rules on a person's data, shared by the forms and the services (which check again: the
command line and later apps call the services directly). Messages are French and say how to fix."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone

from structures.standard import normaliser_telephone

from .diagnostic import Besoin, NiveauAutonomie
from .fse import QUESTIONS_OUI_NON, NiveauEtudes, Reponse, Sexe, SituationEmploi
from .identite import age_le
from .models import Public

AGE_MAXIMUM = 120
LONGUEUR_NOM = 100


def valider_nom(valeur: str, *, champ: str) -> str:
    v = " ".join((valeur or "").split())
    libelle = "le nom" if champ == "nom" else "le prénom"
    if not v:
        raise ValidationError(f"Indiquez {libelle} de la personne.", code="obligatoire")
    if len(v) > LONGUEUR_NOM:
        raise ValidationError(f"{libelle.capitalize()} ne doit pas dépasser {LONGUEUR_NOM} caractères.", code="long")
    if not any(c.isalpha() for c in v):
        raise ValidationError(f"{libelle.capitalize()} doit contenir au moins une lettre.", code="lettres")
    return v


def valider_date_naissance(valeur: datetime.date | None, *, aujourd_hui: datetime.date | None = None) -> datetime.date:
    if valeur is None:
        raise ValidationError("Indiquez la date de naissance (par exemple 02/03/1950).", code="obligatoire")
    aujourd_hui = aujourd_hui or timezone.localdate()
    if valeur > aujourd_hui:
        raise ValidationError("La date de naissance ne peut pas être dans le futur.", code="futur")
    if age_le(valeur, aujourd_hui) > AGE_MAXIMUM:
        raise ValidationError(
            f"Cette date de naissance donnerait plus de {AGE_MAXIMUM} ans : vérifiez l’année.", code="trop_ancienne"
        )
    return valeur


def valider_date_information(valeur: datetime.date | None, *, aujourd_hui: datetime.date | None = None):
    if valeur is None:
        raise ValidationError(
            "Indiquez la date à laquelle la personne a été informée de l’usage de ses données.", code="obligatoire"
        )
    if valeur > (aujourd_hui or timezone.localdate()):
        raise ValidationError("La date d’information ne peut pas être dans le futur.", code="futur")
    return valeur


def valider_telephone(valeur: str) -> str:
    return normaliser_telephone(valeur) if (valeur or "").strip() else ""


def valider_email(valeur: str) -> str:
    v = (valeur or "").strip().lower()
    if v:
        try:
            EmailValidator()(v)
        except ValidationError as exc:
            raise ValidationError(
                "Adresse e-mail invalide : « %(v)s ». Écrivez par exemple prenom.nom@exemple.fr.",
                code="email",
                params={"v": valeur},
            ) from exc
    return v


def valider_liste(valeurs, *, choix, libelle: str) -> list[str]:
    valeurs = list(dict.fromkeys(valeurs or []))
    inconnues = [v for v in valeurs if v not in choix.values]
    if inconnues:
        raise ValidationError(
            "%(libelle)s inconnu·s : %(v)s. Choisissez dans la liste proposée.",
            code="inconnu",
            params={"libelle": libelle, "v": ", ".join(f"« {v} »" for v in inconnues)},
        )
    return [v for v in choix.values if v in valeurs]  # the list's order


CHOIX_FSE = {
    "sexe": Sexe,
    "situation_emploi": SituationEmploi,
    "niveau_etudes": NiveauEtudes,
    **dict.fromkeys(QUESTIONS_OUI_NON, Reponse),
}


def valider_choix(valeur, *, choix):
    if valeur in (None, ""):
        raise ValidationError("Choisissez une réponse (« Ne souhaite pas répondre » est possible).", code="obligatoire")
    if valeur not in choix.values:
        raise ValidationError("Réponse inconnue : « %(v)s ».", code="inconnu", params={"v": valeur})
    return valeur


def nettoyer(donnees: Mapping, *, partiel: bool = False) -> dict:
    """Validate and normalise a person's data. `partiel`: only the keys present are checked.
    Raises one ValidationError keyed by field with every problem found."""
    erreurs: dict[str, list] = {}
    propre: dict = {}

    def verifier(nom_champ, fonction, **kwargs):
        if partiel and nom_champ not in donnees:
            return
        try:
            propre[nom_champ] = fonction(donnees.get(nom_champ), **kwargs)
        except ValidationError as exc:
            erreurs.setdefault(nom_champ, []).extend(exc.messages)

    verifier("nom", valider_nom, champ="nom")
    verifier("prenom", valider_nom, champ="prenom")
    verifier("date_naissance", valider_date_naissance)
    verifier("telephone", valider_telephone)
    verifier("email", valider_email)
    verifier("publics", valider_liste, choix=Public, libelle="Public·s d’éligibilité")
    verifier("besoins", valider_liste, choix=Besoin, libelle="Besoin·s")
    verifier("information_rgpd_le", valider_date_information)
    for champ, choix in CHOIX_FSE.items():
        verifier(champ, valider_choix, choix=choix)
    if not partiel or "commune" in donnees:
        if donnees.get("commune") is None:
            erreurs.setdefault("commune", []).append("Choisissez la commune de la personne dans la liste.")
        else:
            propre["commune"] = donnees["commune"]
    if not partiel or "niveau_autonomie" in donnees:
        niveau = str(donnees.get("niveau_autonomie") or "").strip()
        if not niveau:
            propre["niveau_autonomie"] = None
        elif niveau.isdigit() and int(niveau) in NiveauAutonomie.values:
            propre["niveau_autonomie"] = int(niveau)
        else:
            erreurs.setdefault("niveau_autonomie", []).append("Niveau d’autonomie inconnu : choisissez dans la liste.")
    if not partiel or "notes" in donnees:
        propre["notes"] = (donnees.get("notes") or "").strip()
    if erreurs:
        raise ValidationError(erreurs)
    return propre
