"""The redemption API: every status with its body (checked against the OpenAPI description),
token authentication, idempotency, rate limit, no session, no CSRF; the OpenAPI document."""

import datetime

import jsonschema
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import LieuFactory, make_member
from journal.models import Evenement

from .. import codes
from ..models import Cheque, Encaissement, JetonAPI
from ..openapi import description
from ..services import jetons
from .factories import carnet, cheques_remis, qualifier
from .test_encaissement_donnees import dispositif_expire, jeton_de, monde

pytestmark = pytest.mark.django_db
SPEC = description()


def url(code: str) -> str:
    return reverse("pass_api:encaisser", kwargs={"code": code})


def poster(code, clair=None, *, cle=None, client=None, **entetes):
    if clair is not None:
        entetes["HTTP_AUTHORIZATION"] = f"Bearer {clair}"
    if cle is not None:
        entetes["HTTP_IDEMPOTENCY_KEY"] = cle
    return (client or Client(enforce_csrf_checks=True)).post(url(code), **entetes)


def conforme(reponse) -> dict:
    """The body validates against the schema the description declares for this status."""
    corps = reponse.json()
    declaree = SPEC["paths"]["/{code}/encaissement"]["post"]["responses"][str(reponse.status_code)]
    nom = declaree["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    jsonschema.Draft202012Validator(SPEC["components"]["schemas"][nom]).validate(corps)
    assert reponse["Content-Type"] == "application/json"
    assert reponse["Cache-Control"] == "no-store"
    return corps


@pytest.fixture
def m():
    return monde()


@pytest.fixture
def clair(m):
    return jeton_de(m.responsable)[1]


def test_201_encaisse(m, clair):
    reponse = poster(codes.formater(m.code()), clair)
    assert reponse.status_code == 201
    corps = conforme(reponse)
    cheque = Cheque.objects.get(pk=m.cheques[0].pk)
    assert corps["statut"] == "encaisse" and corps["rejoue"] is False
    assert corps["valeur"] == "10.00" and corps["dispositif"] == m.dispositif.nom
    assert corps["numero_serie"] == cheque.numero_serie and corps["code"] == cheque.code
    assert corps["lieu"] == "Tiers-lieu La Quincaillerie"
    assert datetime.datetime.fromisoformat(corps["encaisse_le"]) == cheque.encaisse_le.replace(microsecond=0)
    assert corps["encaisse_le"].endswith(("+01:00", "+02:00"))  # Paris time
    assert cheque.statut == Cheque.Statut.ENCAISSE
    encaissement = Encaissement.objects.get(cheque=cheque)
    assert encaissement.source == "api" and encaissement.jeton.lieu_id == m.lieu.pk
    assert "Set-Cookie" not in reponse.headers and not reponse.cookies


def test_409_deja_encaisse_dit_quand_et_ou(m, clair):
    poster(m.code(), clair)
    reponse = poster(m.code(), clair)
    assert reponse.status_code == 409
    corps = conforme(reponse)
    assert corps["statut"] == "deja_encaisse" and corps["lieu"] == "Tiers-lieu La Quincaillerie"
    encaisse_le = Cheque.objects.get(pk=m.cheques[0].pk).encaisse_le.replace(microsecond=0)
    assert datetime.datetime.fromisoformat(corps["encaisse_le"]) == encaisse_le
    assert corps["erreur"].startswith("Ce chèque a déjà été encaissé le ")


def test_409_pas_encore_remis(m, clair):
    stock = carnet(m.dispositif, statut="dote", organisme=m.organisme)
    reponse = poster(stock.cheques.first().code, clair)
    assert reponse.status_code == 409
    assert conforme(reponse)["statut"] == "pas_remis"


def test_422_faute_de_frappe(m, clair, django_assert_max_num_queries):
    code = m.code()
    faux = code[:9] + next(c for c in codes.ALPHABET if c != code[9])
    reponse = poster(faux, clair)
    assert reponse.status_code == 422
    corps = conforme(reponse)
    assert corps["statut"] == "faute_de_frappe" and "clé de contrôle" in corps["erreur"]


def test_404_inconnu(m, clair):
    reponse = poster(codes.nouveau_code(), clair)
    assert reponse.status_code == 404 and conforme(reponse)["statut"] == "inconnu"


def test_403_non_accepte_ici(m):
    lieu = LieuFactory(departement=m.dispositif.departement)
    _, clair = jeton_de(make_member(Role.RESPONSABLE, organisation=lieu))
    reponse = poster(m.code(), clair)
    assert reponse.status_code == 403
    corps = conforme(reponse)
    assert corps["statut"] == "non_accepte" and "pas qualifié" in corps["erreur"]
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.REMIS


def test_410_expire_et_annule(m, clair):
    d = dispositif_expire()
    qualifier(m.lieu, d)
    expire = cheques_remis(d)[0]
    reponse = poster(expire.code, clair)
    assert reponse.status_code == 410 and conforme(reponse)["statut"] == "expire"
    Cheque.objects.filter(pk=m.cheques[1].pk).update(statut=Cheque.Statut.ANNULE, annule_le=timezone.now())
    reponse = poster(m.code(1), clair)
    assert reponse.status_code == 410 and conforme(reponse)["statut"] == "annule"


@pytest.mark.parametrize(
    "entete",
    [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer ein_" + "x" * 40, "Bearer pas-un-jeton", "Token ein_abc"],
)
def test_401_sans_jeton_valable(m, entete):
    entetes = {"HTTP_AUTHORIZATION": entete} if entete else {}
    reponse = Client().post(url(m.code()), **entetes)
    assert reponse.status_code == 401
    assert conforme(reponse)["statut"] == "non_authentifie"
    assert reponse["WWW-Authenticate"].startswith('Bearer realm="einclusion"')
    assert not Encaissement.objects.exists()


def test_401_jeton_revoque(m):
    jeton, clair = jeton_de(m.responsable)
    jetons.revoquer_jeton(par=m.responsable, jeton=jeton)
    reponse = poster(m.code(), clair)
    assert reponse.status_code == 401
    assert not Encaissement.objects.exists()


def test_une_session_ne_remplace_pas_le_jeton(m, login):
    client = login(m.responsable, Client(enforce_csrf_checks=True))
    reponse = client.post(url(m.code()))
    assert reponse.status_code == 401


def test_405_autres_methodes(m, clair):
    for methode in ("get", "put", "delete"):
        reponse = getattr(Client(), methode)(url(m.code()), HTTP_AUTHORIZATION=f"Bearer {clair}")
        assert reponse.status_code == 405 and reponse["Allow"] == "POST"
        assert conforme(reponse)["statut"] == "methode_non_autorisee"


def test_idempotency_key_rejoue_le_201(m, clair):
    premier = poster(m.code(), clair, cle="8c2d0b7e-retry")
    encore = poster(m.code(), clair, cle="8c2d0b7e-retry")
    assert premier.status_code == encore.status_code == 201
    assert "Idempotent-Replayed" not in premier.headers
    assert encore["Idempotent-Replayed"] == "true"
    corps = conforme(encore)
    assert corps["rejoue"] is True and corps["encaisse_le"] == premier.json()["encaisse_le"]
    assert Encaissement.objects.count() == 1
    assert poster(m.code(), clair, cle="autre").status_code == 409
    reutilisee = poster(m.code(1), clair, cle="8c2d0b7e-retry")
    assert reutilisee.status_code == 422 and conforme(reutilisee)["statut"] == "cle_reutilisee"


@pytest.mark.parametrize("cle", ["a" * 65, "avec espace", "accentuée"])
def test_400_idempotency_key_invalide(m, clair, cle):
    reponse = poster(m.code(), clair, cle=cle.encode("utf-8").decode("latin-1"))
    assert reponse.status_code == 400 and conforme(reponse)["statut"] == "requete_invalide"
    assert not Encaissement.objects.exists()


def test_429_au_dela_de_la_limite(m, clair, settings):
    settings.PASS_API_LIMITE_PAR_MINUTE = 3
    statuts = [poster(m.code(i), clair).status_code for i in range(4)]
    assert statuts == [201, 201, 201, 429]
    reponse = poster(m.code(5), clair)
    assert reponse.status_code == 429
    corps = conforme(reponse)
    assert 1 <= int(reponse["Retry-After"]) <= 61 and corps["reessayer_dans"] == int(reponse["Retry-After"])
    assert corps["erreur"].startswith("Trop de requêtes : au plus 3 par minute pour un jeton.")
    assert Encaissement.objects.count() == 3
    # Per token: another token of the same place still works.
    _, autre = jeton_de(m.responsable)
    assert poster(m.code(6), autre).status_code == 201


def test_dernier_usage_note(m):
    jeton, clair = jeton_de(m.responsable)
    assert jeton.dernier_usage_le is None
    poster(codes.nouveau_code(), clair)
    jeton.refresh_from_db()
    assert timezone.now() - jeton.dernier_usage_le < datetime.timedelta(minutes=1)


def test_pas_de_csrf_ni_de_nom_dans_le_journal(m, clair):
    reponse = poster(m.code(), clair, client=Client(enforce_csrf_checks=True))
    assert reponse.status_code == 201
    evenement = Evenement.objects.get(action="pass.encaisse")
    assert clair not in str(evenement.details) and evenement.details["jeton"] == clair[:12]


def test_nombre_de_requetes_borne(m, clair, django_assert_max_num_queries):
    poster(m.code(), clair)  # the first call records dernier_usage_le
    with django_assert_max_num_queries(8):  # token, savepoint, select, update, 2 inserts, activity, release
        assert poster(m.code(1), clair).status_code == 201


# --- the OpenAPI description ---------------------------------------------------------------


def test_openapi_public_et_bien_forme(client):
    reponse = client.get(reverse("pass_api:openapi"))
    assert reponse.status_code == 200
    spec = reponse.json()
    assert spec["openapi"].startswith("3.1")
    assert spec["servers"] == [{"url": "/api/v1/cheques"}]
    operation = spec["paths"]["/{code}/encaissement"]["post"]
    assert set(operation["responses"]) == {"201", "400", "401", "403", "404", "405", "409", "410", "422", "429"}
    assert spec["components"]["securitySchemes"]["jeton"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Jeton d’API du lieu : `ein_` suivi de 40 lettres et chiffres.",
    }
    for nom, schema in spec["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema), nom
    for reponse_declaree in operation["responses"].values():
        ref = reponse_declaree["content"]["application/json"]["schema"]["$ref"]
        assert ref.rsplit("/", 1)[-1] in spec["components"]["schemas"]
    # The path template is the URL of the view.
    assert spec["servers"][0]["url"] + "/{code}/encaissement" == url("{code}").replace("%7B", "{").replace("%7D", "}")
    from openapi_spec_validator import validate  # requirements-dev.txt

    validate(spec)


def test_jetons_api_en_base_sont_des_empreintes(m, clair):
    assert not JetonAPI.objects.filter(empreinte=clair).exists()
    assert JetonAPI.objects.get().empreinte == jetons.empreinte(clair)
