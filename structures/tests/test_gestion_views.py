"""Management pages of places: list (search, filter, constant queries), create, edit, close,
reopen, history; who may open what (404 out of scope, 403 for a role without access)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comptes.models import Role
from comptes.tests.factories import make_member
from journal.models import Action, Evenement
from structures.models import Lieu, SourcePosition
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


@pytest.fixture
def responsable(lieu):
    return make_member(Role.RESPONSABLE, organisation=lieu)


def url(nom: str, lieu=None) -> str:
    return reverse(f"structures_gestion:{nom}", args=[lieu.pk] if lieu is not None else [])


# --- List --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_la_liste_des_lieux_du_departement(login, coord, creuse, haute_vienne):
    nouveau_lieu(creuse, nom="Médiathèque de Guéret")
    ferme = nouveau_lieu(creuse, nom="Ancien EPN", est_actif=False, ferme_le=timezone.localdate())
    nouveau_lieu(haute_vienne, nom="Lieu de Limoges", commune="Limoges", code_postal="87000", commune_ref=None)
    client = login(coord)

    response = client.get(url("liste"))

    assertContains(response, "Médiathèque de Guéret")
    assertContains(response, "Ancien EPN")
    assertContains(response, f"Fermé le {timezone.localdate():%d/%m/%Y}")
    assertNotContains(response, "Lieu de Limoges")
    assertContains(response, f'href="{url("modifier", ferme)}"')
    assertContains(response, 'aria-current="page">Lieux</a>')

    fermes = client.get(url("liste"), {"statut": "fermes"})
    assert [lieu.nom for lieu in fermes.context["page"]] == ["Ancien EPN"]
    ouverts = client.get(url("liste"), {"statut": "ouverts"})
    assert [lieu.nom for lieu in ouverts.context["page"]] == ["Médiathèque de Guéret"]
    par_nom = client.get(url("liste"), {"q": "médiathèque"})
    assert [lieu.nom for lieu in par_nom.context["page"]] == ["Médiathèque de Guéret"]
    par_code_postal = client.get(url("liste"), {"q": "230"})
    assert len(par_code_postal.context["page"]) == 2
    assertContains(client.get(url("liste"), {"q": "Paris"}), "Aucun lieu ne correspond à votre recherche.")


@pytest.mark.django_db
def test_la_liste_fait_un_nombre_constant_de_requetes(login, coord, creuse, django_assert_num_queries):
    client = login(coord)
    for _ in range(5):
        nouveau_lieu(creuse)
    with CaptureQueriesContext(connection) as avec_5:
        assert client.get(url("liste")).status_code == 200

    for _ in range(35):
        nouveau_lieu(creuse, est_actif=False, ferme_le=timezone.localdate())
    with django_assert_num_queries(len(avec_5)):
        response = client.get(url("liste"))
    assert len(response.context["page"]) == 25
    with django_assert_num_queries(len(avec_5)):
        client.get(url("liste"), {"page": 2, "q": "Guéret", "statut": "fermes"})


# --- Create ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_creer_un_lieu(login, coord, creuse):
    client = login(coord)
    page = client.get(url("creer"))
    assertContains(page, "<h1>Créer un lieu</h1>", html=True)
    for titre in (
        "Identité",
        "Adresse et position",
        "Contact",
        "Horaires",
        "Présentation",
        "Services et publics",
        "Accessibilité",
        "Labels",
    ):
        assertContains(page, f'<h2 class="h4">{titre}</h2>', html=True)
    assertContains(page, "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00")

    response = client.post(url("creer"), saisie(latitude="46.1701", longitude="1.8655"))

    cree = Lieu.objects.get()
    assertRedirects(response, url("modifier", cree), fetch_redirect_response=False)
    assert cree.departement == creuse and cree.source_position == SourcePosition.CARTE
    assertContains(client.get(url("modifier", cree)), "Le lieu « Médiathèque de Guéret » est créé.")
    assert Evenement.objects.filter(action=Action.LIEU_CREE).count() == 1


# --- Edit --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_la_page_de_modification_a_une_carte(login, coord, lieu):
    response = login(coord).get(url("modifier", lieu))

    html = response.content.decode()
    assert "data-carte-position" in html
    assert 'aria-label="Carte pour placer le lieu"' in html
    assert 'data-latitude-input="id_latitude"' in html and 'data-longitude-input="id_longitude"' in html
    assert 'data-commune-latitude="46.171800"' in html
    assert 'name="latitude"' in html and 'value="46.17"' in html  # usable without JavaScript
    assert "vendor/leaflet/leaflet.js" in html and "js/position.js" in html
    assert " style=" not in html and "<script>" not in html  # strict CSP
    assertContains(response, "Position actuelle : importée avec le lieu.")


@pytest.mark.django_db
def test_modifier_un_lieu(login, coord, lieu):
    client = login(coord)
    data = donnees_du_lieu(lieu, nom="Tiers-lieu La Quincaillerie", latitude="46.1702", longitude="1.8699")

    response = client.post(url("modifier", lieu), data)

    assertRedirects(response, url("modifier", lieu), fetch_redirect_response=False)
    lieu.refresh_from_db()
    assert lieu.nom == "Tiers-lieu La Quincaillerie"
    assert lieu.date_maj == timezone.localdate()
    assert lieu.source_position == SourcePosition.CARTE
    page = client.get(url("modifier", lieu))
    assertContains(page, "Modifications enregistrées (nom du lieu, latitude, longitude, origine de la position).")

    historique = client.get(url("historique", lieu))
    assertContains(historique, "<strong>Nom du lieu</strong>", html=True)
    assertContains(historique, "<del>Tiers-lieu de Guéret</del>", html=True)
    assertContains(historique, "<ins>Tiers-lieu La Quincaillerie</ins>", html=True)
    assertContains(historique, "<ins>placée sur la carte</ins>", html=True)


@pytest.mark.django_db
def test_enregistrer_sans_rien_changer(login, coord, lieu):
    client = login(coord)

    response = client.post(url("modifier", lieu), donnees_du_lieu(lieu), follow=True)

    assertContains(response, "Aucune modification : le lieu est inchangé.")
    assert not Evenement.objects.filter(action=Action.LIEU_MODIFIE).exists()


@pytest.mark.django_db
def test_le_responsable_modifie_son_lieu(login, responsable, lieu):
    client = login(responsable)

    accueil = client.get(reverse("accueil"))
    assertContains(accueil, f'href="{url("modifier", lieu)}"')
    assertContains(accueil, ">Mon lieu</a>")

    page = client.get(url("modifier", lieu))
    assertNotContains(page, "Fermer ce lieu")
    assertNotContains(page, "Revenir à la liste des lieux")
    response = client.post(url("modifier", lieu), donnees_du_lieu(lieu, horaires="Mo-Fr 09:00-12:00"))

    assertRedirects(response, url("modifier", lieu))
    assert Evenement.objects.filter(action=Action.LIEU_MODIFIE, actor=responsable.user).count() == 1
    assert client.get(url("historique", lieu)).status_code == 200


# --- Close and reopen --------------------------------------------------------------------------


@pytest.mark.django_db
def test_fermer_et_rouvrir(login, coord, lieu):
    client = login(coord)
    assertContains(client.get(url("modifier", lieu)), f'href="{url("fermer", lieu)}"')
    confirmation = client.get(url("fermer", lieu))
    assertContains(confirmation, "Fermer le lieu « Tiers-lieu de Guéret » ?")

    sans_motif = client.post(url("fermer", lieu), {"motif": ""})
    assertContains(sans_motif, "Indiquez le motif de la fermeture.")
    assert Lieu.objects.get(pk=lieu.pk).est_actif

    response = client.post(url("fermer", lieu), {"motif": "Déménagement"})
    assertRedirects(response, url("liste"))
    lieu.refresh_from_db()
    assert not lieu.est_actif
    page = client.get(url("modifier", lieu))
    assertContains(page, "Fermé depuis le")
    assertContains(page, "Rouvrir ce lieu")
    assertRedirects(client.get(url("fermer", lieu)), url("modifier", lieu))
    assertContains(client.get(url("historique", lieu)), "Motif : Déménagement")

    response = client.post(url("rouvrir", lieu))
    assertRedirects(response, url("modifier", lieu))
    assert Lieu.objects.get(pk=lieu.pk).est_actif
    assert client.get(url("rouvrir", lieu)).status_code == 405


# --- Who may open what -------------------------------------------------------------------------


@pytest.fixture
def acteurs(lieu, creuse):
    """One member per role in Creuse; the responsable and médiateur belong to `lieu`."""
    return {
        "coordinateur": make_member(Role.COORDINATEUR, organisation=equipe(creuse)),
        "lecteur": make_member(Role.LECTEUR, organisation=equipe(creuse)),
        "referent": make_member(Role.REFERENT, departement=creuse),
        "agent": make_member(Role.AGENT, departement=creuse),
        "responsable": make_member(Role.RESPONSABLE, organisation=lieu),
        "mediateur": make_member(Role.MEDIATEUR, organisation=lieu),
    }


# GET status by actor for (own place, neighbour place of the same département, foreign place).
ATTENDUS = {
    "modifier": {"coordinateur": (200, 200, 404), "responsable": (200, 404, 404)},
    "historique": {"coordinateur": (200, 200, 404), "responsable": (200, 404, 404)},
    "fermer": {"coordinateur": (200, 200, 404)},
    "rouvrir": {"coordinateur": (405, 405, 405)},
}


@pytest.mark.django_db
@pytest.mark.parametrize("vue", list(ATTENDUS))
def test_qui_ouvre_quoi(client, login, acteurs, lieu, creuse, haute_vienne, vue):
    voisin = nouveau_lieu(creuse, nom="Voisin")
    etranger = nouveau_lieu(haute_vienne, nom="Étranger", commune_ref=None)
    for nom, membre in acteurs.items():
        client.logout()
        login(membre)
        obtenus = tuple(client.get(url(vue, cible)).status_code for cible in (lieu, voisin, etranger))
        assert obtenus == ATTENDUS[vue].get(nom, (403, 403, 403)), (vue, nom)
    client.logout()
    assert client.get(url(vue, lieu)).status_code == 302  # anonymous: to the login page


@pytest.mark.django_db
@pytest.mark.parametrize("vue", ["liste", "creer"])
def test_pages_du_coordinateur(client, login, acteurs, vue):
    for nom, membre in acteurs.items():
        client.logout()
        login(membre)
        assert client.get(url(vue)).status_code == (200 if nom == "coordinateur" else 403), nom


@pytest.mark.django_db
def test_un_lieu_d_un_autre_departement_est_introuvable_en_post(login, coord, haute_vienne):
    etranger = nouveau_lieu(haute_vienne, nom="Étranger", commune_ref=None)
    client = login(coord)

    assert client.post(url("modifier", etranger), donnees_du_lieu(etranger, nom="Piraté")).status_code == 404
    assert client.post(url("fermer", etranger), {"motif": "Piraté"}).status_code == 404
    Lieu.objects.filter(pk=etranger.pk).update(est_actif=False, ferme_le=timezone.localdate())
    assert client.post(url("rouvrir", etranger)).status_code == 404
    assert Lieu.objects.get(pk=etranger.pk).nom == "Étranger"
    assert not Evenement.objects.exists()


@pytest.mark.django_db
def test_le_responsable_ne_ferme_pas_son_lieu(login, responsable, lieu):
    client = login(responsable)

    assert client.post(url("fermer", lieu), {"motif": "Je pars"}).status_code == 403
    assert Lieu.objects.get(pk=lieu.pk).est_actif
