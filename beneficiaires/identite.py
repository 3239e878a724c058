"""Identity helpers: the duplicate key, the search text and the pseudonym.

Two records are the same person when their names and birth date match with accents, case,
hyphens, apostrophes and spaces ignored: « Marie-Hélène DUPONT » born 1950-03-02 and
« marie helene dupont » born the same day share one key.
"""

import datetime
import secrets

from territoires.text import normaliser_nom

# Pseudonyms avoid the look-alikes 0/O, 1/I/L: people may read them over the phone.
ALPHABET_PSEUDONYME = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LONGUEUR_PSEUDONYME = 8


def normaliser(texte: str) -> str:
    """'Marie-Hélène' → 'mariehelene': no accents, no case, no separators."""
    return normaliser_nom(texte or "").replace(" ", "")


def cle_doublon(*, nom: str, prenom: str, date_naissance: datetime.date | None) -> str:
    if not (nom and prenom and date_naissance):
        return ""
    return f"{normaliser(nom)}|{normaliser(prenom)}|{date_naissance.isoformat()}"


def texte_recherche(*, nom: str, prenom: str) -> str:
    """What the name search runs on: 'dupont marie helene' (normalised, words kept apart)."""
    return f"{normaliser_nom(nom or '')} {normaliser_nom(prenom or '')}".strip()


def nouveau_pseudonyme() -> str:
    """'B-7K3M9QXA': the record's reference in the journal and after anonymisation."""
    return "B-" + "".join(secrets.choice(ALPHABET_PSEUDONYME) for _ in range(LONGUEUR_PSEUDONYME))


def age_le(date_naissance: datetime.date, jour: datetime.date) -> int:
    return jour.year - date_naissance.year - ((jour.month, jour.day) < (date_naissance.month, date_naissance.day))
