"""Bad input on the person's form: each mistake gets its French message on its field, and
nothing is saved (no record, no follow-up, no journal entry). The rules are those of
beneficiaires.validation, shared by the form and the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from beneficiaires import validation
from beneficiaires.forms import BeneficiaireForm
from beneficiaires.models import Beneficiaire, Suivi
from beneficiaires.services.fiches import creer_beneficiaire
from comptes.models import Role
from comptes.tests.factories import DepartementFactory, OrganismePrescripteurFactory, make_member
from journal.models import Evenement

from .factories import GUERET, commune
from .test_fiches_creer import saisie

pytestmark = pytest.mark.django_db
URL = reverse("beneficiaires:creer")


@pytest.fixture
def agent():
    commune(GUERET)
    return make_member(Role.AGENT, organisation=OrganismePrescripteurFactory(departement=DepartementFactory(code="23")))


def _dans_un_an() -> str:
    return (timezone.localdate() + datetime.timedelta(days=365)).strftime("%d/%m/%Y")


MAUVAISES_SAISIES = [
    ("date_naissance", {"date_naissance": _dans_un_an()}, "La date de naissance ne peut pas être dans le futur."),
    (
        "date_naissance",
        {"date_naissance": "01/01/1890"},
        "Cette date de naissance donnerait plus de 120 ans : vérifiez l’année.",
    ),
    ("date_naissance", {"date_naissance": "31/02/1950"}, "Date invalide : « 31/02/1950 »."),
    ("date_naissance", {"date_naissance": ""}, "Indiquez la date de naissance (par exemple 02/03/1950)."),
    ("commune", {"commune": "", "commune_texte": "Trifouillis-les-Oies"}, "Aucune commune ne correspond"),
    ("commune", {"commune": "99999", "commune_texte": ""}, "Aucune commune ne correspond"),
    ("commune", {"commune": "", "commune_texte": ""}, "Indiquez la commune"),
    ("telephone", {"telephone": "05 55"}, "Numéro de téléphone invalide : « 05 55 »."),
    ("telephone", {"telephone": "appeler la fille"}, "Numéro de téléphone invalide"),
    ("email", {"email": "marie@"}, "Adresse e-mail invalide : « marie@ »."),
    ("email", {"email": "marie dupont.fr"}, "Adresse e-mail invalide"),
    ("nom", {"nom": "  "}, "Indiquez le nom de la personne."),
    ("prenom", {"prenom": ""}, "Indiquez le prénom de la personne."),
    ("nom", {"nom": "1234"}, "Le nom doit contenir au moins une lettre."),
    ("nom", {"nom": "x" * 101}, "Le nom ne doit pas dépasser 100 caractères."),
    ("publics", {"publics": ["senior", "millionnaire"]}, "Public·s d’éligibilité inconnu·s : « millionnaire »."),
    ("besoins", {"besoins": ["voler"]}, "Besoin·s inconnu·s : « voler »."),
    ("sexe", {"sexe": "autre"}, "Réponse inconnue : « autre »."),
    ("handicap", {"handicap": "peut-etre"}, "Réponse inconnue : « peut-etre »."),
    (
        "situation_emploi",
        {"situation_emploi": ""},
        "Choisissez une réponse (« Ne souhaite pas répondre » est possible).",
    ),
    ("niveau_autonomie", {"niveau_autonomie": "9"}, "Niveau d’autonomie inconnu : choisissez dans la liste."),
    ("information_rgpd_le", {"information_rgpd_le": _dans_un_an()}, "La date d’information ne peut pas être"),
    ("information_rgpd_le", {"information_rgpd_le": ""}, "Indiquez la date à laquelle la personne a été informée"),
]


@pytest.mark.parametrize("champ, changement, message", MAUVAISES_SAISIES, ids=[m[2][:40] for m in MAUVAISES_SAISIES])
def test_bad_input_is_explained_and_nothing_is_saved(client, login, agent, champ, changement, message):
    response = login(agent).post(URL, saisie(**changement))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in erreur for erreur in form.errors[champ]), form.errors
    html = response.content.decode()
    assert "La personne n’a pas été enregistrée" in html
    assert f'href="#{form[champ].auto_id}"' in html  # the summary links to the field
    assert 'aria-invalid="true"' in html or champ in form.noms_choix
    assert (Beneficiaire.objects.count(), Suivi.objects.count(), Evenement.objects.count()) == (0, 0, 0)


def test_a_missing_fse_answer_is_asked_for_each_question(client, login, agent):
    donnees = saisie()
    for champ in validation.CHOIX_FSE:
        donnees.pop(champ)
    response = login(agent).post(URL, donnees)
    form = response.context["form"]
    assert set(validation.CHOIX_FSE) <= set(form.errors)
    assert Beneficiaire.objects.count() == 0


def test_an_empty_form_lists_every_required_field(client, login, agent):
    response = login(agent).post(URL, {})
    form = response.context["form"]
    attendus = {"nom", "prenom", "date_naissance", "commune", "information_rgpd_le", *validation.CHOIX_FSE}
    assert set(form.errors) == attendus
    assert "Corrigez 13 points" in response.content.decode()
    assert Beneficiaire.objects.count() == 0


def test_the_typed_values_are_kept_after_an_error(client, login, agent):
    response = login(agent).post(URL, saisie(email="marie@", notes="Rappeler lundi"))
    html = response.content.decode()
    assert 'value="Dupont"' in html and 'value="marie@"' in html and "Rappeler lundi" in html
    assert 'value="femme" class="form-check-input border-secondary" id="id_sexe_0" required checked' in html


@pytest.mark.parametrize("texte", ["02/03/1950", "2/3/1950", "02.03.1950", "02-03-1950", "02031950", "1950-03-02"])
def test_the_birth_date_may_be_typed_several_ways(agent, texte):
    form = BeneficiaireForm(saisie(date_naissance=texte))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_naissance"] == datetime.date(1950, 3, 2)


def test_the_form_and_the_service_say_the_same(agent):
    """The service refuses what the form refuses, with the same message (one set of rules)."""
    form = BeneficiaireForm(saisie(telephone="05 55"))
    assert not form.is_valid()
    valide = BeneficiaireForm(saisie())
    assert valide.is_valid()
    donnees = valide.donnees() | {"telephone": "05 55"}
    with pytest.raises(ValidationError) as exc:
        creer_beneficiaire(par=agent, donnees=donnees)
    assert exc.value.message_dict["telephone"] == form.errors["telephone"]
    assert Beneficiaire.objects.count() == 0
