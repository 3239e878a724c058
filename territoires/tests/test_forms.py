import pytest
from django import forms

from territoires.forms import CommuneField
from territoires.tests.jeu_de_test import charger_jeu_de_test

pytestmark = pytest.mark.django_db


class Formulaire(forms.Form):
    commune = CommuneField(label="Commune")


@pytest.fixture(autouse=True)
def communes():
    charger_jeu_de_test()


def lire(**data):
    form = Formulaire(data)
    return form, (form.cleaned_data.get("commune") if form.is_valid() else None)


@pytest.mark.parametrize("texte", ["Guéret", "gueret", "23000 Guéret", "Guéret (23000)", "GUERET"])
def test_the_typed_text_names_a_commune(texte):
    assert lire(commune_texte=texte)[1].code_insee == "23096"


def test_the_chosen_code_wins():
    assert lire(commune="23096", commune_texte="Guéret (23000)")[1].nom == "Guéret"


def test_unknown_and_ambiguous_texts_get_french_messages():
    form, _ = lire(commune_texte="Atlantide")
    assert "Aucune commune ne correspond à « Atlantide »" in form.errors["commune"][0]
    form, _ = lire(commune_texte="Saint-Denis")
    assert "Plusieurs communes correspondent" in form.errors["commune"][0]
    assert "93200" in form.errors["commune"][0] or "97400" in form.errors["commune"][0]
    form, _ = lire(commune="", commune_texte="")
    assert form.errors["commune"] == [
        "Indiquez la commune : tapez son nom ou son code postal, puis choisissez-la dans la liste."
    ]


def test_the_widget_renders_the_combobox_with_the_chosen_commune():
    from territoires.models import Commune

    html = str(Formulaire(initial={"commune": Commune.objects.get(code_insee="23096")})["commune"])
    assert 'name="commune_texte"' in html and 'value="Guéret (23000)"' in html
    assert 'name="commune"' in html and 'value="23096"' in html and "data-combobox" in html
