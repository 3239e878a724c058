"""API tokens: created by the place's responsable (shown once, stored hashed), revoked, journalled
without the token; the pages (list, create, revoke) and who may open them."""

import hashlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from comptes.models import Role
from comptes.tests.factories import LieuFactory, make_member
from journal.models import Action, Evenement

from ..models import JetonAPI
from ..services import jetons

pytestmark = pytest.mark.django_db
RE_JETON = re.compile(r"ein_[A-Za-z0-9]{40}")


@pytest.fixture
def lieu():
    return LieuFactory(nom="Espace numérique de Guéret")


@pytest.fixture
def responsable(lieu):
    return make_member(Role.RESPONSABLE, organisation=lieu)


def test_creer_un_jeton(lieu, responsable):
    jeton, clair = jetons.creer_jeton(par=responsable, lieu=lieu, nom="  Logiciel de caisse ")
    assert RE_JETON.fullmatch(clair)
    assert jeton.nom == "Logiciel de caisse" and jeton.prefixe == clair[:12]
    assert jeton.empreinte == hashlib.sha256(clair.encode()).hexdigest()
    assert jeton.cree_par == responsable.user and jeton.est_actif
    assert not JetonAPI.objects.filter(prefixe=clair).exists()
    entree = Evenement.objects.get(action=Action.JETON_CREE)
    assert entree.target_id == str(jeton.pk) and entree.details["prefixe"] == jeton.prefixe
    assert clair not in str(entree.details) and clair not in entree.target_repr
    assert jetons.authentifier(clair) == jeton
    _autre, autre_clair = jetons.creer_jeton(par=responsable, lieu=lieu, nom="Second poste")
    assert autre_clair != clair


@pytest.mark.parametrize(
    ("nom", "message"),
    [("", "Donnez un nom au jeton (par exemple le logiciel qui l’utilisera)."), ("x" * 101, "au plus 100 caractères")],
)
def test_un_jeton_a_un_nom(lieu, responsable, nom, message):
    with pytest.raises(ValidationError) as exc:
        jetons.creer_jeton(par=responsable, lieu=lieu, nom=nom)
    assert message in exc.value.message_dict["nom"][0]
    assert not JetonAPI.objects.exists() and not Evenement.objects.exists()


def test_seul_le_responsable_du_lieu_gere_ses_jetons(lieu, responsable):
    intrus = [
        make_member(Role.MEDIATEUR, organisation=lieu),
        make_member(Role.RESPONSABLE, organisation=LieuFactory(departement=lieu.departement)),
        make_member(Role.COORDINATEUR, departement=lieu.departement),
    ]
    for par in intrus:
        with pytest.raises(PermissionDenied):
            jetons.creer_jeton(par=par, lieu=lieu, nom="Intrus")
    jeton, _ = jetons.creer_jeton(par=responsable, lieu=lieu, nom="Caisse")
    for par in intrus:
        with pytest.raises(PermissionDenied):
            jetons.revoquer_jeton(par=par, jeton=jeton)
    assert JetonAPI.objects.get().est_actif


def test_revoquer(lieu, responsable):
    jeton, clair = jetons.creer_jeton(par=responsable, lieu=lieu, nom="Caisse")
    assert jetons.revoquer_jeton(par=responsable, jeton=jeton) is True
    assert jetons.revoquer_jeton(par=responsable, jeton=jeton) is False
    jeton.refresh_from_db()
    assert jeton.revoque_le and jeton.revoque_par == responsable.user
    assert jetons.authentifier(clair) is None
    assert Evenement.objects.filter(action=Action.JETON_REVOQUE).count() == 1


@pytest.mark.parametrize("essai", ["", "ein_", "ein_court", "EIN_" + "a" * 40, "ein_" + "a" * 41])
def test_authentifier_refuse_les_formes_impossibles(essai, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert jetons.authentifier(essai) is None


# --- pages ----------------------------------------------------------------------------------


def test_creer_depuis_la_page_montre_le_jeton_une_fois(login, lieu, responsable):
    client = login(responsable)
    assert client.get(reverse("pass_encaissement:creer_jeton")).status_code == 200
    reponse = client.post(reverse("pass_encaissement:creer_jeton"), {"nom": "Logiciel de caisse"})
    assert reponse.status_code == 200 and "no-store" in reponse["Cache-Control"]
    clair = RE_JETON.search(reponse.content.decode()).group(0)
    assert "il ne sera plus jamais affiché" in reponse.content.decode()
    assert jetons.authentifier(clair).lieu_id == lieu.pk
    liste = client.get(reverse("pass_encaissement:jetons")).content.decode()
    assert "Logiciel de caisse" in liste and clair[:12] in liste and clair not in liste
    assert "jamais utilisé" in liste


def test_creer_sans_nom(login, responsable):
    reponse = login(responsable).post(reverse("pass_encaissement:creer_jeton"), {"nom": ""})
    assert reponse.status_code == 200
    assert "Donnez un nom au jeton" in reponse.content.decode()
    assert not JetonAPI.objects.exists()


def test_revoquer_depuis_la_page(login, lieu, responsable):
    jeton, _ = jetons.creer_jeton(par=responsable, lieu=lieu, nom="Caisse")
    client = login(responsable)
    url = reverse("pass_encaissement:revoquer_jeton", args=[jeton.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Révoquer le jeton « Caisse » ?" in page.content.decode()
    assert JetonAPI.objects.get().est_actif  # GET changes nothing
    reponse = client.post(url, follow=True)
    assert "est révoqué" in reponse.content.decode()
    assert not JetonAPI.objects.get().est_actif
    assert "Révoqué le" in client.get(reverse("pass_encaissement:jetons")).content.decode()
    # Once more: already revoked.
    assert client.post(url).status_code == 302
    assert Evenement.objects.filter(action=Action.JETON_REVOQUE).count() == 1


def test_le_jeton_d_un_autre_lieu_est_introuvable(login, lieu, responsable):
    voisin = make_member(Role.RESPONSABLE, organisation=LieuFactory(departement=lieu.departement))
    jeton, _ = jetons.creer_jeton(par=voisin, lieu=voisin.organisation.lieu, nom="Caisse du voisin")
    client = login(responsable)
    url = reverse("pass_encaissement:revoquer_jeton", args=[jeton.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert JetonAPI.objects.get().est_actif
    assert "Caisse du voisin" not in client.get(reverse("pass_encaissement:jetons")).content.decode()


@pytest.mark.parametrize("role", [Role.MEDIATEUR, Role.AGENT, Role.COORDINATEUR, Role.LECTEUR])
def test_les_autres_roles_n_ont_pas_acces(login, role):
    client = login(make_member(role))
    for nom in ("jetons", "creer_jeton"):
        assert client.get(reverse(f"pass_encaissement:{nom}")).status_code == 403
    assert client.post(reverse("pass_encaissement:creer_jeton"), {"nom": "x"}).status_code == 403
    assert not JetonAPI.objects.exists()


def test_liste_en_nombre_de_requetes_constant(login, lieu, responsable, django_assert_max_num_queries):
    client = login(responsable)
    for i in range(3):
        jetons.creer_jeton(par=responsable, lieu=lieu, nom=f"Poste {i}")
    with django_assert_max_num_queries(12) as avant:
        client.get(reverse("pass_encaissement:jetons"))
    for i in range(10):
        jeton, _ = jetons.creer_jeton(par=responsable, lieu=lieu, nom=f"Autre {i}")
        jetons.revoquer_jeton(par=responsable, jeton=jeton)
    with django_assert_max_num_queries(len(avant)):
        client.get(reverse("pass_encaissement:jetons"))
