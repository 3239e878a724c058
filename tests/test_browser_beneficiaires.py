"""People's records in a real browser: an agent records a person with the keyboard only (the
commune chosen in the autocomplete, the FSE answers with the arrow keys), and axe-core finds no
violation on the list, the form (empty and with errors), the duplicate page, the record as the
agent and as the place see it, and the correction form.

Accounts are factory users logged in through the real form (no TOTP: no coordinator here).
Screenshots land in var/screenshots/beneficiaires-*.png.
"""

import datetime
import re

import pytest
from django.urls import reverse

from beneficiaires.models import Beneficiaire
from beneficiaires.tests.factories import GUERET, BeneficiaireFactory, OrientationFactory, commune
from comptes.models import Role
from comptes.tests.factories import LieuFactory, OrganismePrescripteurFactory, make_member
from tests.navigateur import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENT = "agent.ccas@exemple.test"
FICHE = re.compile(r"/beneficiaires/\d+/$")
MEDIATRICE = "mediatrice@exemple.test"


@pytest.fixture
def monde(transactional_db) -> dict:
    creuse = commune(GUERET).departement
    ccas = OrganismePrescripteurFactory(departement=creuse, nom="CCAS de Guéret")
    lieu = LieuFactory(departement=creuse, nom="Médiathèque de Guéret", latitude=46.17, longitude=1.87, est_actif=True)
    make_member(Role.AGENT, organisation=ccas, email=AGENT)
    make_member(Role.MEDIATEUR, organisation=lieu, email=MEDIATRICE)
    personne = BeneficiaireFactory(
        nom="Martin",
        prenom="Josiane",
        date_naissance=datetime.date(1948, 7, 14),
        telephone="+33555998877",
        notes="Préfère être appelée le matin",
        organisme=ccas,
    )
    OrientationFactory(beneficiaire=personne, lieu=lieu, organisme=ccas)
    for i in range(3):
        BeneficiaireFactory(organisme=ccas, publics=["rsa"] if i else ["senior"])
    # Someone another organisation recorded: the duplicate page shows it.
    BeneficiaireFactory(nom="Dupont", prenom="Marie-Hélène", date_naissance=datetime.date(1950, 3, 2))
    return {"personne": personne, "ccas": ccas, "lieu": lieu}


def tab_jusqu_a(page, identifiant: str, maximum: int = 15) -> None:
    """Press Tab until the element with this id has the focus (keyboard only)."""
    for _ in range(maximum):
        if page.evaluate("document.activeElement.id") == identifiant:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{identifiant} jamais atteint avec Tab")


def test_an_agent_records_a_person_with_the_keyboard(live_server, page, csp_errors, monde):
    log_in(page, live_server.url, AGENT)
    page.goto(live_server.url + reverse("beneficiaires:creer"))
    page.locator("#id_nom").focus()
    clavier = page.keyboard
    clavier.type("Lefèvre")
    clavier.press("Tab")
    clavier.type("Odette")
    clavier.press("Tab")
    clavier.type("02/03/1951")
    clavier.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_commune"
    clavier.type("Guér")
    page.get_by_role("option", name="Guéret").first.wait_for()
    clavier.press("ArrowDown")
    clavier.press("Enter")  # chooses the commune, does not submit
    assert page.locator("input[name=commune]").input_value() == GUERET
    clavier.press("Tab")
    clavier.type("06 12 34 56 78")
    clavier.press("Tab")  # e-mail: left empty
    tab_jusqu_a(page, "id_publics_4")  # senior
    clavier.press("Space")
    # The eight FSE questions: Tab enters each radio group, Space picks the first answer and
    # the arrows move to the wanted one.
    tab_jusqu_a(page, "id_sexe_0")
    for question, rang in (
        ("sexe", 0),  # femme
        ("situation_emploi", 2),  # inactif
        ("niveau_etudes", 3),  # ne souhaite pas répondre
        ("handicap", 1),  # non
        ("pays_tiers", 1),
        ("origine_etrangere", 2),  # ne souhaite pas répondre
        ("minorite", 2),
        ("sans_abri", 1),
    ):
        assert page.evaluate("document.activeElement.name") == question
        clavier.press("Space")
        for _ in range(rang):
            clavier.press("ArrowDown")
        clavier.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_besoins_0"
    clavier.press("Space")  # allumer et utiliser un ordinateur
    tab_jusqu_a(page, "id_information_rgpd_le")  # today, already filled
    clavier.press("Tab")
    clavier.type("Préfère être appelée l’après-midi")
    clavier.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Enregistrer la personne"
    clavier.press("Enter")

    page.wait_for_url(FICHE)
    personne = Beneficiaire.objects.get(nom="Lefèvre")
    assert page.url == live_server.url + reverse("beneficiaires:fiche", args=[personne.pk])
    assert (personne.prenom, personne.date_naissance) == ("Odette", datetime.date(1951, 3, 2))
    assert personne.commune.code_insee == GUERET and personne.telephone == "+33612345678"
    assert personne.publics == ["senior"] and personne.besoins == ["ordinateur"]
    assert (personne.sexe, personne.handicap, personne.pays_tiers) == ("femme", "non", "non")
    assert personne.notes == "Préfère être appelée l’après-midi"
    assert "est enregistrée" in page.get_by_role("status").first.inner_text()
    assert_accessible(page, csp_errors, "la fiche créée", capture="beneficiaires-fiche-creee", single_h1=True)


PAGES_AGENT = {
    "liste": lambda m: reverse("beneficiaires:liste"),
    "liste-recherche": lambda m: reverse("beneficiaires:liste") + "?q=martin&orientation=a_contacter",
    "creer": lambda m: reverse("beneficiaires:creer"),
    "fiche": lambda m: reverse("beneficiaires:fiche", args=[m["personne"].pk]),
    "modifier": lambda m: reverse("beneficiaires:modifier", args=[m["personne"].pk]),
}


@pytest.mark.parametrize("nom", list(PAGES_AGENT))
def test_the_agent_pages_are_accessible(live_server, page, csp_errors, monde, nom):
    log_in(page, live_server.url, AGENT)
    page.goto(live_server.url + PAGES_AGENT[nom](monde))
    assert_accessible(page, csp_errors, f"la page « {nom} »", capture=f"beneficiaires-{nom}", single_h1=True)


def test_the_form_errors_are_accessible(live_server, page, csp_errors, monde):
    log_in(page, live_server.url, AGENT)
    page.goto(live_server.url + reverse("beneficiaires:creer"))
    page.locator("#id_date_naissance").fill("01/01/2190")
    page.locator("#id_telephone").fill("12")
    page.get_by_role("button", name="Enregistrer la personne").click()
    alerte = page.get_by_role("alert").first
    alerte.wait_for()
    assert "La personne n’a pas été enregistrée" in alerte.inner_text()
    champ = page.locator("#id_date_naissance")
    assert champ.get_attribute("aria-invalid") == "true"
    erreur = page.locator(f"#{champ.get_attribute('aria-describedby').split()[-1]}").inner_text()
    assert erreur == "La date de naissance ne peut pas être dans le futur."
    groupe = page.locator("fieldset#id_sexe")
    assert "Choisissez une réponse" in page.locator(f"#{groupe.get_attribute('aria-describedby')}").inner_text()
    assert Beneficiaire.objects.count() == 5
    assert_accessible(
        page, csp_errors, "le formulaire avec des erreurs", capture="beneficiaires-erreurs", single_h1=True
    )
    # The summary's links take the focus to the field.
    alerte.get_by_role("link", name="Téléphone").click()
    assert page.evaluate("location.hash") == "#id_telephone"


def test_the_duplicate_page_is_accessible_and_links_the_record(live_server, page, csp_errors, monde):
    log_in(page, live_server.url, AGENT)
    page.goto(live_server.url + reverse("beneficiaires:creer"))
    page.locator("#id_nom").fill("DUPONT")
    page.locator("#id_prenom").fill("marie helene")
    page.locator("#id_date_naissance").fill("02/03/1950")
    page.locator("#id_commune").fill("23000 Guéret")
    for question in ("sexe", "situation_emploi", "niveau_etudes", "handicap", "pays_tiers"):
        page.locator(f"input[name={question}][value=nsp]").check()
    for question in ("origine_etrangere", "minorite", "sans_abri"):
        page.locator(f"input[name={question}][value=nsp]").check()
    page.get_by_role("button", name="Enregistrer la personne").click()
    page.get_by_role("heading", name="Cette personne est déjà enregistrée").wait_for()
    assert Beneficiaire.objects.count() == 5
    assert_accessible(page, csp_errors, "la page du doublon", capture="beneficiaires-doublon", single_h1=True)

    page.get_by_role("button", name="Rattacher cette fiche à mon organisme").click()
    page.wait_for_url(FICHE)
    assert "Votre organisme suit désormais la fiche" in page.get_by_role("status").first.inner_text()
    existante = Beneficiaire.objects.get(nom="Dupont")
    assert existante.suivis.filter(organisme=monde["ccas"]).exists()


def test_the_place_sees_a_restricted_record(live_server, page, csp_errors, monde):
    log_in(page, live_server.url, MEDIATRICE)
    page.goto(live_server.url + reverse("beneficiaires:fiche", args=[monde["personne"].pk]))
    texte = page.locator("main").inner_text()
    assert "Josiane MARTIN" in texte and "05 55 99 88 77" in texte
    assert "14/07/1948" not in texte and "appelée le matin" not in texte
    assert_accessible(page, csp_errors, "la fiche vue par le lieu", capture="beneficiaires-fiche-lieu", single_h1=True)
