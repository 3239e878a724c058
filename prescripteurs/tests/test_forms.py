"""The organisation form: the same rules and French messages as the services; the commune picker."""

import pytest

from prescripteurs.forms import FermetureForm, OrganismeForm
from structures.standard import telephone_lisible

from .conftest import SIRET, saisie

pytestmark = pytest.mark.django_db


def test_une_saisie_valide_donne_ce_que_prend_le_service(gueret):
    form = OrganismeForm(saisie())
    assert form.is_valid(), form.errors
    assert form.donnees() == {
        "nom": "CCAS de Guéret",
        "type_organisme": "ccas",
        "siret": SIRET,
        "adresse": "12 avenue Fayolle",
        "code_postal": "23000",
        "commune": gueret,
        "telephone": "+33536490101",
        "courriel": "accueil@ccas.example",
    }


def test_la_commune_choisie_dans_la_liste_l_emporte(gueret):
    form = OrganismeForm(saisie(commune="23195", commune_texte="Saint-Fiel (23000)"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"].nom == "Saint-Fiel"


@pytest.mark.parametrize(
    ("modifs", "champ", "message"),
    [
        ({"nom": ""}, "nom", "Indiquez le nom de l’organisme, par exemple « CCAS de Guéret »."),
        ({"type_organisme": ""}, "type_organisme", "Choisissez le type d’organisme."),
        ({"type_organisme": "banque"}, "type_organisme", "Type d’organisme inconnu : « banque »."),
        ({"siret": "1234"}, "siret", "Un SIRET compte 14 chiffres ; « 1234 » n’en est pas un."),
        ({"siret": "000 000 023 00011"}, "siret", "Ce SIRET (« 00000002300011 ») n’est pas valide"),
        ({"code_postal": "23200"}, "code_postal", "Le code postal 23200 ne dessert pas la commune Guéret"),
        ({"code_postal": "abc"}, "code_postal", "Code postal invalide : « abc »"),
        ({"commune_texte": ""}, "commune", "Indiquez la commune : tapez son nom ou son code postal"),
        ({"commune_texte": "Atlantide"}, "commune", "Aucune commune ne correspond à « Atlantide »"),
        ({"telephone": "05 55"}, "telephone", "Numéro de téléphone invalide : « 05 55 »"),
        ({"courriel": "accueil@@ccas"}, "courriel", "Adresse e-mail invalide : « accueil@@ccas »"),
    ],
)
def test_les_erreurs_sont_en_francais(gueret, modifs, champ, message):
    form = OrganismeForm(saisie(**modifs))
    assert not form.is_valid()
    assert message in " ".join(form.errors[champ]), form.errors


def test_le_formulaire_d_un_organisme_montre_ses_valeurs(organisme):
    form = OrganismeForm(organisme=organisme)
    html = str(form["commune"])
    assert 'value="Guéret (23000)"' in html and 'value="23096"' in html
    assert form["telephone"].value() == "05 36 49 01 02"
    assert form["type_organisme"].value() == "mission_locale"
    assert "js/recherche-commune.js" in str(form.media)


def test_les_groupes_du_formulaire_couvrent_tous_les_champs():
    form = OrganismeForm()
    noms = [champ.name for groupe in form.groupes() for champ in groupe["champs"]]
    assert sorted(noms) == sorted(form.fields)


def test_telephone_lisible():
    assert telephone_lisible("+33536490101") == "05 36 49 01 01"
    assert telephone_lisible("+262262123456") == "+262262123456"
    assert telephone_lisible("") == ""


def test_la_fermeture_demande_un_motif():
    form = FermetureForm({"motif": ""})
    assert not form.is_valid()
    assert form.errors["motif"] == ["Indiquez le motif de la fermeture."]
    assert not FermetureForm({"motif": "x" * 501}).is_valid()
