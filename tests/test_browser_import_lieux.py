"""Importing places in a real browser: a coordinator uploads a file in the national standard,
reads the preview (rejected rows, then places to create), confirms; axe-core finds no violation
on the upload form, a preview with errors, a preview to confirm, and the result.
"""

import pytest
from django.urls import reverse

from structures.models import Lieu
from structures.tests.data import charger_communes, csv_bytes, ligne_exemple, ligne_gueret
from tests.navigateur import COORDINATRICE_LIEUX, assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, tmp_path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_load_state()


def test_import_parcours_accessible(page, live_server, lieu, csp_errors, tmp_path):
    charger_communes()  # adds Reims, the official example's commune, to the small reference
    log_in(page, live_server.url, COORDINATRICE_LIEUX, totp=True)
    before = Lieu.objects.count()

    page.goto(live_server.url + reverse("structures_import:televerser"))
    assert_accessible(page, csp_errors, "le formulaire d’import")

    # The official example is a place in Reims: outside the coordinator's département, refused.
    upload(page, tmp_path, "exemple.csv", csv_bytes([ligne_exemple()]))
    assert page.get_by_text("Confirmer l’import").count() == 0
    assert "hors du" in page.content()  # the place is in the Marne, outside the Creuse
    assert_accessible(page, csp_errors, "un aperçu avec des lignes refusées")
    screenshot(page, "import-lieux-refus")

    # A place in Guéret: previewed, then created on confirmation.
    upload_page = live_server.url + reverse("structures_import:televerser")
    page.goto(upload_page)
    upload(page, tmp_path, "creuse.csv", csv_bytes([ligne_gueret()]))
    assert_accessible(page, csp_errors, "un aperçu à confirmer")
    screenshot(page, "import-lieux-apercu")
    assert Lieu.objects.count() == before
    page.get_by_role("button", name="Confirmer l’import").click()
    page.wait_for_load_state()
    assert Lieu.objects.count() == before + 1
    assert Lieu.objects.filter(identifiant="gueret-1", nom="Médiathèque du Grand Guéret").exists()
    assert_accessible(page, csp_errors, "la page après l’import")
    assert not csp_errors, csp_errors
