"""Orientations in a real browser: an agent orients a person to a nearby place and prints its
details; the place's médiatrice takes it in charge; the agent sees « Pris·e en charge ». axe-core
finds no violation on the orienter, fiche_orientation, recues, envoyees and refuser pages.

Each person logs in through the real form, in a browser context of their own. Screenshots land in
var/screenshots/orientations-*.png (the slip also as printed).
"""

import re

import pytest
from django.urls import reverse

from beneficiaires.services import orientations as service
from beneficiaires.tests.test_orientations_donnees import autre_personne, orientation, reseau
from comptes.models import Role
from comptes.tests.factories import make_member
from tests.navigateur import assert_accessible, log_in_member, screenshot, surveiller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def r(transactional_db):
    r = reseau()
    # Something in every list: an old orientation (flagged) and a refused one.
    orientation(r, lieu=r.loin, beneficiaire=autre_personne(r, nom="Ancienne", prenom="Alice"), jours=9)
    refusee = orientation(r, lieu=r.loin, beneficiaire=autre_personne(r, nom="Refus", prenom="René"))
    service.refuser(
        par=make_member(Role.MEDIATEUR, organisation=r.loin), orientation=refusee, motif="Complet jusqu’en septembre"
    )
    return r


def ouvrir(browser, base_url: str, membre):
    """A new browser context with `membre` logged in through the login form."""
    page = browser.new_context().new_page()
    page.csp_erreurs = surveiller(page)
    log_in_member(page, base_url, membre)
    return page


def accessible(page, quoi: str) -> None:
    assert_accessible(page, page.csp_erreurs, quoi, single_h1=True)


def test_an_agent_orients_and_the_place_takes_charge(live_server, browser, r):
    base = live_server.url

    # The agent: needs pre-checked from the diagnostic, nearest places first.
    agent = ouvrir(browser, base, r.agent)
    agent.goto(base + reverse("beneficiaires:orienter", args=[r.personne.pk]))
    assert agent.get_by_label("Allumer et utiliser un ordinateur").is_checked()
    assert not agent.get_by_label("Suivre la scolarité des enfants (ENT)").is_checked()
    choix = agent.locator(".ei-choix-lieu__nom")
    assert choix.first.inner_text().startswith("Médiathèque du Fil — à 3,2 km")
    accessible(agent, "la page Orienter")
    screenshot(agent, "orientations-orienter")

    # Changing the needs reloads the list (a GET form).
    agent.get_by_label("Suivre la scolarité des enfants (ENT)").check()
    agent.get_by_role("button", name="Mettre à jour la liste des lieux").click()
    agent.wait_for_url(re.compile(r".*besoins=scolarite.*"))
    assert "Centre social des familles" in agent.locator(".ei-choix-lieux").inner_text()

    # Orient without choosing a place: a French error, linked to the group.
    agent.get_by_role("button", name="Orienter vers ce lieu").click()
    agent.wait_for_load_state()
    assert "Choisissez le lieu vers lequel orienter la personne." in agent.get_by_role("alert").first.inner_text()
    accessible(agent, "la page Orienter avec une erreur")

    agent.get_by_label(re.compile(r"Médiathèque du Fil — à")).check()
    agent.get_by_label("Message au lieu").fill("Préfère être appelée le matin")
    agent.get_by_role("button", name="Orienter vers ce lieu").click()
    agent.wait_for_url(re.compile(r".*/beneficiaires/orientations/\d+/fiche/$"))
    assert "est orienté·e vers « Médiathèque du Fil »" in agent.get_by_role("status").first.inner_text()
    assert agent.get_by_role("button", name="Imprimer la fiche").is_visible()
    accessible(agent, "la fiche d’orientation")
    screenshot(agent, "orientations-fiche")
    agent.emulate_media(media="print")
    assert not agent.locator("header.ei-header").is_visible()
    assert not agent.get_by_role("button", name="Imprimer la fiche").is_visible()
    assert agent.get_by_role("heading", name="Fiche d’orientation vers Médiathèque du Fil").is_visible()
    screenshot(agent, "orientations-fiche-imprimee")
    agent.emulate_media(media="screen")

    # The médiatrice of the place: the orientation waits; she takes it in charge.
    lieu = ouvrir(browser, base, r.mediateur)
    lieu.goto(base + reverse("beneficiaires:orientations_recues"))
    ligne = lieu.get_by_role("row", name=re.compile("Yvette Lachaud"))
    assert "Préfère être appelée le matin" in ligne.inner_text()
    accessible(lieu, "les orientations reçues")
    screenshot(lieu, "orientations-recues")
    ligne.get_by_role("button", name="Prendre en charge Yvette Lachaud").click()
    lieu.wait_for_load_state()
    assert "Yvette Lachaud est pris·e en charge par votre lieu" in lieu.get_by_role("status").first.inner_text()

    # The agent sees the answer.
    agent.goto(base + reverse("beneficiaires:orientations_envoyees"))
    ligne = agent.get_by_role("row", name=re.compile("Yvette Lachaud"))
    assert "Pris·e en charge" in ligne.inner_text()
    assert "Motif du refus : « Complet jusqu’en septembre »" in agent.locator("table").inner_text()
    assert "Sans réponse depuis plus de 8 jours" in agent.locator("table").inner_text()
    accessible(agent, "les orientations envoyées")
    screenshot(agent, "orientations-envoyees")


def test_the_place_refuses_with_a_reason(live_server, browser, r):
    base = live_server.url
    o = orientation(r, beneficiaire=autre_personne(r, nom="Martin", prenom="Marc"))
    lieu = ouvrir(browser, base, r.mediateur)
    lieu.goto(base + reverse("beneficiaires:orientations_recues"))
    lieu.get_by_role("link", name="Refuser l’orientation de Marc Martin").click()
    lieu.wait_for_url(base + reverse("beneficiaires:refuser_orientation", args=[o.pk]))
    accessible(lieu, "la page Refuser")
    lieu.get_by_role("button", name="Refuser l’orientation").click()
    lieu.wait_for_load_state()
    assert lieu.get_by_label("Motif du refus").get_attribute("aria-invalid") == "true"
    accessible(lieu, "la page Refuser avec une erreur")
    screenshot(lieu, "orientations-refuser")
    lieu.get_by_label("Motif du refus").fill("Plus de place avant septembre : orientez vers la médiathèque")
    lieu.get_by_role("button", name="Refuser l’orientation").click()
    lieu.wait_for_url(base + reverse("beneficiaires:orientations_recues"))
    assert "Orientation de Marc Martin refusée" in lieu.get_by_role("status").first.inner_text()
    o.refresh_from_db()
    assert o.statut == "refusee"
