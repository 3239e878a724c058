"""The funding report pages in a real browser: axe-core finds no violation (and the CSP none) on
the request form (and its errors), the detail page while the report runs (the progress bar,
refreshed by HTMX) and once ready, the history and the cost lines; the request works with the
keyboard alone. Screenshots land in var/screenshots/rapports-*.png."""

import pytest
from django.urls import reverse

from rapports.models import LigneCout, Rapport
from rapports.services.demandes import demander_rapport
from rapports.tests.factories_demandes import creer_equipe
from tests.navigateur import assert_accessible, log_in_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def creuse(transactional_db):
    return creer_equipe()


def verifier(page, csp_errors, nom: str) -> None:
    assert_accessible(page, csp_errors, nom, capture=f"rapports-{nom}", single_h1=True)


def test_demander_suivre_et_telecharger_un_rapport(live_server, page, csp_errors, creuse):
    log_in_member(page, live_server.url, creuse.coordinatrice)
    page.goto(live_server.url + reverse("rapports:demander"))
    verifier(page, csp_errors, "demander")

    # Errors first: no format.
    for case in page.get_by_role("group", name="Formats").get_by_role("checkbox").all():
        case.uncheck()
    page.get_by_role("button", name="Demander le rapport").click()
    page.get_by_role("alert").first.wait_for()
    assert "Cochez au moins un format." in page.get_by_role("alert").first.inner_text()
    verifier(page, csp_errors, "demander-erreurs")

    # The département's only dispositif is ticked for us, and stays ticked after the errors.
    assert page.get_by_label("Pass Creuse").is_checked()
    # The keyboard alone: tick PDF with Space, send with Enter.
    page.get_by_label("PDF (à signer et transmettre)").focus()
    page.keyboard.press("Space")
    page.get_by_label("Du").fill("2026-01-01")
    page.get_by_role("button", name="Demander le rapport").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Fichiers").wait_for()  # eager: ready at once
    rapport = Rapport.objects.get()
    assert rapport.statut == Rapport.Statut.TERMINE
    verifier(page, csp_errors, "detail-pret")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=f"Télécharger {rapport.fichiers.get().nom}").click()
    assert telechargement.value.suggested_filename == rapport.fichiers.get().nom

    page.goto(live_server.url + reverse("rapports:liste"))
    verifier(page, csp_errors, "historique")


def test_la_barre_de_progression_se_met_a_jour_puis_la_page_se_recharge(live_server, page, csp_errors, creuse):
    rapport = demander_rapport(
        par=creuse.lecteur, dispositifs=[creuse.dispositif], du=creuse.dispositif.debut, au=creuse.dispositif.fin,
        formats=["pdf"],
    )  # fmt: skip
    # Transactional test: the task already ran; put the report back « en cours » to watch it.
    rapport.fichiers.all().delete()
    Rapport.objects.filter(pk=rapport.pk).update(statut="en_cours", progression=30, etape="Chèques")
    log_in_member(page, live_server.url, creuse.lecteur)
    page.goto(live_server.url + reverse("rapports:detail", args=[rapport.pk]))
    assert page.locator("progress").get_attribute("value") == "30"
    verifier(page, csp_errors, "detail-en-cours")

    Rapport.objects.filter(pk=rapport.pk).update(progression=65, etape="Personnes")
    page.get_by_text("Progression : 65 %").wait_for(timeout=6000)  # HTMX polls every 2 s
    assert page.locator("progress").get_attribute("value") == "65"

    Rapport.objects.filter(pk=rapport.pk).update(statut="echec", erreur="Vos droits sur ce dispositif ont été retirés")
    page.get_by_role("button", name="Relancer").wait_for(timeout=6000)  # HX-Refresh: whole page
    assert "Vos droits sur ce dispositif ont été retirés" in page.get_by_role("alert").first.inner_text()
    verifier(page, csp_errors, "detail-echec")


def test_les_lignes_de_cout_sont_accessibles(live_server, page, csp_errors, creuse):
    ligne = LigneCout.objects.create(
        dispositif=creuse.dispositif, libelle="Coordination", montant="1200.00", date=creuse.dispositif.debut
    )
    log_in_member(page, live_server.url, creuse.coordinatrice)
    page.goto(live_server.url + reverse("rapports:couts", args=[creuse.dispositif.pk]))
    verifier(page, csp_errors, "couts")
    page.get_by_label("Libellé").fill("Ingénierie")
    page.get_by_label("Montant (€)").fill("-3")
    page.get_by_role("button", name="Ajouter la ligne").click()
    page.get_by_role("alert").first.wait_for()
    verifier(page, csp_errors, "couts-erreurs")
    page.get_by_label("Montant (€)").fill("850,25")
    page.get_by_label("Date de la dépense").fill(f"{creuse.dispositif.debut:%Y-%m-%d}")
    page.get_by_label("Montant (€)").press("Enter")
    page.get_by_role("cell", name="850,25 €").wait_for()
    assert LigneCout.objects.filter(libelle="Ingénierie").exists()
    page.goto(live_server.url + reverse("rapports:cout_modifier", args=[ligne.pk]))
    verifier(page, csp_errors, "cout-modifier")
    page.goto(live_server.url + reverse("rapports:cout_supprimer", args=[ligne.pk]))
    verifier(page, csp_errors, "cout-supprimer")
