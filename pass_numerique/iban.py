"""IBAN (ISO 13616) and BIC (ISO 9362): normalisation, checks and French messages. No database.

An IBAN is a country code (2 letters), two check digits and the national account number
(BBAN), whose length is fixed per country (FR: 27 characters in all). The check: move the first
four characters to the end, replace each letter by a number (A = 10 … Z = 35): the whole number
modulo 97 must be 1. It catches every single mistyped digit and every swap of two adjacent digits
(a letter typed for a digit is caught but for about one case in a hundred).
"""

import re

# Lengths of the IBAN per country (SWIFT IBAN registry). The French overseas territories share
# the FR format; some banks still print their own country code (GP, RE…).
LONGUEURS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BL": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22,
    "GF": 27, "GI": 23, "GL": 18, "GP": 27, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MF": 27, "MK": 19,
    "MQ": 27, "MR": 27, "MT": 31, "MU": 30, "NC": 27, "NL": 18, "NO": 15, "PF": 27, "PK": 24,
    "PL": 28, "PM": 27, "PS": 29, "PT": 25, "QA": 29, "RE": 27, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TF": 27, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "WF": 27, "XK": 20, "YT": 27,
}  # fmt: skip

_SEPARATEURS = re.compile(r"[\s\-.]+")
_ALPHANUMERIQUE = re.compile(r"[A-Z0-9]")
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


class CoordonneeInvalide(ValueError):
    """`message` is the French sentence to show next to the field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normaliser(saisie: str) -> str:
    """« fr76 3000-6000 0112 … » → « FR763000600001… » (no check)."""
    texte = _SEPARATEURS.sub("", (saisie or "").strip().upper())
    return texte.removeprefix("IBAN:").removeprefix("IBAN")


def cle_correcte(iban: str) -> bool:
    """The ISO 7064 mod-97 check of a normalised IBAN."""
    reordonne = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in reordonne)) % 97 == 1


def valider_iban(saisie: str) -> str:
    """The normalised IBAN, or CoordonneeInvalide saying in French what is wrong."""
    iban = normaliser(saisie)
    if not iban:
        raise CoordonneeInvalide("Saisissez l’IBAN du compte, tel qu’il figure sur le RIB (FR76 …).")
    intrus = [c for c in iban if not _ALPHANUMERIQUE.fullmatch(c)]
    if intrus:
        raise CoordonneeInvalide(
            f"Un IBAN ne contient que des lettres et des chiffres : retirez le caractère « {intrus[0]} »."
        )
    if len(iban) < 4 or not (iban[:2].isalpha() and iban[2:4].isdigit()):
        raise CoordonneeInvalide(
            "Un IBAN commence par le code du pays en deux lettres (FR pour la France) suivi de deux chiffres."
        )
    pays = iban[:2]
    if pays not in LONGUEURS:
        raise CoordonneeInvalide(f"« {pays} » n’est pas le code d’un pays qui utilise l’IBAN. Vérifiez le début.")
    attendu = LONGUEURS[pays]
    if len(iban) != attendu:
        qui = "français" if pays == "FR" else f"du pays {pays}"
        raise CoordonneeInvalide(
            f"Un IBAN {qui} compte {attendu} caractères ; vous en avez saisi {len(iban)}. "
            "Vérifiez qu’il n’en manque pas."
        )
    if not cle_correcte(iban):
        raise CoordonneeInvalide(
            "Cet IBAN contient une erreur : sa clé de contrôle ne correspond pas. "
            "Recopiez-le caractère par caractère depuis le RIB."
        )
    return iban


def valider_bic(saisie: str) -> str:
    """The normalised BIC ('' when nothing was typed: it is optional), or CoordonneeInvalide."""
    bic = _SEPARATEURS.sub("", (saisie or "").strip().upper())
    if bic and not _BIC.fullmatch(bic):
        raise CoordonneeInvalide(
            "Un BIC compte 8 ou 11 lettres et chiffres : 4 lettres pour la banque, 2 pour le pays (FR), "
            "2 pour la ville, et parfois 3 pour l’agence (exemple : BNPAFRPPXXX)."
        )
    return bic


def formater(iban: str) -> str:
    """« FR7630006000011234567890189 » → « FR76 3000 6000 0112 3456 7890 189 »."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def masquer(iban: str) -> str:
    """The masked form shown outside the place's responsable and the coordinators (same as
    `CoordonneesBancaires.iban_masque`)."""
    from .models import CoordonneesBancaires

    return CoordonneesBancaires(iban=iban).iban_masque
