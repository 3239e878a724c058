"""Fixtures of the prescripteurs' tests: the Creuse and the Haute-Vienne of the small communes
reference, a coordinator of each, organisations and their members."""

import pytest

from comptes.models import Organisation, Role
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from territoires.models import Commune, Departement
from territoires.tests.jeu_de_test import charger_jeu_de_test

# Fictitious SIRETs with a valid check key (Luhn).
SIRET = "00000002300010"
SIRET_2 = "00000002300028"


def departement(code: str) -> Departement:
    if not Commune.objects.exists():
        charger_jeu_de_test()
    return Departement.objects.get(code=code)


def equipe(dep: Departement) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        departement=dep, type=Organisation.Type.DEPARTEMENT, defaults={"nom": f"Équipe {dep.nom}"}
    )
    return organisation


def saisie(**modifs) -> dict:
    """What a person types in the form for a valid organisation in Guéret (POST data)."""
    return {
        "nom": "CCAS de Guéret",
        "type_organisme": "ccas",
        "siret": "000 000 023 00010",
        "adresse": "12 avenue Fayolle",
        "code_postal": "",
        "commune": "",
        "commune_texte": "Guéret",
        "telephone": "05 36 49 01 01",
        "courriel": "Accueil@CCAS.example",
    } | modifs


@pytest.fixture
def creuse(db) -> Departement:
    return departement("23")


@pytest.fixture
def haute_vienne(creuse) -> Departement:
    return departement("87")


@pytest.fixture
def gueret(creuse) -> Commune:
    return Commune.objects.get(code_insee="23096")


@pytest.fixture
def coord(creuse):
    return make_member(Role.COORDINATEUR, organisation=equipe(creuse))


@pytest.fixture
def coord_87(haute_vienne):
    return make_member(Role.COORDINATEUR, organisation=equipe(haute_vienne))


@pytest.fixture
def organisme(creuse, gueret):
    return OrganismePrescripteurFactory(
        departement=creuse,
        nom="Mission locale de la Creuse",
        type_organisme="mission_locale",
        siret=SIRET_2,
        adresse="1 rue de la Gare",
        code_postal="23000",
        commune=gueret,
        telephone="+33536490102",
        courriel="contact@mission-locale.example",
    )


@pytest.fixture
def referent(organisme):
    return make_member(Role.REFERENT, organisation=organisme)


@pytest.fixture
def agent(organisme):
    return make_member(Role.AGENT, organisation=organisme)
