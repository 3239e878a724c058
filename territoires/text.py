"""Normalising place names so that searches ignore accents, case, hyphens and apostrophes.

Pure Python, no Django: `scripts/build_communes.py` uses the same function to join the reference
sources, so a name that matched at build time matches at search time.
"""

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus accents.
_LETTRES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"})
_SEPARATEURS = re.compile(r"[^a-z0-9]+")
# Abbreviations found in addresses and in what people type.
_ABREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normaliser_nom(texte: str) -> str:
    """'Saint-Étienne', 'ST ETIENNE', "st-étienne" → 'saint etienne'.

    The result holds only lowercase ASCII letters, digits and single spaces, and normalising it
    again changes nothing.
    """
    texte = unicodedata.normalize("NFKD", texte).casefold()
    texte = unicodedata.normalize("NFKD", texte)
    texte = "".join(c for c in texte if not unicodedata.combining(c)).translate(_LETTRES)
    mots = _SEPARATEURS.split(texte)
    return " ".join(_ABREVIATIONS.get(mot, mot) for mot in mots if mot)
