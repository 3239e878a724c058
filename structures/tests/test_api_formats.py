"""Public API: the CSV and GeoJSON formats, caching headers, gzip, CORS, cache invalidation."""

import csv
import gzip
import io
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from comptes.tests.factories import DepartementFactory, LieuFactory
from structures import api
from structures.models import Lieu
from structures.signals import invalider_cache_lieux
from structures.standard import field_names

pytestmark = pytest.mark.django_db

LISTE = reverse("structures_api:lieux")
CSV = reverse("structures_api:lieux_csv")
GEOJSON = reverse("structures_api:lieux_geojson")
URLS = (LISTE, CSV, GEOJSON)


def lieu(**kwargs):
    return LieuFactory(**({"latitude": 46.171234567, "longitude": 1.871234567} | kwargs))


def contenu(reponse) -> bytes:
    corps = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    return gzip.decompress(corps) if reponse.get("Content-Encoding") == "gzip" else corps


def lire_csv(reponse) -> list[list[str]]:
    return list(csv.reader(io.StringIO(contenu(reponse).decode("utf-8"), newline="")))


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_has_the_32_columns_in_schema_order(client):
    lieu(
        nom="Médiathèque de Guéret", services=["Aide aux démarches administratives", "Loisirs et créations numériques"]
    )
    reponse = client.get(CSV)
    assert reponse.status_code == 200
    assert isinstance(reponse, StreamingHttpResponse)
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"] == 'attachment; filename="lieux-mediation-numerique.csv"'
    entete, ligne = lire_csv(reponse)
    assert entete == list(field_names())
    assert len(entete) == 32
    valeurs = dict(zip(entete, ligne, strict=True))
    assert valeurs["nom"] == "Médiathèque de Guéret"
    assert valeurs["services"] == "Aide aux démarches administratives|Loisirs et créations numériques"
    assert (valeurs["latitude"], valeurs["longitude"]) == ("46.171235", "1.871235")
    assert valeurs["complement_adresse"] == ""


def test_csv_is_utf8_without_bom_with_crlf_lines(client):
    lieu(nom="Espace numérique « Côté Cour »")
    brut = contenu(client.get(CSV))
    assert not brut.startswith(b"\xef\xbb\xbf")
    assert "Espace numérique « Côté Cour »".encode() in brut
    assert brut.count(b"\r\n") == 2


def test_csv_cells_cannot_run_as_formulas(client):
    lieu(nom='=HYPERLINK("https://evil.example";"clic")', telephone="+33555123456", adresse="@SUM(A1)")
    valeurs = dict(zip(*lire_csv(client.get(CSV)), strict=True))
    assert valeurs["nom"] == '\'=HYPERLINK("https://evil.example";"clic")'
    assert valeurs["adresse"] == "'@SUM(A1)"
    assert valeurs["telephone"] == "+33555123456"  # a phone number in the standard's format stays


def test_csv_has_every_active_place_and_no_closed_one(client):
    ouverts = {lieu(nom=f"Lieu {i}").identifiant for i in range(5)}
    lieu(nom="Fermé", est_actif=False, ferme_le="2026-01-31")
    lignes = lire_csv(client.get(CSV))[1:]
    assert {ligne[0] for ligne in lignes} == ouverts


def test_csv_is_streamed_in_one_query_whatever_the_size(client, monkeypatch):
    monkeypatch.setattr(api, "TAILLE_LOT_CSV", 3)  # several chunks with a few places
    departement = DepartementFactory(code="23")
    for i in range(8):
        lieu(nom=f"Lieu {i}", departement=departement)
    with CaptureQueriesContext(connection) as ctx:
        reponse = client.get(CSV)
        morceaux = list(reponse.streaming_content)
    assert len(morceaux) == 4  # header, then 3 + 3 + 2 rows
    assert len(ctx.captured_queries) == 2  # the aggregate for the ETag, one SELECT for the rows


# --- GeoJSON ------------------------------------------------------------------------------------


def test_geojson_is_a_valid_feature_collection(client):
    place = lieu(nom="Médiathèque « L’Atelier »", accepte_pass_numerique=True)
    lieu(nom="Sans position", latitude=None, longitude=None)
    lieu(nom="Fermé", est_actif=False, ferme_le="2026-01-31")
    reponse = client.get(GEOJSON)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/geo+json"
    brut = contenu(reponse)
    assert b", " not in brut and b": " not in brut  # compact
    collection = json.loads(brut)
    assert set(collection) == {"type", "features"}
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert set(feature) == {"type", "geometry", "properties"}
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [1.87123, 46.17123]}  # [lon, lat], 5 decimals
    assert feature["properties"] == {
        "id": place.identifiant,
        "nom": "Médiathèque « L’Atelier »",
        "accepte_pass_numerique": True,
        "url": f"/lieux/{place.identifiant}/",
    }


def test_geojson_coordinates_follow_rfc_7946(client):
    for i in range(4):
        lieu(nom=f"Lieu {i}", latitude=-21.1 + i, longitude=55.5 - i)
    for feature in json.loads(contenu(client.get(GEOJSON)))["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert isinstance(lon, float) and isinstance(lat, float)
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geojson_escapes_every_string(client):
    etrange = lieu(nom='Lieu "cité"\\ \t\n\u2028 é', identifiant="id avec/espace?")
    (feature,) = json.loads(contenu(client.get(GEOJSON)))["features"]
    assert feature["properties"]["nom"] == 'Lieu "cité"\\ \t\n\u2028 é'
    assert feature["properties"]["id"] == etrange.identifiant
    assert feature["properties"]["url"] == "/lieux/id%20avec%2Fespace%3F/"


def test_geojson_builds_the_same_json_as_json_dumps(client):
    lieu(nom="Médiathèque", accepte_pass_numerique=True)
    lieu(nom="EPN", latitude=43.0, longitude=-1.0)
    brut = contenu(client.get(GEOJSON))
    assert brut == json.dumps(json.loads(brut), ensure_ascii=False, separators=(",", ":")).encode()


@pytest.mark.parametrize("nombre", [5, 50])
def test_geojson_constant_number_of_queries(client, nombre, django_assert_num_queries):
    departement = DepartementFactory(code="23")
    for i in range(nombre):
        lieu(nom=f"Lieu {i}", departement=departement)
    with django_assert_num_queries(2):  # last change, then the rows (values_list)
        assert len(json.loads(contenu(client.get(GEOJSON)))["features"]) == nombre
    with django_assert_num_queries(0):  # cached
        client.get(GEOJSON)


def test_geojson_with_a_free_text_filter_is_not_cached(client):
    lieu(nom="Médiathèque")
    client.get(GEOJSON, {"q": "media"})
    with CaptureQueriesContext(connection) as ctx:
        client.get(GEOJSON, {"q": "media"})
    assert len(ctx.captured_queries) == 2


# --- caching headers, 304 -------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
def test_caching_headers_and_304_on_if_none_match(client, url):
    lieu()
    reponse = client.get(url)
    etag = reponse["ETag"]
    assert etag.startswith('W/"')
    assert reponse["Last-Modified"] == http_date(Lieu.objects.get().modifie_le.timestamp())
    assert reponse["Cache-Control"] == "public, max-age=300"
    assert reponse["Access-Control-Allow-Origin"] == "*"

    pas_modifie = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert pas_modifie.status_code == 304
    assert pas_modifie.content == b""
    assert pas_modifie["ETag"] == etag
    assert pas_modifie["Cache-Control"] == "public, max-age=300"
    assert pas_modifie["Access-Control-Allow-Origin"] == "*"

    assert client.get(url, HTTP_IF_NONE_MATCH='W/"autre"').status_code == 200
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=reponse["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_etag_changes_when_a_place_changes(client, url):
    place = lieu(nom="Avant")
    etag = client.get(url)["ETag"]
    place.nom = "Après"
    place.save()
    reponse = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert reponse.status_code == 200
    assert "Après".encode() in contenu(reponse)


@pytest.mark.parametrize("url", [LISTE, CSV])
def test_list_and_csv_etags_depend_on_the_filters(client, url):
    lieu(frais_a_charge=["Gratuit"])
    assert client.get(url)["ETag"] != client.get(url, {"frais": "Gratuit"})["ETag"]


def test_geojson_etag_is_the_hash_of_its_content(client):
    lieu(frais_a_charge=["Gratuit"])
    # Same places, same bytes, same ETag: a validator of the representation, filters or not.
    assert client.get(GEOJSON)["ETag"] == client.get(GEOJSON, {"frais": "Gratuit"})["ETag"]
    lieu(frais_a_charge=["Payant"])
    assert client.get(GEOJSON)["ETag"] != client.get(GEOJSON, {"frais": "Gratuit"})["ETag"]


# --- gzip -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
def test_gzip_when_the_client_accepts_it(client, url):
    for i in range(20):
        lieu(nom=f"Espace public numérique {i}")
    simple = client.get(url)
    compresse = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert simple.get("Content-Encoding") is None
    assert compresse["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compresse["Vary"] and "Accept-Encoding" in simple["Vary"]
    assert contenu(compresse) == contenu(simple)
    assert compresse["ETag"] == simple["ETag"]  # weak ETags: one per content, whatever the coding


def test_geojson_is_compressed_once_and_served_from_cache(client):
    for i in range(20):
        lieu(nom=f"Lieu {i}")
    premier = client.get(GEOJSON, HTTP_ACCEPT_ENCODING="gzip")
    second = client.get(GEOJSON, HTTP_ACCEPT_ENCODING="gzip")
    assert premier.content == second.content  # the same gzip bytes (mtime 0), from the cache
    assert int(second["Content-Length"]) == len(second.content)


# --- cache invalidation ---------------------------------------------------------------------


def noms_geojson(client, **params) -> list[str]:
    return [f["properties"]["nom"] for f in json.loads(contenu(client.get(GEOJSON, params)))["features"]]


def test_saving_a_place_invalidates_the_cached_geojson(client):
    place = lieu(nom="Avant")
    assert noms_geojson(client) == ["Avant"]
    place.nom = "Après"
    place.save()
    assert noms_geojson(client) == ["Après"]


def test_closing_or_deleting_a_place_removes_it(client):
    fermee, supprimee = lieu(nom="Fermée"), lieu(nom="Supprimée")
    assert sorted(noms_geojson(client)) == ["Fermée", "Supprimée"]
    fermee.est_actif, fermee.ferme_le = False, timezone.localdate()
    fermee.save()
    assert noms_geojson(client) == ["Supprimée"]
    supprimee.delete()
    assert noms_geojson(client) == []


def test_bulk_writes_invalidate_explicitly(client):
    lieu(nom="Avant")
    assert noms_geojson(client) == ["Avant"]
    Lieu.objects.update(accepte_pass_numerique=True)  # no signal
    invalider_cache_lieux()
    (feature,) = json.loads(contenu(client.get(GEOJSON)))["features"]
    assert feature["properties"]["accepte_pass_numerique"] is True
