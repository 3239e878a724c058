"""The public directory /lieux/: search without JavaScript, disambiguation, filters, map data,
pagination and a constant number of SQL queries."""

import math
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from comptes.tests.factories import DepartementFactory, LieuFactory
from territoires.tests.jeu_de_test import charger_jeu_de_test

pytestmark = pytest.mark.django_db

URL = "/lieux/"
DEMARCHES = "Aide aux démarches administratives"


@pytest.fixture
def creuse(db):
    charger_jeu_de_test()
    return DepartementFactory(code="23")


def lieu(departement, **champs):
    champs.setdefault("latitude", 46.1705)
    champs.setdefault("longitude", 1.8689)
    return LieuFactory(departement=departement, **champs)


def compact(response) -> str:
    """The page with runs of whitespace reduced to one space (attributes span several lines)."""
    return " ".join(response.content.decode().split())


def noms(response) -> list[str]:
    return [lieu.nom for lieu in response.context["lieux"]]


def test_l_annuaire_est_public_et_complet(client, creuse, settings):
    lieu(creuse, nom="Tiers-lieu La Quincaillerie", services=[DEMARCHES])
    response = client.get(URL)
    assert response.status_code == 200
    assert reverse("structures_public:recherche") == URL
    assertContains(response, "<h1>Trouver un lieu de médiation numérique</h1>", html=True)
    assertContains(response, 'role="search"')
    assertContains(response, '<label class="form-label" for="champ-q">Commune, code postal ou nom du lieu</label>')
    # One fieldset with a legend per group of filters, and the Pass numérique.
    for legende in [
        "Services proposés",
        "Publics accueillis en particulier",
        "Prise en charge spécifique",
        "Frais à charge",
        "Modalités d’accompagnement",
        "Modalités d’accès",
        "Lieu fixe ou itinérant",
        "Pass numérique",
    ]:
        assertContains(response, f'<legend class="ei-filtre__legende">{legende}</legend>', html=True)
    assert 'name="services" value="Aide aux démarches administratives"' in compact(response)
    # The map: labelled, configured by data attributes, and declared redundant with the list.
    assertContains(response, 'aria-label="Carte des lieux trouvés"')
    assertContains(response, f'data-tuiles-url="{settings.MAP_TILE_URL}"')
    assertContains(response, 'data-liste="#liste-lieux"')
    assertContains(response, "la liste donne toutes leurs informations")
    assertContains(response, 'href="#liste-lieux"')
    assertContains(response, "Tiers-lieu La Quincaillerie")
    # Sources of the communes and of the tiles.
    assertContains(response, "GeoNames")
    assertContains(response, "Code officiel géographique")
    assertContains(response, settings.MAP_TILE_ATTRIBUTION)
    # Print and embed.
    assertContains(response, "Imprimer cette liste")
    assertContains(response, "js/annuaire.js")
    assertContains(response, "css/annuaire.css")
    assertContains(response, "&lt;iframe src=&quot;http://testserver/lieux/carte-integrable/&quot;")


def test_la_carte_lit_le_geojson_de_l_api_avec_les_memes_filtres(client, creuse):
    api = reverse("structures_api:lieux_geojson")
    response = client.get(URL, {"q": "Guéret", "services": DEMARCHES, "rayon": "20", "page": "1"})
    carte = re.search(r'data-geojson-url="([^"]*)"', response.content.decode()).group(1)
    # The API knows no radius nor page: the filters only; the map applies the radius itself.
    assert carte == f"{api}?services=Aide+aux+d%C3%A9marches+administratives"
    assert 'data-centre-lat="46.1718" data-centre-lng="1.8717" data-rayon-km="20"' in compact(response)
    assert client.get(carte.replace("&amp;", "&")).status_code == 200


def test_sans_javascript_un_nom_de_commune_trie_par_distance(client, creuse):
    lieu(creuse, nom="Loin", latitude=46.2372, longitude=1.4874)
    lieu(creuse, nom="Près", latitude=46.1705, longitude=1.8689)
    lieu(creuse, nom="Hors rayon", latitude=45.0, longitude=1.0)
    response = client.get(URL, {"q": "Guéret", "rayon": "50"})
    assert noms(response) == ["Près", "Loin"]
    assertContains(response, "à 0,3 km")
    assertContains(response, "à 30,5 km")
    assertContains(response, "2 lieux à moins de 50 km de Guéret (23000)")
    # The field now holds the chosen commune, and the hidden code goes with the next search.
    assertContains(response, 'value="Guéret (23000)"')
    assert 'name="autour_de" value="23096"' in compact(response)
    assertContains(response, "<title>Lieux près de Guéret — einclusion</title>", html=True)


def test_sans_javascript_un_code_postal_partage_propose_les_communes(client, creuse):
    lieu(creuse, nom="Près de Sainte-Feyre", latitude=46.1392, longitude=1.9148)
    response = client.get(URL, {"q": "23000", "services": DEMARCHES})
    assertContains(response, "Plusieurs communes correspondent à « 23000 »")
    html = response.content.decode()
    liens = re.findall(r'<a href="(\?[^"]*autour_de=[^"]*)">([^<]*)</a>', html)
    assert [texte for _, texte in liens] == [
        "Guéret (23000)",
        "Sainte-Feyre (23000)",
        "Saint-Sulpice-le-Guérétois (23000)",
        "Saint-Fiel (23000)",
    ]
    # Choosing a commune keeps the other criteria.
    lien = liens[1][0].replace("&amp;", "&")
    assert "services=Aide+aux+d%C3%A9marches+administratives" in lien
    choisie = client.get(URL + lien)
    assert choisie.context["recherche"].commune.nom == "Sainte-Feyre"
    assertNotContains(choisie, "Plusieurs communes correspondent")


def test_sans_javascript_un_debut_de_nom_propose_les_communes(client, creuse):
    response = client.get(URL, {"q": "Guér"})
    assertContains(response, "Plusieurs communes correspondent à « Guér »")
    assertContains(response, "Saint-Sulpice-le-Guérétois (23000)")


def test_le_code_choisi_dans_les_suggestions_l_emporte(client, creuse):
    lieu(creuse, nom="À La Souterraine", latitude=46.2372, longitude=1.4874)
    response = client.get(URL, {"q": "La Souterraine (23300)", "autour_de": "23176"})
    assert response.context["recherche"].commune.code_insee == "23176"
    assertContains(response, "à 0,1 km")


def test_recherche_par_nom_de_lieu(client, creuse):
    lieu(creuse, nom="Tiers-lieu La Quincaillerie")
    lieu(creuse, nom="Médiathèque")
    response = client.get(URL, {"q": "quincaillerie"})
    assert noms(response) == ["Tiers-lieu La Quincaillerie"]
    assertContains(response, "1 lieu pour « quincaillerie »")
    assertNotContains(response, "à 0,")


def test_aucun_resultat_explique_quoi_faire(client, creuse):
    response = client.get(URL, {"q": "zzzz"})
    assertContains(response, "Aucune commune ni aucun lieu ne correspond à « zzzz »")
    response = client.get(URL, {"q": "Guéret", "rayon": "5"})
    assertContains(response, "Aucun lieu ne correspond à votre recherche à moins de 5 km.")


def test_les_filtres_coches_restent_coches_et_filtrent(client, creuse):
    lieu(creuse, nom="Démarches", services=[DEMARCHES], accepte_pass_numerique=True)
    lieu(creuse, nom="Loisirs", services=["Loisirs et créations numériques"], accepte_pass_numerique=True)
    lieu(creuse, nom="Démarches sans pass", services=[DEMARCHES])
    response = client.get(URL, {"services": DEMARCHES, "pass_numerique": "1", "frais": []})
    assert noms(response) == ["Démarches"]
    html = compact(response)
    assert re.search(r'name="services" value="Aide aux démarches administratives" id="[^"]+" checked', html)
    assert 'name="pass_numerique" value="1" id="filtre-pass" checked' in html
    assertContains(response, "2 critères appliqués.")
    # Secondary filters stay folded unless one of them is checked.
    assertContains(response, '<details class="ei-criteres" >')
    ouvert = client.get(URL, {"frais": "Gratuit"})
    assertContains(ouvert, '<details class="ei-criteres" open>')


def test_un_filtre_inconnu_est_ignore_avec_un_message(client, creuse):
    lieu(creuse, nom="Un lieu")
    response = client.get(URL, {"services": "Jardinage"})
    assert response.status_code == 200
    assert noms(response) == ["Un lieu"]
    assertContains(response, "ont été ignorés")
    assertContains(response, "Jardinage")


def test_les_lieux_fermes_n_apparaissent_pas(client, creuse):
    lieu(creuse, nom="Fermé", est_actif=False, ferme_le="2025-01-31")
    lieu(creuse, nom="Ouvert")
    assert noms(client.get(URL)) == ["Ouvert"]
    assert noms(client.get(URL, {"q": "Guéret"})) == ["Ouvert"]


def test_departement_donne_le_theme_et_limite_les_lieux(client, creuse):
    lieu(creuse, nom="En Creuse")
    lieu(DepartementFactory(code="87"), nom="En Haute-Vienne")
    response = client.get(URL, {"departement": "23"})
    assert noms(response) == ["En Creuse"]
    assertContains(response, reverse("theme_css", args=["23"]))
    assertContains(response, '<input type="hidden" name="departement" value="23">', html=True)
    assertContains(response, "carte-integrable/?departement=23")


def test_pagination_par_20_en_gardant_la_recherche(client, creuse):
    for i in range(25):
        lieu(creuse, nom=f"Lieu {i:02d}", services=[DEMARCHES])
    premiere = client.get(URL, {"q": "Guéret", "services": DEMARCHES})
    assert len(premiere.context["lieux"]) == 20
    assertContains(premiere, "25 lieux à moins de 30 km de Guéret (23000)")
    assertContains(premiere, "Page 1 sur 2")
    suivante = re.search(r'href="(\?[^"]*page=2[^"]*)"', premiere.content.decode()).group(1).replace("&amp;", "&")
    assert "autour_de=23096" in suivante or "q=Gu%C3%A9ret" in suivante
    assert "services=" in suivante
    seconde = client.get(URL + suivante)
    assert len(seconde.context["lieux"]) == 5
    assert '<ol id="liste-lieux" class="ei-resultats" start="21"' in compact(seconde)


def _nombre_de_requetes(client, params) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(URL, params).status_code == 200
    return len(requetes)


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "Guéret", "services": DEMARCHES}, {"q": "23000"}, {"q": "Tiers"}, {"departement": "23"}],
    ids=["tout", "commune-et-filtre", "code-postal", "nom", "departement"],
)
def test_nombre_constant_de_requetes(client, creuse, django_assert_max_num_queries, params):
    for i in range(5):
        lieu(creuse, nom=f"Tiers-lieu {i}", services=[DEMARCHES], horaires="Mo-Fr 09:00-12:00")
    with django_assert_max_num_queries(6):
        client.get(URL, params)
    avec_5 = _nombre_de_requetes(client, params)
    for i in range(5, 50):
        lieu(creuse, nom=f"Tiers-lieu {i}", services=[DEMARCHES], horaires="Mo-Fr 09:00-12:00")
    with django_assert_max_num_queries(avec_5):
        response = client.get(URL, params)
    assert len(response.context["lieux"]) in (0, 20)


def test_pas_de_script_ni_de_style_en_ligne(client, creuse):
    lieu(creuse, nom="Un lieu", horaires="Mo 09:00-12:00")
    for params in ({}, {"q": "Guéret"}, {"q": "23000"}):
        html = client.get(URL, params).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert not re.search(r"<script(?![^>]*\bnonce=)", html)
        assert " style=" not in html
        assert not re.search(r"\son[a-z]+=", html)


def test_le_menu_mene_a_l_annuaire_pour_tout_le_monde(client, creuse):
    response = client.get("/")
    assertContains(response, '<a class="ei-nav__link" href="/lieux/">Trouver un lieu</a>', html=True)
    assertContains(response, "Trouver un lieu près de chez vous")
    annuaire = client.get(URL)
    assertContains(
        annuaire, '<a class="ei-nav__link" href="/lieux/" aria-current="page">Trouver un lieu</a>', html=True
    )


def test_la_carte_et_la_liste_montrent_les_memes_lieux(client, creuse):
    """The markers (the API's GeoJSON, kept within the radius as carte.js does) are the places
    of the list, all pages together."""
    for i, (lat, lon) in enumerate([(46.17, 1.87), (46.14, 1.91), (46.24, 1.49), (45.96, 2.17), (46.35, 2.22)]):
        lieu(creuse, nom=f"Avec démarches {i}", latitude=lat, longitude=lon, services=[DEMARCHES])
        lieu(creuse, nom=f"Sans démarches {i}", latitude=lat, longitude=lon)
    lieu(creuse, nom="Fermé", services=[DEMARCHES], est_actif=False, ferme_le="2025-01-01")

    def distance(a, b):
        lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
        h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        return 2 * 6371.0088 * math.asin(math.sqrt(h))

    for params in ({"services": DEMARCHES}, {"q": "Guéret", "services": DEMARCHES, "rayon": "30"}, {"q": "Sans"}):
        response = client.get(URL, params)
        liste = {lieu.url_detail for lieu in response.context["lieux"]}
        carte = re.search(r'data-geojson-url="([^"]*)"', response.content.decode()).group(1).replace("&amp;", "&")
        features = client.get(carte).json()["features"]
        commune = response.context["recherche"].commune
        if commune:
            centre = (commune.latitude, commune.longitude)
            features = [
                f
                for f in features
                if distance(centre, f["geometry"]["coordinates"][::-1]) <= response.context["criteres"].rayon_km
            ]
        assert {f["properties"]["url"] for f in features} == liste, params
        assert liste
