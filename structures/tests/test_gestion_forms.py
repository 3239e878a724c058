"""Bad input on the place's form: each gets a French message tied to its field, nothing is saved."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from comptes.models import Role
from comptes.tests.factories import make_member
from journal.models import Evenement
from structures.forms import LieuForm
from structures.models import Lieu
from territoires.models import Departement

from .test_gestion_services import charger_departement, coordinateur, donnees_du_lieu, equipe, nouveau_lieu, saisie


@pytest.fixture
def creuse(db) -> Departement:
    return charger_departement("23")


@pytest.fixture
def haute_vienne(creuse) -> Departement:
    return charger_departement("87")


@pytest.fixture
def coord(creuse):
    return coordinateur(creuse)


@pytest.fixture
def lieu(creuse) -> Lieu:
    return nouveau_lieu(creuse)


MAUVAISES_SAISIES = [
    # (what is typed, the field that gets the error, part of the French message)
    ({"nom": ""}, "nom", "Indiquez le nom du lieu."),
    ({"adresse": ""}, "adresse", "Indiquez l’adresse du lieu"),
    ({"services": ["Cours de cuisine"]}, "services", "Valeur inconnue pour « services » : « Cours de cuisine »"),
    ({"frais_a_charge": ["Gratuit", "Offert"]}, "frais_a_charge", "« Offert ». Valeurs possibles : Gratuit,"),
    ({"typologie": ["XYZ"]}, "typologie", "Typologie inconnue : « XYZ »"),
    ({"code_postal": "2300"}, "code_postal", "Code postal invalide : « 2300 » (5 chiffres attendus"),
    ({"code_postal": "99999"}, "code_postal", "Aucune commune ne correspond au code postal 99999."),
    ({"commune": "Guéret-sur-Mer"}, "commune", "Commune inconnue pour le code postal 23000 : « Guéret-sur-Mer »"),
    (
        {"code_postal": "87000", "commune": "Limoges"},
        "commune",
        "La commune Limoges (87) n’est pas dans le département Creuse (23)",
    ),
    (
        {"code_insee": "23096", "code_postal": "87000"},
        "code_postal",
        "Le code postal 87000 ne dessert pas la commune Guéret",
    ),
    ({"code_insee": "2C004"}, "code_insee", "Code INSEE invalide"),
    ({"code_insee": "23193"}, "code_insee", "Le code INSEE 23193 est celui de Sainte-Feyre, pas de « Guéret »"),
    ({"pivot": "12345678901234"}, "pivot", "Ce SIRET (« 12345678901234 ») n’est pas valide"),
    ({"pivot": "ABC"}, "pivot", "Indiquez un SIRET (14 chiffres)"),
    ({"telephone": "12 34"}, "telephone", "Numéro de téléphone invalide : « 12 34 »"),
    (
        {"site_web": "mediatheque.example"},
        "site_web",
        "Adresse web invalide pour « site web » : « mediatheque.example »",
    ),
    ({"prise_rdv": "javascript:alert(1)"}, "prise_rdv", "Adresse web invalide pour « prise de rendez-vous »"),
    ({"fiche_acces_libre": "acceslibre"}, "fiche_acces_libre", "Adresse web invalide pour « fiche Acceslibre »"),
    ({"courriels": "contact@mediatheque.example\ncontact@"}, "courriels", "Adresse e-mail invalide : « contact@ »"),
    ({"latitude": "95", "longitude": "1.8"}, "latitude", "La latitude doit être comprise entre -90 et 90"),
    ({"latitude": "46.1", "longitude": "-181"}, "longitude", "La longitude doit être comprise entre -180 et 180"),
    ({"latitude": "quarante-six", "longitude": "1.8"}, "latitude", "La latitude doit être un nombre"),
    ({"latitude": "46.1", "longitude": ""}, "longitude", "Indiquez la latitude et la longitude, ou aucune des deux."),
    ({"presentation_resume": "x" * 281}, "presentation_resume", "au plus 280 caractères"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("saisie_fautive,champ,message", MAUVAISES_SAISIES, ids=lambda v: str(v)[:40])
def test_une_mauvaise_saisie_a_la_creation(login, coord, saisie_fautive, champ, message):
    response = login(coord).post(reverse("structures_gestion:creer"), saisie(**saisie_fautive))

    assert response.status_code == 200
    erreurs = response.context["form"].errors
    assert list(erreurs) == [champ], erreurs
    assert message in erreurs[champ][0]
    html = response.content.decode()
    assert f'id="id_{champ}_erreurs"' in html
    # The input (or the fieldset of a group of checkboxes) points to its errors.
    assert re.search(rf'id="id_{champ}"[^>]*aria-describedby="[^"]*id_{champ}_erreurs', html) or re.search(
        rf'aria-describedby="[^"]*id_{champ}_erreurs[^"]*"[^>]*id="id_{champ}"', html
    )
    assert f'<a href="#id_{champ}">' in html  # the error summary links to the field
    assert not Lieu.objects.exists()
    assert not Evenement.objects.exists()


@pytest.mark.django_db
def test_des_horaires_illisibles(login, coord):
    response = login(coord).post(reverse("structures_gestion:creer"), saisie(horaires="tous les jours sauf le lundi"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["horaires"]
    assert 'id="id_horaires_erreurs"' in response.content.decode()
    assert not Lieu.objects.exists()


@pytest.mark.django_db
def test_une_mauvaise_saisie_a_la_modification_ne_change_rien(login, coord, lieu):
    avant = Lieu.objects.get(pk=lieu.pk)
    data = donnees_du_lieu(lieu, nom="Nouveau nom", telephone="pas un numéro")

    response = login(coord).post(reverse("structures_gestion:modifier", args=[lieu.pk]), data)

    assert response.status_code == 200
    assert "Numéro de téléphone invalide" in response.context["form"].errors["telephone"][0]
    apres = Lieu.objects.get(pk=lieu.pk)
    assert (apres.nom, apres.date_maj, apres.modifie_le) == (avant.nom, avant.date_maj, avant.modifie_le)
    assert not Evenement.objects.exists()


@pytest.mark.django_db
def test_les_valeurs_sont_normalisees(creuse):
    form = LieuForm(
        saisie(
            pivot="732 829 320 00074",
            telephone="+33 (0)5 55 12 34 56",
            courriels="Contact@Mediatheque.example, accueil@mediatheque.example",
            site_web="https://a.example/ https://b.example/",
            latitude=" 46,1701 ",
            longitude="1.8655",
            commune="GUERET",
            frais_a_charge=["Gratuit"],
        ),
        departement=creuse,
    )

    assert form.is_valid(), form.errors
    donnees = form.donnees()
    assert donnees["pivot"] == "73282932000074"
    assert donnees["telephone"] == "+33555123456"
    assert donnees["courriels"] == ["contact@mediatheque.example", "accueil@mediatheque.example"]
    assert donnees["site_web"] == ["https://a.example/", "https://b.example/"]
    assert (donnees["latitude"], donnees["longitude"]) == (46.1701, 1.8655)
    assert (donnees["commune"], donnees["code_insee"], donnees["commune_ref"].code_insee) == (
        "Guéret",
        "23096",
        "23096",
    )


@pytest.mark.django_db
def test_deux_communes_pour_un_code_postal(creuse):
    form = LieuForm(saisie(commune="Sainte Feyre"), departement=creuse)

    assert form.is_valid(), form.errors
    assert form.donnees()["code_insee"] == "23193"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.RESPONSABLE, Role.COORDINATEUR])
def test_le_formulaire_montre_le_pass_numerique_sans_le_saisir(login, lieu, role):
    """Derived from the qualifications (pass_numerique): a read-only line, no field."""
    membre = make_member(role, organisation=lieu if role == Role.RESPONSABLE else equipe(lieu.departement))

    response = login(membre).get(reverse("structures_gestion:modifier", args=[lieu.pk]))

    assert "accepte_pass_numerique" not in response.context["form"].fields
    assert 'name="accepte_pass_numerique"' not in response.content.decode()
    assertContains(response, "Accepte le Pass numérique")
