"""Activity figures and parcours in a real browser: the place's activity page (desktop and
phone width, with a period error), the place's home page with « Ce mois-ci », the parcours page
and the person's page with its « Parcours » block pass axe-core with zero violations and no
Content-Security-Policy error. Screenshots in test-results/ateliers-activite-*.png.
"""

import pytest
from django.urls import reverse

from beneficiaires.tests.factories import agent_qui_suit
from comptes.models import Role
from comptes.tests.factories import make_member
from tests.navigateur import TELEPHONE, TEST_RESULTS, assert_accessible, log_in, surveiller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAILS = {"responsable": "responsable.activite@exemple.test", "agent": "agent.parcours@exemple.test"}


@pytest.fixture
def m(transactional_db):
    from ateliers.tests.test_activite_chiffres import jeu

    m = jeu()
    m.responsable = make_member(Role.RESPONSABLE, organisation=m.lieu, email=EMAILS["responsable"])
    m.personne = m.personnes[0]
    m.agent = make_member(Role.AGENT, organisation=agent_qui_suit(m.personne).organisation, email=EMAILS["agent"])
    return m


def connecter(page, base: str, qui: str) -> None:
    log_in(page, base, EMAILS[qui])


def accessible(page, erreurs_csp, quoi: str, nom: str) -> None:
    assert_accessible(page, erreurs_csp, quoi, capture=f"ateliers-activite-{nom}", folder=TEST_RESULTS, single_h1=True)


def test_la_page_d_activite_et_l_accueil_du_lieu(live_server, page, m):
    erreurs = surveiller(page)
    connecter(page, live_server.url, "responsable")
    assert page.get_by_role("heading", name="Ce mois-ci").is_visible()
    accessible(page, erreurs, "l’accueil du lieu", "accueil-lieu")

    page.get_by_role("link", name="Voir l’activité du lieu mois par mois").click()
    page.locator("#id_du").fill("2025-01")
    page.locator("#id_au").fill("2025-03")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**du=2025-01**")
    total = page.locator("tfoot tr")
    assert total.inner_text().split() == ["Total", "7", "7", "h", "45", "3", "12", "6", "2", "4"]
    page.locator("details summary").click()
    accessible(page, erreurs, "la page d’activité", "page")

    page.goto(live_server.url + reverse("ateliers:activite") + "?du=2025-13&au=2025-03")
    assert "Le mois 13 n’existe pas" in page.locator("main").inner_text()
    assert page.locator("#id_du").get_attribute("aria-invalid") == "true"
    accessible(page, erreurs, "la page d’activité avec une erreur", "erreur")


def test_la_page_d_activite_sur_un_telephone(live_server, telephone, m):
    page = telephone
    erreurs = surveiller(page)
    connecter(page, live_server.url, "responsable")
    assert page.get_by_role("heading", name="Ce mois-ci").is_visible()
    accessible(page, erreurs, "l’accueil du lieu (téléphone)", "accueil-telephone")
    page.goto(live_server.url + reverse("ateliers:activite") + f"?du=2025-01&au=2025-03&mediateur={m.a.user_id}")
    accessible(page, erreurs, "la page d’activité d’un médiateur (téléphone)", "telephone")
    largeur = page.evaluate("document.documentElement.scrollWidth")
    assert largeur <= TELEPHONE["width"], f"défilement horizontal : {largeur} px"


def test_le_parcours_et_la_fiche(live_server, page, m):
    erreurs = surveiller(page)
    connecter(page, live_server.url, "agent")
    page.goto(live_server.url + reverse("beneficiaires:fiche", args=[m.personne.pk]))
    bloc = page.locator("section[aria-labelledby=parcours-titre]")
    assert "a terminé (3 séances)" in bloc.inner_text()
    accessible(page, erreurs, "la fiche avec son parcours", "fiche")

    bloc.get_by_role("link", name="Voir tout le parcours").click()
    page.wait_for_url(f"**{reverse('ateliers:parcours', args=[m.personne.pk])}")
    assert "Sécurité" in page.locator("table").inner_text()
    page.locator("details summary").click()
    accessible(page, erreurs, "la page du parcours", "parcours")
