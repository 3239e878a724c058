"""Organismes prescripteurs in a real browser: a coordinator creates one, choosing its commune in
the autocomplete, and lands on the invitation of its référent·e; axe-core finds no violation on
the directory, the create form (also with its errors shown), the edit page (coordinator and
référent·e) and the closing confirmation.

The coordinator is a factory user logged in through the real form, TOTP step included.
Screenshots land in var/screenshots/prescripteurs-*.png.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from comptes.models import Organisation, Role
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from prescripteurs.models import OrganismePrescripteur
from territoires.models import Commune, Departement
from territoires.tests.jeu_de_test import charger_jeu_de_test
from tests.navigateur import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATRICE = "coordinatrice.prescripteurs@exemple.test"
REFERENTE = "referente.prescripteurs@exemple.test"


@pytest.fixture
def organisme(transactional_db) -> OrganismePrescripteur:
    charger_jeu_de_test()
    creuse = Departement.objects.get(code="23")
    equipe = Organisation.objects.create(departement=creuse, type=Organisation.Type.DEPARTEMENT, nom="Équipe Creuse")
    make_member(Role.COORDINATEUR, organisation=equipe, email=COORDINATRICE)
    organisme = OrganismePrescripteurFactory(
        departement=creuse,
        nom="Mission locale de la Creuse",
        type_organisme="mission_locale",
        siret="00000002300028",
        adresse="2 avenue de la République",
        code_postal="23000",
        commune=Commune.objects.get(code_insee="23096"),
        telephone="+33536490102",
        courriel="contact@mission-locale.example",
    )
    make_member(Role.REFERENT, organisation=organisme, email=REFERENTE, first_name="Hélène", last_name="Brunet")
    make_member(Role.AGENT, organisation=organisme)
    OrganismePrescripteurFactory(departement=creuse, nom="CCAS de Sainte-Feyre")
    OrganismePrescripteurFactory(departement=creuse, nom="Ancienne MJC", ferme_le=timezone.now())
    return organisme


def test_creer_un_organisme_puis_inviter_son_referent(live_server, page, csp_errors, organisme):
    log_in(page, live_server.url, COORDINATRICE, totp=True)
    page.goto(live_server.url + reverse("prescripteurs:creer"))
    page.get_by_label("Nom de l’organisme").fill("CCAS de Guéret")
    page.get_by_label("Type d’organisme").select_option("ccas")
    page.get_by_label("SIRET").fill("000 000 023 00010")
    page.get_by_label("Adresse", exact=False).first.fill("9 rue Maurice Rollinat")
    commune = page.get_by_role("combobox", name="Commune")
    commune.fill("Guér")
    page.get_by_role("option", name="Guéret (23000)").wait_for()
    commune.press("ArrowDown")
    commune.press("Enter")
    assert page.locator("input[name=commune]").input_value() == "23096"
    page.get_by_label("Téléphone").fill("05 36 49 01 01")
    page.get_by_role("button", name="Créer l’organisme").click()

    cree = OrganismePrescripteur.objects.get(nom="CCAS de Guéret")
    page.wait_for_url(f"**{reverse('comptes:inviter', args=[cree.pk])}?role=referent")
    assert "Invitez maintenant son ou sa référent·e" in page.get_by_role("status").first.inner_text()
    assert page.get_by_label("Rôle").input_value() == "referent"
    assert (cree.commune.code_insee, cree.code_postal, cree.telephone) == ("23096", "23000", "+33536490101")
    assert_accessible(page, csp_errors, "l’invitation du référent", capture="prescripteurs-inviter", single_h1=True)


PAGES = {
    "liste": ("prescripteurs:liste", False),
    "liste-fermes": ("prescripteurs:liste", False),
    "creer": ("prescripteurs:creer", False),
    "modifier": ("prescripteurs:modifier", True),
    "fermer": ("prescripteurs:fermer", True),
}


@pytest.mark.parametrize("nom", list(PAGES))
def test_les_pages_sont_accessibles(live_server, page, csp_errors, organisme, nom):
    url_name, avec_organisme = PAGES[nom]
    log_in(page, live_server.url, COORDINATRICE, totp=True)
    url = live_server.url + reverse(url_name, args=[organisme.pk] if avec_organisme else [])
    page.goto(url + ("?statut=fermes" if nom == "liste-fermes" else ""))
    assert_accessible(page, csp_errors, f"la page « {nom} »", capture=f"prescripteurs-{nom}", single_h1=True)


def test_le_referent_modifie_sa_fiche(live_server, page, csp_errors, organisme):
    log_in(page, live_server.url, REFERENTE)
    page.goto(live_server.url + reverse("prescripteurs:modifier", args=[organisme.pk]))
    assert page.get_by_role("link", name="Fermer cet organisme").count() == 0
    assert_accessible(page, csp_errors, "la fiche vue par la référente", single_h1=True)
    page.get_by_label("Adresse e-mail de contact").fill("accueil@mission-locale.example")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    assert "Modifications enregistrées (adresse e-mail de contact)." in page.get_by_role("status").first.inner_text()
    organisme.refresh_from_db()
    assert organisme.courriel == "accueil@mission-locale.example"


def test_les_erreurs_du_formulaire_sont_accessibles(live_server, page, csp_errors, organisme):
    log_in(page, live_server.url, COORDINATRICE, totp=True)
    page.goto(live_server.url + reverse("prescripteurs:creer"))
    page.get_by_label("SIRET").fill("123")
    page.get_by_role("combobox", name="Commune").fill("Atlantide")
    page.get_by_label("Téléphone").fill("12")
    page.get_by_role("button", name="Créer l’organisme").click()

    page.get_by_role("alert").first.wait_for()
    assert "L’organisme n’a pas été créé" in page.get_by_role("alert").first.inner_text()
    champ = page.locator("#id_siret")
    assert champ.get_attribute("aria-invalid") == "true"
    erreurs = champ.get_attribute("aria-describedby").split()[-1]
    assert page.locator(f"#{erreurs}").inner_text().startswith("Un SIRET compte 14 chiffres")
    assert page.get_by_role("combobox", name="Commune").get_attribute("aria-invalid") == "true"
    assert OrganismePrescripteur.objects.count() == 3
    assert_accessible(
        page, csp_errors, "le formulaire avec des erreurs", capture="prescripteurs-erreurs", single_h1=True
    )
