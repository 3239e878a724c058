"""Personal data pages in a real browser: a coordinator reads a record's access log, merges two
records of one person (search, comparison, confirmation), downloads the right-of-access PDF and
erases a record. axe-core finds no violation on any of these pages, errors included.

The coordinator is a factory user logged in through the real form, TOTP step included.
Screenshots land in var/screenshots/rgpd-*.png.
"""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from beneficiaires.models import Beneficiaire
from beneficiaires.services import fiches, fusion
from beneficiaires.tests.factories import BeneficiaireFactory, OrientationFactory, agent_qui_suit
from comptes.models import Role
from comptes.tests.factories import make_member
from journal.models import Action, Evenement
from tests.navigateur import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "coordinatrice.rgpd@exemple.test"
NE_LE = datetime.date(1972, 8, 14)


@pytest.fixture
def monde(transactional_db) -> dict:
    conservee = BeneficiaireFactory(
        nom="Fournier", prenom="Élodie", date_naissance=NE_LE, telephone="", email="", notes="Vient le mardi."
    )
    coordination = make_member(Role.COORDINATEUR, departement=conservee.departement, email=EMAIL)
    agent = agent_qui_suit(conservee)
    OrientationFactory(beneficiaire=conservee, message="Préfère le matin")
    fiches.journaliser_consultation(par=agent, beneficiaire=conservee, vue="fiche")
    fiches.modifier_beneficiaire(par=agent, beneficiaire=conservee, donnees={"notes": "Vient le mardi matin."})
    # An earlier merge: the access log also shows the absorbed record's entries.
    ancienne = BeneficiaireFactory(nom="Fournié", prenom="Elodie", date_naissance=NE_LE)
    fiches.journaliser_consultation(par=agent_qui_suit(ancienne), beneficiaire=ancienne, vue="export_pdf")
    fusion.fusionner(par=coordination, conservee=conservee, absorbee=ancienne)
    doublon = BeneficiaireFactory(
        nom="Fourier", prenom="Elodie", date_naissance=NE_LE, telephone="+33555443322", email="elodie@exemple.test"
    )
    return {"conservee": conservee, "doublon": doublon, "ancienne": ancienne, "coordination": coordination}


def test_journal_des_acces(live_server, page, csp_errors, monde):
    conservee, ancienne = monde["conservee"], monde["ancienne"]
    log_in(page, live_server.url, EMAIL, totp=True)
    page.goto(live_server.url + reverse("beneficiaires:fiche", args=[conservee.pk]))
    page.get_by_role("link", name="Journal des accès").click()
    assert page.locator("h1").inner_text() == f"Journal des accès à la fiche {conservee.pseudonyme}"
    tableau = page.get_by_role("table")
    assert "Vue : Page de la personne" in tableau.inner_text()
    assert f"Ancienne fiche {ancienne.pseudonyme}" in tableau.inner_text()
    assert "Fournier" not in page.locator("main").inner_text()
    assert_accessible(page, csp_errors, "le journal des accès", capture="rgpd-journal-acces")

    page.get_by_label("Entrées affichées").select_option("lectures")
    page.get_by_role("button", name="Filtrer").click()
    assert "Fiche bénéficiaire corrigée" not in page.get_by_role("table").inner_text()
    assert_accessible(page, csp_errors, "le journal des accès filtré")


def test_fusionner_deux_fiches(live_server, page, csp_errors, monde):
    conservee, doublon = monde["conservee"], monde["doublon"]
    log_in(page, live_server.url, EMAIL, totp=True)
    page.goto(live_server.url + reverse("beneficiaires:fusionner", args=[conservee.pk]))
    # Without a search: the records that look alike (same birth date or name).
    assert doublon.pseudonyme in page.get_by_role("table").inner_text()
    assert_accessible(page, csp_errors, "les suggestions de fusion")

    page.get_by_label("Nom et prénom, ou référence de l’autre fiche").fill("fourier élodie")
    page.get_by_role("button", name="Chercher").click()
    assert "1 fiche correspondant à « fourier élodie »" in page.get_by_role("table").inner_text()
    assert_accessible(page, csp_errors, "la recherche de l’autre fiche", capture="rgpd-fusion-recherche")

    page.get_by_role("link", name=f"Comparer la fiche {doublon.pseudonyme}").click()
    assert page.locator("h1").inner_text() == f"Fusionner les fiches {conservee.pseudonyme} et {doublon.pseudonyme} ?"
    assert_accessible(page, csp_errors, "la comparaison des deux fiches", capture="rgpd-fusion-comparaison")

    page.get_by_role("button", name="Fusionner les deux fiches").click()
    page.get_by_role("alert").first.wait_for()
    case = page.get_by_role("checkbox")
    assert case.get_attribute("aria-invalid") == "true"
    assert "Rien n’a été fait" in page.get_by_role("alert").first.inner_text()
    erreur = page.locator(f"#{case.get_attribute('aria-describedby')}").inner_text()
    assert erreur == "Cochez la case pour confirmer la fusion : elle ne peut pas être annulée."
    assert_accessible(page, csp_errors, "la confirmation de fusion avec une erreur", capture="rgpd-fusion-erreur")
    doublon.refresh_from_db()
    assert not doublon.est_fusionne

    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Fusionner les deux fiches").click()
    page.wait_for_url(live_server.url + reverse("beneficiaires:fiche", args=[conservee.pk]))
    assert "Les fiches sont fusionnées" in page.get_by_role("status").first.inner_text()
    doublon.refresh_from_db()
    assert doublon.fusionne_dans_id == conservee.pk
    assert Beneficiaire.objects.get(pk=conservee.pk).telephone == "+33555443322"


def test_telecharger_le_pdf_du_droit_d_acces(live_server, page, csp_errors, monde):
    conservee = monde["conservee"]
    log_in(page, live_server.url, EMAIL, totp=True)
    page.goto(live_server.url + reverse("beneficiaires:fiche", args=[conservee.pk]))
    with page.expect_download() as attente:
        page.get_by_role("link", name="Exporter ses données (PDF)").click()
    telechargement = attente.value
    assert telechargement.suggested_filename == f"donnees-personnelles-{conservee.pseudonyme}.pdf"
    with open(telechargement.path(), "rb") as fichier:
        contenu = fichier.read()
    assert contenu.startswith(b"%PDF-")
    lecteur = PdfReader(io.BytesIO(contenu))
    texte = " ".join(" ".join(p.extract_text() for p in lecteur.pages).split())
    for attendu in ("Vos données personnelles", "Fournier", "Élodie", "14/08/1972", "Vient le mardi matin."):
        assert attendu in texte, attendu
    assert Evenement.objects.filter(
        action=Action.BENEFICIAIRE_CONSULTE, target_id=str(conservee.pk), details={"vue": "export_pdf"}
    ).exists()


def test_anonymiser_une_fiche(live_server, page, csp_errors, monde):
    conservee = monde["conservee"]
    log_in(page, live_server.url, EMAIL, totp=True)
    page.goto(live_server.url + reverse("beneficiaires:fiche", args=[conservee.pk]))
    page.get_by_role("link", name="Anonymiser la fiche").click()
    assert page.locator("h1").inner_text() == "Anonymiser la fiche de Élodie Fournier ?"
    assert_accessible(page, csp_errors, "la confirmation d’anonymisation", capture="rgpd-anonymiser")

    page.get_by_role("button", name="Anonymiser la fiche").click()
    page.get_by_role("alert").first.wait_for()
    assert_accessible(page, csp_errors, "la confirmation d’anonymisation avec une erreur")
    assert not Beneficiaire.objects.get(pk=conservee.pk).est_anonymise

    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Anonymiser la fiche").click()
    page.wait_for_url(live_server.url + reverse("beneficiaires:fiche", args=[conservee.pk]))
    assert page.locator("h1").inner_text() == "Personne anonymisée"
    assert "Fournier" not in page.locator("main").inner_text()
    assert_accessible(page, csp_errors, "la fiche anonymisée", capture="rgpd-anonymisee")
    conservee.refresh_from_db()
    assert conservee.est_anonymise and conservee.nom == ""
