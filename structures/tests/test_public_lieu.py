"""A place's public page, the communes autocomplete, the embeddable map and the framing headers."""

import re
from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from comptes.tests.factories import DepartementFactory, LieuFactory
from territoires.tests.jeu_de_test import charger_jeu_de_test

pytestmark = pytest.mark.django_db


@pytest.fixture
def creuse(db):
    charger_jeu_de_test()
    return DepartementFactory(code="23")


@pytest.fixture
def quincaillerie(creuse):
    return LieuFactory(
        departement=creuse,
        identifiant="quincaillerie-23",
        nom="Tiers-lieu La Quincaillerie",
        typologie=["TIERS_LIEUX", "ASSO"],
        adresse="3 avenue de la Sénatorerie",
        complement_adresse="Rez-de-chaussée",
        code_postal="23000",
        commune="Guéret",
        latitude=46.1705,
        longitude=1.8689,
        telephone="+33536490001",
        courriels=["contact@quincaillerie.example", "ateliers@quincaillerie.example"],
        site_web=["https://quincaillerie.example/"],
        horaires="Mo-Fr 09:00-12:30,14:00-18:30; Sa 10:00-12:00; PH off",
        services=["Aide aux démarches administratives", "Loisirs et créations numériques"],
        publics_specifiquement_adresses=["Seniors"],
        prise_en_charge_specifique=["Surdité"],
        frais_a_charge=["Gratuit"],
        modalites_acces=["Se présenter", "Téléphoner"],
        modalites_accompagnement=["Accompagnement individuel"],
        accessibilite="Entrée de plain-pied.",
        fiche_acces_libre="https://acceslibre.beta.gouv.fr/app/erp/quincaillerie/",
        prise_rdv="https://rdv.example/quincaillerie",
        accepte_pass_numerique=True,
        date_maj=date(2026, 3, 2),
    )


def url(lieu) -> str:
    return reverse("structures_public:lieu", kwargs={"ref": lieu.identifiant})


def compact(response) -> str:
    return " ".join(response.content.decode().split())


# --- detail -----------------------------------------------------------------------------------


def test_la_fiche_d_un_lieu(client, quincaillerie, settings):
    response = client.get(url(quincaillerie))
    assert response.status_code == 200
    assert url(quincaillerie) == "/lieux/quincaillerie-23/"
    assertContains(response, '<h1 id="titre-lieu">Tiers-lieu La Quincaillerie</h1>', html=True)
    assertContains(response, "Tiers lieu &amp; coworking · Associations")
    assertContains(response, "3 avenue de la Sénatorerie")
    assertContains(response, "Rez-de-chaussée")
    # Opening hours in plain French.
    assertContains(response, "<li>Lundi au vendredi : 9 h – 12 h 30, 14 h – 18 h 30</li>", html=True)
    assertContains(response, "<li>Samedi : 10 h – 12 h</li>", html=True)
    assertContains(response, "<li>Fermé les jours fériés</li>", html=True)
    # Contact.
    assertContains(response, '<a href="tel:+33536490001">05 36 49 00 01</a>', html=True)
    assertContains(response, '<a href="mailto:ateliers@quincaillerie.example">ateliers@quincaillerie.example</a>')
    assertContains(response, 'href="https://quincaillerie.example/"')
    assertContains(response, 'href="https://rdv.example/quincaillerie" rel="noopener">Prendre rendez-vous en ligne')
    assertContains(response, "Se présenter")
    # Services, publics, accessibility.
    assertContains(response, "<li>Aide aux démarches administratives</li>", html=True)
    assertContains(response, "<li>Seniors</li>", html=True)
    assertContains(response, "<li>Surdité</li>", html=True)
    assertContains(response, "Frais à charge : Gratuit.")
    assertContains(response, "Entrée de plain-pied.")
    assertContains(response, 'href="https://acceslibre.beta.gouv.fr/app/erp/quincaillerie/"')
    assertContains(response, "Accepte le Pass numérique")
    assertContains(response, "mises à jour le 2 mars 2026")
    # A small map, labelled, configured by data attributes.
    html = compact(response)
    assert 'aria-label="Plan : position de Tiers-lieu La Quincaillerie" data-carte="lieu"' in html
    assert 'data-lat="46.1705" data-lng="1.8689"' in html
    assert f'data-tuiles-url="{settings.MAP_TILE_URL}"' in html
    assertContains(response, "js/carte.js")
    assertNotContains(response, "markercluster")


def test_la_fiche_par_cle_primaire(client, quincaillerie):
    assert client.get(f"/lieux/{quincaillerie.pk}/").status_code == 200


def test_fiche_minimale_et_horaires_illisibles(client, creuse):
    lieu = LieuFactory(departement=creuse, nom="Lieu sans détails", horaires="sunrise-sunset")
    response = client.get(url(lieu))
    assert response.status_code == 200
    assertContains(response, "Horaires tels que fournis : <code>sunrise-sunset</code>", html=True)
    assertContains(response, "Aucun moyen de contact renseigné.")
    assertContains(response, "Informations d’accessibilité non renseignées")
    assertNotContains(response, 'data-carte="lieu"')
    assertNotContains(response, "leaflet.js")
    sans_horaires = LieuFactory(departement=creuse, nom="Sans horaires")
    assertContains(client.get(url(sans_horaires)), "Horaires non renseignés")


def test_un_lieu_ferme_ou_inconnu_est_404(client, quincaillerie):
    assert client.get("/lieux/inconnu/").status_code == 404
    assert client.get("/lieux/999999/").status_code == 404
    quincaillerie.est_actif = False
    quincaillerie.ferme_le = date(2026, 1, 1)
    quincaillerie.save()
    assert client.get(url(quincaillerie)).status_code == 404
    assert client.get(f"/lieux/{quincaillerie.pk}/").status_code == 404


def test_la_fiche_fait_un_nombre_constant_de_requetes(client, quincaillerie, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        client.get(url(quincaillerie))
    with django_assert_max_num_queries(2):  # by pk: the identifier first, then the key
        client.get(f"/lieux/{quincaillerie.pk}/")


# --- autocomplete -----------------------------------------------------------------------------


def test_suggestions_de_communes(client, creuse):
    response = client.get(reverse("structures_public:communes"), {"q": "gué"})
    assert response.status_code == 200
    communes = response.json()["communes"]
    assert communes[0] == {
        "code_insee": "23096",
        "nom": "Guéret",
        "codes_postaux": ["23000"],
        "departement": "23",
        "departement_nom": "Creuse",
        "libelle": "Guéret (23000)",
    }
    assert [c["nom"] for c in communes] == ["Guéret", "Saint-Sulpice-le-Guérétois"]
    par_code = client.get(reverse("structures_public:communes"), {"q": "2330"}).json()["communes"]
    assert [c["libelle"] for c in par_code] == ["La Souterraine (23300)"]
    assert client.get(reverse("structures_public:communes"), {"q": "g"}).json() == {"communes": []}
    assert client.get(reverse("structures_public:communes")).json() == {"communes": []}
    assert "public" in response["Cache-Control"]


def test_les_suggestions_font_deux_requetes(client, creuse, django_assert_num_queries):
    with django_assert_num_queries(2):  # the communes, then their départements' names
        client.get(reverse("structures_public:communes"), {"q": "saint"})


# --- embeddable map and framing headers -------------------------------------------------------


def test_la_carte_integrable(client, quincaillerie):
    response = client.get(reverse("structures_public:carte_integrable"), {"departement": "23"})
    assert response.status_code == 200
    assert reverse("structures_public:carte_integrable") == "/lieux/carte-integrable/"
    assertContains(response, '<html lang="fr">')
    html = compact(response)
    assert "Lieux de médiation numérique en Creuse </h1>" in html
    assertContains(response, '<main class="ei-integre__main">')
    assertNotContains(response, 'class="ei-header"')  # minimal layout
    assertNotContains(response, "Imprimer cette liste")
    assert 'data-carte="resultats"' in html
    assert 'data-nouvelle-fenetre="1"' in html
    # Links leave the frame, and say so.
    assert f'<a href="{url(quincaillerie)}" target="_blank" rel="noopener">Tiers-lieu La Quincaillerie' in html
    assertContains(response, "(nouvelle fenêtre)")
    assertContains(response, reverse("theme_css", args=["23"]))
    assertContains(response, "GeoNames")
    # The search keeps the embedding site's scope.
    assert '<input type="hidden" name="departement" value="23">' in html


def test_seule_la_carte_integrable_peut_etre_encadree(client, quincaillerie):
    integrable = client.get(reverse("structures_public:carte_integrable"))
    assert "X-Frame-Options" not in integrable
    politique = integrable["Content-Security-Policy"]
    assert re.search(r"frame-ancestors \*(;|$)", politique)
    assert "script-src 'self' 'nonce-" in politique  # the rest of the policy is unchanged
    for page in (reverse("structures_public:recherche"), url(quincaillerie), reverse("accueil")):
        response = client.get(page)
        assert response["X-Frame-Options"] == "DENY", page
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], page


def test_les_pages_publiques_refusent_post(client, quincaillerie):
    for page in (reverse("structures_public:recherche"), url(quincaillerie), reverse("structures_public:communes")):
        assert client.post(page).status_code in (403, 405)  # CSRF first, or method not allowed
