import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from territoires.text import normaliser_nom

FORME = re.compile(r"^([a-z0-9]+( [a-z0-9]+)*)?$")


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("st etienne", "saint etienne"),
        ("ST-ÉTIENNE", "saint etienne"),
        ("Ste-Feyre", "sainte feyre"),
        ("Guéret", "gueret"),
        ("GUERET", "gueret"),
        ("L'Abergement-Clémenciat", "l abergement clemenciat"),
        ("L’Haÿ-les-Roses", "l hay les roses"),
        ("Œuilly", "oeuilly"),
        ("  Paris   15e  Arrondissement ", "paris 15e arrondissement"),
        ("Saint-Denis (La Réunion)", "saint denis la reunion"),
        ("Stenay", "stenay"),  # not an abbreviation
        ("", ""),
        ("--'", ""),
    ],
)
def test_exemples(texte, attendu):
    assert normaliser_nom(texte) == attendu


@given(st.text())
def test_sortie_en_minuscules_ascii(texte):
    assert FORME.match(normaliser_nom(texte))


@given(st.text())
def test_idempotent(texte):
    une_fois = normaliser_nom(texte)
    assert normaliser_nom(une_fois) == une_fois


@given(st.text(alphabet="aàâäeéèêëiîïoôöuùûüyÿcçAÀÉÈÊÎÔÙÇ-' "))
def test_accents_casse_et_tirets_ignores(texte):
    assert normaliser_nom(texte.upper()) == normaliser_nom(texte.lower()) == normaliser_nom(texte.replace("-", " "))
