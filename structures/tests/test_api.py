"""Public API, JSON list: pagination, filters, errors, access (docs/adr/0007-public-api.md)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptes.models import Role
from comptes.tests.factories import DepartementFactory, LieuFactory, make_member
from structures.standard import field_names

pytestmark = pytest.mark.django_db

URL = reverse("structures_api:lieux")


def lieu(**kwargs):
    valeurs = {
        "latitude": 46.17,
        "longitude": 1.87,
        "code_insee": "23096",
        "services": ["Aide aux démarches administratives"],
        "frais_a_charge": ["Gratuit"],
    }
    return LieuFactory(**(valeurs | kwargs))


def get(client, **params):
    return client.get(URL, params)


def noms(reponse) -> list[str]:
    return [item["nom"] for item in reponse.json()["lieux"]]


def test_urls_are_the_documented_ones():
    assert URL == "/api/v1/lieux"
    assert reverse("structures_api:lieux_csv") == "/api/v1/lieux.csv"
    assert reverse("structures_api:lieux_geojson") == "/api/v1/lieux.geojson"


def test_items_are_the_standard_rows_of_active_places_only(client):
    ouvert = lieu(nom="Médiathèque de Guéret", telephone="+33555123456")
    lieu(nom="Ancien EPN", est_actif=False, ferme_le="2026-01-31")
    reponse = get(client)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/json"
    corps = reponse.json()
    (item,) = corps.pop("lieux")
    assert corps == {"total": 1, "page": 1, "pages": 1, "suivant": None, "precedent": None}
    assert list(item) == list(field_names())
    assert item["id"] == ouvert.identifiant
    assert item["nom"] == "Médiathèque de Guéret"
    assert item["services"] == "Aide aux démarches administratives"
    assert item["telephone"] == "+33555123456"
    assert item["complement_adresse"] is None


def test_anyone_may_read_it_logged_in_or_not(client):
    lieu()
    assert get(Client()).status_code == 200
    membre = make_member(Role.MEDIATEUR)
    client.force_login(membre.user)
    assert get(client).status_code == 200


def test_pagination_with_links(client):
    lieux = [lieu(nom=f"Lieu {i:02d}") for i in range(7)]
    premiere = get(client, par_page=3)
    corps = premiere.json()
    assert (corps["total"], corps["page"], corps["pages"]) == (7, 1, 3)
    assert [item["id"] for item in corps["lieux"]] == [x.identifiant for x in lieux[:3]]  # creation order
    assert corps["precedent"] is None
    assert corps["suivant"] == "http://testserver/api/v1/lieux?page=2&par_page=3"
    assert premiere["Link"] == '<http://testserver/api/v1/lieux?page=2&par_page=3>; rel="next"'

    milieu = client.get(corps["suivant"]).json()
    assert [item["id"] for item in milieu["lieux"]] == [x.identifiant for x in lieux[3:6]]
    assert milieu["precedent"] == "http://testserver/api/v1/lieux?page=1&par_page=3"

    derniere = get(client, par_page=3, page=3)
    assert [item["id"] for item in derniere.json()["lieux"]] == [lieux[6].identifiant]
    assert derniere.json()["suivant"] is None
    assert derniere["Link"] == '<http://testserver/api/v1/lieux?page=2&par_page=3>; rel="prev"'


def test_links_keep_the_filters(client):
    for i in range(3):
        lieu(nom=f"Lieu {i}", frais_a_charge=["Payant"])
    corps = get(client, frais="Payant", par_page=2).json()
    assert corps["suivant"] == "http://testserver/api/v1/lieux?frais=Payant&page=2&par_page=2"


def test_default_and_maximum_page_size(client):
    departement = DepartementFactory(code="23")
    for i in range(101):
        lieu(nom=f"Lieu {i:03d}", departement=departement)
    corps = get(client).json()
    assert (len(corps["lieux"]), corps["pages"]) == (100, 2)
    assert len(get(client, par_page=500).json()["lieux"]) == 101


def test_no_place_gives_an_empty_first_page(client):
    assert get(client).json() == {"total": 0, "page": 1, "pages": 1, "suivant": None, "precedent": None, "lieux": []}


@pytest.mark.parametrize(
    ("params", "champ", "message"),
    [
        ({"page": "0"}, "page", "« page » doit être un nombre entier supérieur ou égal à 1 ; « 0 » reçu."),
        ({"page": "deux"}, "page", "« page » doit être un nombre entier supérieur ou égal à 1 ; « deux » reçu."),
        ({"par_page": "501"}, "par_page", "« par_page » doit être un nombre entier entre 1 et 500 ; « 501 » reçu."),
        ({"par_page": "-1"}, "par_page", "« par_page » doit être un nombre entier entre 1 et 500"),
        ({"page": "²"}, "page", "« page » doit être un nombre entier supérieur ou égal à 1 ; « ² » reçu."),
        ({"tri": "nom"}, "parametres", "Paramètre inconnu : « tri »."),
    ],
)
def test_bad_paging_parameters_are_400_in_french(client, params, champ, message):
    reponse = get(client, **params)
    assert reponse.status_code == 400
    assert reponse["Content-Type"] == "application/json"
    corps = reponse.json()
    assert corps["erreur"].startswith("Paramètres invalides : ")
    assert corps["details"][champ].startswith(message)
    assert reponse["Access-Control-Allow-Origin"] == "*"


def test_every_bad_parameter_is_reported_at_once(client):
    corps = get(client, page="x", frais="Gratos", commune="999").json()
    assert set(corps["details"]) == {"page", "frais", "commune"}


def test_a_page_past_the_end_is_404(client):
    lieu()
    reponse = get(client, page=2)
    assert reponse.status_code == 404
    assert reponse.json()["erreur"] == "La page 2 n’existe pas : il y a 1 page."


def test_read_only(client):
    reponse = Client(enforce_csrf_checks=True).post(URL)
    assert reponse.status_code == 405
    assert reponse.json() == {"erreur": "Méthode non autorisée : cette API est en lecture seule (GET)."}
    assert reponse["Allow"] == "GET, HEAD, OPTIONS"


def test_cors_preflight(client):
    reponse = client.options(URL, HTTP_ORIGIN="https://carto.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert reponse.status_code == 204
    assert reponse["Access-Control-Allow-Origin"] == "*"
    assert "GET" in reponse["Access-Control-Allow-Methods"]
    assert "If-None-Match" in reponse["Access-Control-Allow-Headers"]


def test_head_answers_like_get(client):
    lieu()
    reponse = client.head(URL)
    assert reponse.status_code == 200
    assert reponse["ETag"]


def test_constant_number_of_queries(client):
    departement = DepartementFactory(code="23")
    for i in range(5):
        lieu(nom=f"Petit {i}", departement=departement)

    def requetes() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, par_page=500, frais="Gratuit").status_code == 200
        return len(ctx.captured_queries)

    peu = requetes()
    for i in range(45):
        lieu(nom=f"Grand {i}", departement=departement)
    assert requetes() == peu == 2  # one aggregate (total, last change), one page
