"""The dispositif pages of the Pass numérique in a real browser: axe-core finds no violation (and
the CSP none) on every page a coordinator and a référent open here, confirmation and error
states included. Screenshots land in var/screenshots/pass-dispositifs-*.png.

The coordinatrice logs in through the real form, TOTP step included; the référent with a
password only.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from comptes.models import Role
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from pass_numerique.services import dispositifs as services
from pass_numerique.services.dotations import doter
from pass_numerique.services.generation import generer
from structures.tests.test_gestion_services import charger_departement, equipe, nouveau_lieu
from tests.navigateur import AXE, TELEPHONE, assert_accessible, log_in, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATRICE = "coordinatrice.pass@exemple.test"
REFERENT = "referent.pass@exemple.test"
FINANCEURS = [("FSE+", "60"), ("État", "20"), ("Département", "20")]


@pytest.fixture
def monde(transactional_db):
    creuse = charger_departement("23")
    coord = make_member(Role.COORDINATEUR, organisation=equipe(creuse), email=COORDINATRICE)
    donnees = {
        "nom": "Pass numérique 2026 — réseau Tela",
        "reseau": "Réseau Tela",
        "debut": "2026-01-01",
        "fin": "2027-12-31",
        "validite_fin": "2027-12-31",
        "tolerance_jours": "30",
        "valeur_faciale": "10",
        "tailles_carnet": ["5", "10"],
        "publics": ["rsa", "demandeur_emploi", "senior"],
        "part_cible_prioritaires": "50",
        "budget": "150000",
    }
    dispositif = services.creer_dispositif(par=coord, donnees=donnees, financeurs=FINANCEURS)
    lieu = nouveau_lieu(creuse, nom="Médiathèque de Guéret")
    services.decider_qualification(par=coord, dispositif=dispositif, lieu=lieu, statut="qualifie", motif="Convention")
    candidat = nouveau_lieu(creuse, nom="Tiers-lieu de Bourganeuf", commune="Bourganeuf")
    services.decider_qualification(
        par=coord, dispositif=dispositif, lieu=candidat, statut="candidat", motif="Demande reçue"
    )
    ccas = OrganismePrescripteurFactory(departement=creuse, nom="CCAS de Guéret")
    msa = OrganismePrescripteurFactory(departement=creuse, nom="MSA du Limousin")
    OrganismePrescripteurFactory(departement=creuse, nom="Mission locale de la Creuse")
    for organisme in (ccas, msa):
        services.ajouter_participation(par=coord, dispositif=dispositif, organisme=organisme)
    generer(par=coord, dispositif=dispositif, nb_carnets=12, taille=10)
    doter(par=coord, dispositif=dispositif, organisme=ccas, nb_carnets=4)
    doter(par=coord, dispositif=dispositif, organisme=msa, nb_carnets=1)
    make_member(Role.REFERENT, organisation=ccas, email=REFERENT)
    return {"dispositif": dispositif, "lieu": candidat, "ccas": ccas}


def verifier(page, csp_errors, nom: str) -> None:
    """A screenshot, one h1, no axe violation, no CSP violation."""
    assert_accessible(page, csp_errors, nom, capture=f"pass-dispositifs-{nom}", single_h1=True)


def test_les_pages_du_coordinateur_sont_accessibles(live_server, page, csp_errors, monde):
    dispositif = monde["dispositif"]
    log_in(page, live_server.url, COORDINATRICE, totp=True)

    def aller(nom: str, url_name: str, *args, query: str = "") -> None:
        page.goto(live_server.url + reverse(f"pass_dispositifs:{url_name}", args=args) + query)
        verifier(page, csp_errors, nom)

    aller("liste", "liste")
    aller("creer", "creer")
    aller("detail", "detail", dispositif.pk)
    aller("modifier", "modifier", dispositif.pk)
    aller("lieux", "lieux", dispositif.pk)
    aller("decider", "decider", dispositif.pk, query=f"?lieu={monde['lieu'].pk}")
    aller("prescripteurs", "prescripteurs", dispositif.pk)
    aller("generer", "generer", dispositif.pk)
    aller("doter", "doter", dispositif.pk)
    aller("transferer", "transferer", dispositif.pk)
    aller("clore", "clore", dispositif.pk)

    # The generation's confirmation, then the generation itself.
    aller("generer", "generer", dispositif.pk)
    page.locator("#id_nb_carnets").fill("3")
    page.get_by_label("5 chèques").check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("heading", name="Générer 15 chèques pour « Pass numérique 2026 — réseau Tela » ?").wait_for()
    verifier(page, csp_errors, "generer-confirmer")
    page.get_by_role("button", name="Générer les 15 chèques").click()
    assert "15 chèques générés : 3 carnets de 5" in page.get_by_role("status").first.inner_text()
    verifier(page, csp_errors, "detail-apres-generation")

    # Removing a prescriber asks first.
    aller("prescripteurs", "prescripteurs", dispositif.pk)
    page.get_by_role("button", name="Retirer MSA du Limousin du dispositif").click()
    page.get_by_role(
        "heading", name="Retirer « MSA du Limousin » du dispositif « Pass numérique 2026 — réseau Tela » ?"
    ).wait_for()
    verifier(page, csp_errors, "retirer-prescripteur")

    # A dispositif whose funders do not add up to 100: the errors are announced and linked.
    aller("creer", "creer")
    page.locator("#id_nom").fill("Pass 2027")
    for rang, (nom, part) in enumerate([("FSE+", "60"), ("État", "20"), ("Département", "19,99")], start=1):
        page.locator(f"#id_financeur_{rang}_nom").fill(nom)
        page.locator(f"#id_financeur_{rang}_part").fill(part)
    page.locator("#id_budget").fill("-5")
    page.get_by_role("button", name="Créer le dispositif").click()
    page.get_by_role("alert").first.wait_for()
    assert "totalisent 99,99 %" in page.locator("#financeurs-erreurs").inner_text()
    assert page.locator("#id_budget").get_attribute("aria-invalid") == "true"
    verifier(page, csp_errors, "creer-erreurs")


def test_les_pages_du_stock_du_referent_sont_accessibles(live_server, page, csp_errors, monde):
    log_in(page, live_server.url, REFERENT, totp=False)

    page.goto(live_server.url + reverse("pass_dispositifs:stock"))
    assert "n° 1 à 4" in page.locator("main").inner_text()
    verifier(page, csp_errors, "stock")

    page.get_by_role("link", name="Retourner des carnets au département").click()
    verifier(page, csp_errors, "retourner")
    page.get_by_label("Dispositif").select_option(label="Pass numérique 2026 — réseau Tela")
    page.locator("#id_du").fill("3")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("heading", name="Retourner 2 carnets au département ?").wait_for()
    verifier(page, csp_errors, "retourner-confirmer")
    page.get_by_role("button", name="Retourner les carnets").click()
    assert "2 carnets retournés au département (n° 3 à 4)." in page.get_by_role("status").first.inner_text()
    assert monde["ccas"].carnets.filter(statut="dote").count() == 2
    verifier(page, csp_errors, "stock-apres-retour")


def test_sur_un_telephone_la_page_du_stock_reste_lisible(browser, live_server, monde):
    contexte = browser.new_context(viewport=TELEPHONE)
    page = contexte.new_page()
    page.add_init_script(path=str(AXE))
    log_in(page, live_server.url, REFERENT, totp=False)
    page.goto(live_server.url + reverse("pass_dispositifs:stock"))
    largeur = page.evaluate("() => document.documentElement.scrollWidth")
    assert largeur <= 360, f"la page déborde : {largeur} px"
    screenshot(page, "pass-dispositifs-stock-telephone")
    assert not run_axe(page)
    assert Decimal(monde["dispositif"].valeur_faciale) == Decimal("10")
    contexte.close()
