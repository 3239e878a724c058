"""The list of people: each role's scope, the name search (accents, case, word order), the
filters (public, status, last orientation), pagination, and a constant number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from beneficiaires.models import Beneficiaire, Orientation
from beneficiaires.selectors import _prefixe_suivant, rechercher_beneficiaires
from comptes.models import Role
from comptes.tests.factories import EquipeDepartementaleFactory, LieuFactory, OrganismePrescripteurFactory, make_member

from .factories import BeneficiaireFactory, OrientationFactory, commune

pytestmark = pytest.mark.django_db
URL = reverse("beneficiaires:liste")
LIMOGES = "87085"


@pytest.fixture
def monde():
    """A CCAS of the Creuse following three people, another CCAS following one, an anonymised
    and a merged record, and a person of the Haute-Vienne."""
    creuse = commune().departement
    ccas = OrganismePrescripteurFactory(departement=creuse, nom="CCAS de Guéret")
    autre = OrganismePrescripteurFactory(departement=creuse, nom="CCAS d’Aubusson")
    lieu = LieuFactory(departement=creuse, nom="Médiathèque de Guéret")
    gens = {
        "marie": BeneficiaireFactory(nom="Dupont", prenom="Marie-Hélène", publics=["rsa"], organisme=ccas),
        "jean": BeneficiaireFactory(nom="Le Goff", prenom="Jean", publics=["senior"], organisme=ccas),
        "zoe": BeneficiaireFactory(nom="Zéphir", prenom="Zoé", publics=["senior", "aah"], organisme=ccas),
        "voisine": BeneficiaireFactory(nom="Durand", prenom="Paule", organisme=autre),
        "anonyme": BeneficiaireFactory(nom="Ancien", prenom="Nom", organisme=ccas),
        "limoges": BeneficiaireFactory(nom="Dupont", prenom="Marie", commune=commune(LIMOGES)),
    }
    Beneficiaire.objects.filter(pk=gens["anonyme"].pk).update(
        anonymise_le=timezone.now(), nom="", prenom="", texte_recherche="", cle_doublon=""
    )
    fusionnee = BeneficiaireFactory(nom="Doublon", prenom="Marie", organisme=ccas)
    Beneficiaire.objects.filter(pk=fusionnee.pk).update(fusionne_dans=gens["marie"], fusionne_le=timezone.now())
    # Jean: an orientation taken in charge, then a newer one refused (the last one counts).
    prise = OrientationFactory(beneficiaire=gens["jean"], lieu=lieu, organisme=ccas)
    _repondre(prise, Orientation.Statut.PRIS_EN_CHARGE, jours=20)
    refusee = OrientationFactory(beneficiaire=gens["jean"], lieu=LieuFactory(departement=creuse), organisme=ccas)
    _repondre(refusee, Orientation.Statut.REFUSEE, jours=2)
    # Zoé: waiting for 10 days.
    attente = OrientationFactory(beneficiaire=gens["zoe"], lieu=lieu, organisme=ccas)
    Orientation.objects.filter(pk=attente.pk).update(cree_le=timezone.now() - datetime.timedelta(days=10))
    return {"ccas": ccas, "autre": autre, "lieu": lieu, "gens": gens, "creuse": creuse}


def coordinatrice_de(monde):
    return make_member(Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=monde["creuse"]))


def _repondre(orientation, statut, *, jours: int):
    quand = timezone.now() - datetime.timedelta(days=jours)
    Orientation.objects.filter(pk=orientation.pk).update(
        statut=statut, cree_le=quand - datetime.timedelta(hours=1), repondu_le=quand
    )


def noms(response) -> list[str]:
    return [b.nom for b in response.context["page"].object_list]


# --- Scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.AGENT, Role.REFERENT])
def test_a_prescriber_lists_the_people_its_organisation_follows(client, login, monde, role):
    response = login(make_member(role, organisation=monde["ccas"])).get(URL)
    assert response.status_code == 200
    assert noms(response) == ["Dupont", "Le Goff", "Zéphir"]
    assertContains(response, reverse("beneficiaires:creer"))
    assertContains(response, "3 personnes")
    assertNotContains(response, "Durand")
    assertNotContains(response, "Doublon")
    assertNotContains(response, "Anonymisées")  # no status filter for prescribers


def test_the_rows_show_the_last_orientation(client, login, monde):
    html = login(make_member(Role.AGENT, organisation=monde["ccas"])).get(URL).content.decode()
    assert "Refusée" in html and "Sans réponse depuis plus de 8 jours" in html
    assert reverse("beneficiaires:fiche", args=[monde["gens"]["marie"].pk]) in html
    assert html.count("Sans réponse depuis plus de 8 jours</span>") == 1


@pytest.mark.parametrize("role", [Role.COORDINATEUR, Role.LECTEUR])
def test_the_departement_lists_its_people(client, login, monde, role):
    membre = make_member(role, organisation=EquipeDepartementaleFactory(departement=monde["creuse"]))
    c = login(membre)
    response = c.get(URL)
    assert noms(response) == ["Dupont", "Durand", "Le Goff", "Zéphir"]
    assertNotContains(response, reverse("beneficiaires:creer"))  # coordinators and lecteurs do not record
    anonymisees = c.get(URL, {"statut": "anonymisees"})
    assert [b.pk for b in anonymisees.context["page"].object_list] == [monde["gens"]["anonyme"].pk]
    assertContains(anonymisees, "Personne anonymisée")
    assertContains(anonymisees, monde["gens"]["anonyme"].pseudonyme)


@pytest.mark.parametrize("role", [Role.RESPONSABLE, Role.MEDIATEUR])
def test_places_have_their_own_page(client, login, monde, role):
    assert login(make_member(role, organisation=monde["lieu"])).get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_login(client):
    assert client.get(URL).status_code == 302


# --- Search and filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "texte, attendus",
    [
        ("dupont", ["Dupont"]),
        ("DUPÔNT", ["Dupont"]),
        ("Dup", ["Dupont"]),
        ("marie dupont", ["Dupont"]),
        ("Dupont Marie-Hélène", ["Dupont"]),
        ("marie helene dupont", ["Dupont"]),
        ("Marie", []),  # a first name alone: the search runs on the index, surname first
        ("le goff", ["Le Goff"]),
        ("legoff", []),
        ("z", ["Zéphir"]),
        ("Durand", []),  # followed by another organisation
        ("zzz", []),
        ("' -", []),  # nothing searchable: nothing found
    ],
)
def test_the_name_search(client, login, monde, texte, attendus):
    response = login(make_member(Role.AGENT, organisation=monde["ccas"])).get(URL, {"q": texte})
    assert noms(response) == attendus


def test_the_search_by_reference(client, login, monde):
    zoe = monde["gens"]["zoe"]
    response = login(make_member(Role.AGENT, organisation=monde["ccas"])).get(URL, {"q": zoe.pseudonyme.lower()})
    assert noms(response) == ["Zéphir"]


@pytest.mark.parametrize(
    "filtres, attendus",
    [
        ({"public": "senior"}, ["Le Goff", "Zéphir"]),
        ({"public": "aah"}, ["Zéphir"]),
        ({"orientation": "aucune"}, ["Dupont"]),
        ({"orientation": "a_contacter"}, ["Zéphir"]),
        ({"orientation": "sans_reponse"}, ["Zéphir"]),
        ({"orientation": "pris_en_charge"}, ["Le Goff"]),
        ({"orientation": "refusee"}, []),  # Jean was refused, but another place took him in charge
        ({"orientation": "a_contacter", "public": "rsa"}, []),
        ({"public": "inconnu", "orientation": "n_importe", "page": "999"}, ["Dupont", "Le Goff", "Zéphir"]),
    ],
)
def test_the_filters(client, login, monde, filtres, attendus):
    response = login(make_member(Role.AGENT, organisation=monde["ccas"])).get(URL, filtres)
    assert response.status_code == 200
    assert noms(response) == attendus


def test_refused_means_to_orient_again(monde):
    agent = make_member(Role.AGENT, organisation=monde["ccas"])
    jean = monde["gens"]["jean"]
    Orientation.objects.filter(beneficiaire=jean, statut=Orientation.Statut.PRIS_EN_CHARGE).update(
        statut=Orientation.Statut.REFUSEE
    )
    assert list(rechercher_beneficiaires(agent, orientation="refusee")) == [jean]
    OrientationFactory(beneficiaire=jean, lieu=monde["lieu"], organisme=monde["ccas"])  # oriented again
    assert not rechercher_beneficiaires(agent, orientation="refusee").exists()


def test_a_recent_orientation_is_not_yet_without_answer(monde):
    agent = make_member(Role.AGENT, organisation=monde["ccas"])
    Orientation.objects.filter(beneficiaire=monde["gens"]["zoe"]).update(cree_le=timezone.now())
    assert not rechercher_beneficiaires(agent, orientation="sans_reponse").exists()
    assert rechercher_beneficiaires(agent, orientation="a_contacter").count() == 1


@pytest.mark.parametrize(
    "prefixe, suivant", [("dupont", "duponu"), ("abz", "ac"), ("a9", "aa"), ("zz", ""), ("le goff", "le gofg")]
)
def test_the_upper_bound_of_a_prefix(prefixe, suivant):
    assert _prefixe_suivant(prefixe) == suivant


# --- Pagination and queries --------------------------------------------------------------------------


def test_the_list_is_paginated_by_25(client, login, monde):
    for i in range(25):
        BeneficiaireFactory(nom=f"Personne{i:02d}", organisme=monde["ccas"])
    c = login(make_member(Role.AGENT, organisation=monde["ccas"]))
    premiere = c.get(URL)
    assert len(premiere.context["page"].object_list) == 25
    assertContains(premiere, "Page 1 sur 2")
    assert len(c.get(URL, {"page": 2}).context["page"].object_list) == 3


def _requetes(client, django_assert_max_num_queries, **params) -> int:
    with django_assert_max_num_queries(12) as requetes:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(requetes)


@pytest.mark.parametrize("role", [Role.AGENT, Role.COORDINATEUR])
def test_the_number_of_queries_does_not_grow_with_the_page(client, login, monde, role, django_assert_max_num_queries):
    organisation = monde["ccas"] if role == Role.AGENT else EquipeDepartementaleFactory(departement=monde["creuse"])
    c = login(make_member(role, organisation=organisation))
    c.get(URL)  # warm the session
    avant = _requetes(c, django_assert_max_num_queries)
    for i in range(20):
        personne = BeneficiaireFactory(nom=f"Nouvelle{i}", publics=["senior"], organisme=monde["ccas"])
        OrientationFactory(beneficiaire=personne, lieu=monde["lieu"], organisme=monde["ccas"])
    assert _requetes(c, django_assert_max_num_queries) == avant
    assert (
        _requetes(c, django_assert_max_num_queries, q="nouvelle", public="senior", orientation="a_contacter") <= avant
    )


def test_a_prescriber_filters_on_the_orientations_it_sent(client, login, monde):
    marie = monde["gens"]["marie"]
    OrientationFactory(beneficiaire=marie, lieu=monde["lieu"], organisme=monde["autre"])
    agent = make_member(Role.AGENT, organisation=monde["ccas"])
    assert [b.nom for b in rechercher_beneficiaires(agent, orientation="a_contacter")] == ["Zéphir"]
    assert [b.nom for b in rechercher_beneficiaires(agent, orientation="aucune")] == ["Dupont"]
    ligne = rechercher_beneficiaires(agent, texte="dupont").get()
    assert ligne.derniere_orientation_statut == "a_contacter"  # the column shows it, whoever sent it
    coordinatrice = make_member(
        Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=monde["creuse"])
    )
    assert [b.nom for b in rechercher_beneficiaires(coordinatrice, orientation="a_contacter")] == ["Dupont", "Zéphir"]
    response = login(agent).get(URL)
    assertContains(response, "Orientations de votre organisme")


def test_the_departement_searches_by_surname_first_too(monde):
    coordinatrice = make_member(
        Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=monde["creuse"])
    )
    assert [b.nom for b in rechercher_beneficiaires(coordinatrice, texte="dupont mar")] == ["Dupont"]
    assert [b.nom for b in rechercher_beneficiaires(coordinatrice, texte="marie dupont")] == ["Dupont"]
    assert not rechercher_beneficiaires(coordinatrice, texte="marie").exists()  # the index only
