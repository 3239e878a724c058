"""The public directory in a real browser: a newcomer finds a place near Guéret.

Journey: open /lieux/, type « Guér », pick Guéret from the suggestions with the keyboard, filter
on « Aide aux démarches administratives », see places in the list and markers or clusters on the
map, locate one on the map from the list, print the list (print media emulation), open a detail
page. axe-core (WCAG 2.1 A/AA + best practices) must find nothing on the search, results,
detail and embeddable pages, and the Content-Security-Policy must report nothing.

Tiles are switched off (MAP_TILE_URL empty): no network in tests; we check the map container,
markers and clusters. The browser asks for reduced motion (no fades for axe to catch midway).
Screenshots land in var/screenshots/ (lieux-*.png), for humans.
"""

import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from territoires.tests.jeu_de_test import charger_jeu_de_test
from tests.navigateur import SCREENSHOTS, assert_no_axe_violation, screenshot, surveiller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMARCHES = "Aide aux démarches administratives"
MARQUEURS = "#carte .leaflet-marker-icon"  # single markers and clusters alike


@pytest.fixture
def annuaire(transactional_db, settings):
    charger_jeu_de_test()  # 17 communes, Guéret among them
    call_command("seed_demo", stdout=StringIO())
    settings.MAP_TILE_URL = ""  # no tiles: nothing leaves the machine


@pytest.fixture
def navigateur(page):
    """The page, with axe injected before any script and CSP violations collected."""
    erreurs = surveiller(page)
    page.on("pageerror", lambda exc: erreurs.append(f"erreur JavaScript : {exc}"))
    page.set_viewport_size({"width": 1280, "height": 900})
    # No transitions: axe measures colours mid-fade otherwise (the map honours this setting too).
    page.emulate_media(reduced_motion="reduce")
    page.erreurs = erreurs
    return page


def accessible(page, quoi: str) -> None:
    """Zero axe violation, no CSP violation and no JavaScript error."""
    assert_no_axe_violation(page, quoi)
    assert not page.erreurs, f"erreurs sur {quoi} :\n" + "\n".join(page.erreurs)


def carte_prete(page, selecteur: str = "#carte") -> None:
    page.locator(f'{selecteur}[data-prete="1"]').wait_for(state="attached", timeout=10_000)


def test_un_nouveau_venu_trouve_un_lieu_pres_de_gueret(annuaire, live_server, navigateur):
    page = navigateur
    page.goto(live_server.url + reverse("structures_public:recherche"))
    expect(page.locator("h1")).to_have_text("Trouver un lieu de médiation numérique")
    carte_prete(page)
    accessible(page, "la page de recherche")
    screenshot(page, "lieux-recherche")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Aller au contenu principal"

    # Autocomplete: type, then choose with the keyboard.
    champ = page.get_by_role("combobox", name="Commune, code postal ou nom du lieu")
    champ.click()
    champ.press_sequentially("Guér", delay=60)
    suggestion = page.get_by_role("option", name=re.compile(r"^Guéret \(23000\)"))
    expect(suggestion).to_be_visible()
    expect(champ).to_have_attribute("aria-expanded", "true")
    accessible(page, "les suggestions de communes")
    champ.press("ArrowDown")
    expect(suggestion).to_have_attribute("aria-selected", "true")
    page.screenshot(
        path=str(SCREENSHOTS / "lieux-suggestions.png"), clip={"x": 0, "y": 200, "width": 800, "height": 400}
    )
    expect(champ).to_have_attribute("aria-activedescendant", suggestion.get_attribute("id"))
    champ.press("Enter")  # chooses, does not submit
    expect(champ).to_have_value("Guéret (23000)")
    expect(champ).to_have_attribute("aria-expanded", "false")
    assert page.locator("input[name=autour_de]").input_value() == "23096"
    assert "autour_de" not in page.url

    # Filter on a service, with the keyboard, and search.
    case = page.get_by_label(DEMARCHES)
    case.focus()
    page.keyboard.press("Space")
    expect(case).to_be_checked()
    page.get_by_role("button", name="Rechercher", exact=True).press("Enter")
    page.wait_for_url(re.compile(r"autour_de=23096"))

    # The list: nearest first, with distances.
    titre = page.locator("#titre-resultats")
    expect(titre).to_contain_text("à moins de 30 km de Guéret (23000)")
    resultats = page.locator("#liste-lieux > li")
    assert resultats.count() >= 3
    expect(resultats.first).to_contain_text("à 0,")
    expect(resultats.first).to_contain_text(DEMARCHES)
    expect(resultats.first.locator(".ei-horaires li").first).to_have_text(
        re.compile(r"^(Lundi|Mardi|Mercredi|Jeudi|Vendredi|Samedi)[^:]* : \d+ h")
    )

    # The map: markers and clusters for the same places.
    carte_prete(page)
    expect(page.locator("#carte")).to_have_attribute("aria-label", "Carte des lieux trouvés")
    assert page.locator(MARQUEURS).count() > 0
    nb_marqueurs = int(page.locator("#carte").get_attribute("data-nb-marqueurs"))
    assert nb_marqueurs == int(re.match(r"\s*(\d+)", titre.inner_text()).group(1))
    groupes = page.locator("#carte .ei-groupe")
    assert groupes.count() + page.locator("#carte img.leaflet-marker-icon").count() > 0
    accessible(page, "les résultats")
    screenshot(page, "lieux-resultats")

    # From the list to the map: « Situer sur la carte » opens the place's marker.
    premier = resultats.first.locator("h3").inner_text()
    resultats.first.get_by_role("button", name=re.compile("Situer sur la carte")).click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(premier)
    expect(popup.get_by_role("link", name="Voir la fiche du lieu")).to_be_visible()
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", "Fermer")
    accessible(page, "la bulle d’un lieu sur la carte")

    # Print: a clean handout, without header, filters nor map.
    expect(page.get_by_role("button", name="Imprimer cette liste")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.ei-header")).to_be_hidden()
    expect(page.locator("form.ei-recherche")).to_be_hidden()
    expect(page.locator("#carte")).to_be_hidden()
    expect(page.get_by_role("button", name="Imprimer cette liste")).to_be_hidden()
    expect(resultats.first.locator(".ei-resultat__telephone")).to_be_visible()
    expect(resultats.first.locator(".ei-resultat__horaires")).to_be_visible()
    expect(page.locator(".ei-impression-seule")).to_be_visible()
    screenshot(page, "lieux-impression")
    page.emulate_media(media="screen", reduced_motion="reduce")

    # The detail page.
    resultats.first.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/lieux/[^/]+/$"))
    expect(page.locator("h1")).to_have_text(premier)
    expect(page.locator("main")).to_contain_text("Horaires d’ouverture")
    expect(page.locator("a[href^='tel:']").first).to_be_visible()
    carte_prete(page)
    assert page.locator("#carte .leaflet-marker-icon").count() == 1
    accessible(page, "la fiche d’un lieu")
    screenshot(page, "lieux-fiche")


def test_sans_javascript_le_code_postal_puis_la_commune(annuaire, live_server, browser):
    contexte = browser.new_context(java_script_enabled=False)
    page = contexte.new_page()
    try:
        page.goto(live_server.url + reverse("structures_public:recherche"))
        page.get_by_label("Commune, code postal ou nom du lieu").fill("23000")
        page.get_by_label(DEMARCHES).check()
        page.get_by_role("button", name="Rechercher", exact=True).click()
        expect(page.locator("#titre-communes")).to_contain_text("Plusieurs communes correspondent à « 23000 »")
        page.get_by_role("link", name="Guéret (23000)").click()
        expect(page.locator("#titre-resultats")).to_contain_text("de Guéret (23000)")
        assert page.locator("#liste-lieux > li").count() >= 3
        expect(page.get_by_label(DEMARCHES)).to_be_checked()
        # No empty map box, no button that would do nothing.
        expect(page.locator("#carte")).to_be_hidden()
        expect(page.get_by_role("button", name="Imprimer cette liste")).to_be_hidden()
    finally:
        contexte.close()


def test_la_carte_integrable_dans_un_autre_site(annuaire, live_server, navigateur):
    page = navigateur
    url = live_server.url + reverse("structures_public:carte_integrable") + "?departement=23"
    page.goto(url)
    carte_prete(page)
    assert page.locator(MARQUEURS).count() > 0
    expect(page.locator("h1")).to_contain_text("Lieux de médiation numérique en Creuse")
    accessible(page, "la carte intégrable")
    screenshot(page, "lieux-carte-integrable")

    # Framed by another site: a page served on this machine by another server (so that
    # Chromium's private network protection does not step in). frame-ancestors * and no
    # X-Frame-Options let the map in.
    with site_du_departement(url) as hote:
        page.goto(hote)
        cadre = page.frame_locator("iframe")
        expect(cadre.locator("h1")).to_contain_text("Lieux de médiation numérique en Creuse")
        expect(cadre.locator(MARQUEURS).first).to_be_attached(timeout=10_000)


@contextmanager
def site_du_departement(url_carte: str):
    """A one-page website on 127.0.0.1 that embeds the map with the snippet's <iframe>."""
    page = (
        f'<!DOCTYPE html><html lang="fr"><title>Site du département</title><body>'
        f'<iframe src="{url_carte}" title="Carte des lieux" width="1000" height="800"></iframe></body></html>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    serveur = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    try:
        yield f"http://127.0.0.1:{serveur.server_port}/"
    finally:
        serveur.shutdown()
        serveur.server_close()
