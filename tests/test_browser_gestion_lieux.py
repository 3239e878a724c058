"""Managing places in a real browser: a coordinator sets a place's position by clicking the map
and saves it; axe-core finds no violation on the list, create, edit, close and history pages.

The coordinator is a factory user logged in through the real form, TOTP step included. Map
tiles are answered locally with a blank image (no network in tests). Screenshots land in
var/screenshots/gestion-lieux-*.png.
"""

import base64
import re

import pytest
from django.urls import reverse

from structures.models import Lieu, SourcePosition
from tests.navigateur import COORDINATRICE_LIEUX, assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A 1×1 light grey PNG, served for every map tile.
TUILE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC")


@pytest.fixture
def csp_errors(csp_errors, page):
    """The shared fixture (tests/conftest.py), map tiles answered locally with TUILE."""
    page.route(
        re.compile(r"^https://[^/]*tile\.openstreetmap\.org/"),
        lambda route: route.fulfill(status=200, content_type="image/png", body=TUILE),
    )
    return csp_errors


def test_placer_le_lieu_en_cliquant_sur_la_carte(live_server, page, csp_errors, lieu):
    log_in(page, live_server.url, COORDINATRICE_LIEUX, totp=True)
    page.goto(live_server.url + reverse("structures_gestion:modifier", args=[lieu.pk]))
    carte = page.get_by_role("region", name="Carte pour placer le lieu")
    carte.locator(".leaflet-marker-icon").wait_for()
    assert page.locator("#id_latitude").input_value() == "46.17"

    boite = carte.bounding_box()
    carte.click(position={"x": boite["width"] / 2 + 80, "y": boite["height"] / 2 - 60})

    latitude = float(page.locator("#id_latitude").input_value())
    longitude = float(page.locator("#id_longitude").input_value())
    assert latitude > 46.17 and longitude > 1.87  # north-east of the previous position
    assert "Position placée : latitude" in page.locator("#carte-position-statut").inner_text()
    screenshot(page, "gestion-lieux-carte")

    page.get_by_role("button", name="Enregistrer les modifications").click()
    page.wait_for_url(live_server.url + reverse("structures_gestion:modifier", args=[lieu.pk]))
    message = page.get_by_role("status").first.inner_text()
    assert "Modifications enregistrées (latitude, longitude, origine de la position)." in message
    lieu.refresh_from_db()
    assert (lieu.latitude, lieu.longitude, lieu.source_position) == (latitude, longitude, SourcePosition.CARTE)
    assert_accessible(page, csp_errors, "la page du lieu après enregistrement")

    # Keyboard: Enter on the focused map places the marker at the map's centre.
    carte.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(800)  # the pan is animated (0.25 s)
    page.keyboard.press("Enter")
    assert float(page.locator("#id_longitude").input_value()) != longitude


def test_sans_javascript_les_champs_suffisent(browser, live_server, lieu):
    contexte = browser.new_context(java_script_enabled=False)
    page = contexte.new_page()
    # The login form and the TOTP step work without JavaScript too.
    log_in(page, live_server.url, COORDINATRICE_LIEUX, totp=True)
    page.goto(live_server.url + reverse("structures_gestion:modifier", args=[lieu.pk]))
    assert not page.get_by_role("region", name="Carte pour placer le lieu").is_visible()

    page.locator("#id_latitude").fill("46,1655")
    page.locator("#id_longitude").fill("1,8702")
    page.get_by_role("button", name="Enregistrer les modifications").click()

    assert "Modifications enregistrées" in page.get_by_role("status").first.inner_text()
    lieu.refresh_from_db()
    assert (lieu.latitude, lieu.longitude, lieu.source_position) == (46.1655, 1.8702, SourcePosition.CARTE)
    contexte.close()


PAGES = {
    "liste": ("structures_gestion:liste", False),
    "creer": ("structures_gestion:creer", False),
    "modifier": ("structures_gestion:modifier", True),
    "fermer": ("structures_gestion:fermer", True),
    "historique": ("structures_gestion:historique", True),
}


@pytest.mark.parametrize("nom", list(PAGES))
def test_les_pages_de_gestion_sont_accessibles(live_server, page, csp_errors, lieu, nom):
    url_name, avec_lieu = PAGES[nom]
    log_in(page, live_server.url, COORDINATRICE_LIEUX, totp=True)
    page.goto(live_server.url + reverse(url_name, args=[lieu.pk] if avec_lieu else []))
    assert page.locator("h1").count() == 1
    if nom in ("modifier", "creer"):
        page.locator("#carte-position.leaflet-container").wait_for()
    assert_accessible(page, csp_errors, f"la page « {nom} »", capture=f"gestion-lieux-{nom}")


def test_les_erreurs_du_formulaire_sont_accessibles(live_server, page, csp_errors, lieu):
    log_in(page, live_server.url, COORDINATRICE_LIEUX, totp=True)
    page.goto(live_server.url + reverse("structures_gestion:creer"))
    page.locator("#id_code_postal").fill("2300")
    page.locator("#id_telephone").fill("12")
    page.locator("#id_latitude").fill("95")
    page.locator("#id_longitude").fill("1,8")
    page.get_by_role("button", name="Créer le lieu").click()

    page.get_by_role("alert").first.wait_for()
    champ = page.locator("#id_telephone")
    assert champ.get_attribute("aria-invalid") == "true"
    assert (
        page.locator(f"#{champ.get_attribute('aria-describedby').split()[-1]}")
        .inner_text()
        .startswith("Numéro de téléphone invalide")
    )
    assert Lieu.objects.count() == 2
    assert_accessible(page, csp_errors, "le formulaire avec des erreurs", capture="gestion-lieux-erreurs")
