"""Pass numérique in a real browser: a médiateur redeems a cheque on a phone-sized screen (360 px)
by typing its code on the keyboard, sees the result in words, is refused on the second try with
the date and place of the first, mistypes a code, undoes a redemption; axe-core finds no
violation on any page or result state (redemption, undo, API tokens, opposition, unused value),
and no Content-Security-Policy violation. Screenshots in var/screenshots/pass-encaissement-*.png.
"""

import re

import pytest
from django.urls import reverse

from comptes.models import Role
from comptes.tests.factories import make_member
from pass_numerique.models import Cheque, Encaissement
from pass_numerique.services.expiration import expirer
from pass_numerique.tests.factories import cheques_remis
from pass_numerique.tests.test_encaissement_donnees import dispositif_expire, monde
from tests.navigateur import assert_accessible, log_in, surveiller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAILS = {
    "mediateur": "mediatrice.pass@exemple.test",
    "responsable": "responsable.pass@exemple.test",
    "agent": "agent.pass@exemple.test",
    "coordinateur": "coordinatrice.pass@exemple.test",
}


@pytest.fixture
def m(transactional_db):
    m = monde()
    lieu, organisme = m.lieu, m.organisme
    m.mediateur = make_member(Role.MEDIATEUR, organisation=lieu, email=EMAILS["mediateur"])
    m.responsable = make_member(Role.RESPONSABLE, organisation=lieu, email=EMAILS["responsable"])
    m.agent = make_member(Role.AGENT, organisation=organisme, email=EMAILS["agent"])
    m.coordinateur = make_member(
        Role.COORDINATEUR, organisation=m.coordinateur.organisation, email=EMAILS["coordinateur"]
    )
    return m


def connecter(page, base: str, qui: str) -> None:
    log_in(page, base, EMAILS[qui], totp=qui == "coordinateur")


def accessible(page, erreurs_csp, quoi: str, nom: str) -> None:
    assert_accessible(page, erreurs_csp, quoi, capture=f"pass-encaissement-{nom}", single_h1=True, fits_width=True)


def taper_un_code(page, code: str) -> None:
    champ = page.locator("#id_code")
    champ.click()
    champ.fill("")
    page.keyboard.type(code, delay=15)
    page.keyboard.press("Enter")
    page.locator("[data-resultat]").wait_for()


def test_encaisser_au_clavier_sur_un_telephone(live_server, telephone, m):
    page = telephone
    erreurs = surveiller(page)
    connecter(page, live_server.url, "mediateur")
    page.goto(live_server.url + reverse("pass_encaissement:encaisser"))
    assert page.evaluate("document.activeElement.id") == "id_code"  # ready to type
    assert not page.get_by_role("button", name="Scanner le QR code").is_visible()  # no camera here
    accessible(page, erreurs, "la page d’encaissement", "page")

    code = m.code()
    taper_un_code(page, f"{code[:5].lower()}-{code[5:].lower()}")
    resultat = page.locator("[data-resultat]")
    assert resultat.get_by_role("heading").inner_text().strip() == "Chèque encaissé"
    assert "Chèque accepté : 10,00 €" in resultat.inner_text()
    assert page.evaluate("document.activeElement.id") == "resultat"
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.ENCAISSE
    accessible(page, erreurs, "le résultat « encaissé »", "encaisse")

    # Reloading resends the same form: « encaissé » again, one redemption only.
    page.reload()
    page.locator("[data-resultat]").wait_for()
    assert page.locator("#resultat-titre").inner_text().strip() == "Chèque encaissé"
    assert Encaissement.objects.count() == 1

    taper_un_code(page, code)
    titre = page.locator("#resultat-titre").inner_text().strip()
    assert titre == "Chèque déjà encaissé"
    message = page.locator("#resultat-message").inner_text()
    assert re.search(
        r"encaissé le \d\d/\d\d/\d{4} à \d\d\sh\s\d\d par votre lieu \(« Tiers-lieu La Quincaillerie »\)", message
    )
    accessible(page, erreurs, "le refus « déjà encaissé »", "deja-encaisse")

    taper_un_code(page, code[:9] + ("2" if code[9] != "2" else "3"))
    assert page.locator("#resultat-titre").inner_text().strip() == "Code incorrect"
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    accessible(page, erreurs, "le refus « code incorrect »", "faute-de-frappe")

    page.get_by_role("link", name=re.compile("Annuler l’encaissement du chèque")).click()
    page.wait_for_url("**/annuler/")
    accessible(page, erreurs, "la page d’annulation d’un encaissement", "annuler")
    page.get_by_label("Motif de l’annulation").fill("Erreur de saisie")
    page.get_by_role("button", name="Annuler l’encaissement").click()
    page.wait_for_url(live_server.url + reverse("pass_encaissement:encaisser"))
    assert "peut de nouveau être encaissé" in page.get_by_role("status").first.inner_text()
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.REMIS
    accessible(page, erreurs, "la page d’encaissement après une annulation", "apres-annulation")


def test_les_autres_refus_sont_accessibles(live_server, telephone, m):
    page = telephone
    erreurs = surveiller(page)
    Cheque.objects.filter(pk=m.cheques[1].pk).update(statut=Cheque.Statut.ANNULE)
    connecter(page, live_server.url, "mediateur")
    page.goto(live_server.url + reverse("pass_encaissement:encaisser"))
    taper_un_code(page, m.code(1))
    assert page.locator("#resultat-titre").inner_text().strip() == "Chèque annulé"
    accessible(page, erreurs, "le refus « annulé »", "annule")
    autre = cheques_remis(dispositif_expire())[0]
    taper_un_code(page, autre.code)
    assert page.locator("#resultat-titre").inner_text().strip() == "Chèque non accepté ici"
    accessible(page, erreurs, "le refus « non accepté »", "non-accepte")


def test_les_jetons_d_api(live_server, telephone, m):
    page = telephone
    erreurs = surveiller(page)
    connecter(page, live_server.url, "responsable")
    page.goto(live_server.url + reverse("pass_encaissement:jetons"))
    accessible(page, erreurs, "la liste vide des jetons", "jetons-vide")
    page.get_by_role("link", name="Créer un jeton").click()
    accessible(page, erreurs, "la création d’un jeton", "jeton-creer")
    page.get_by_role("button", name="Créer le jeton").click()
    assert page.locator("#id_nom").get_attribute("aria-invalid") == "true"
    accessible(page, erreurs, "la création d’un jeton avec une erreur", "jeton-erreur")
    page.get_by_label("Nom du jeton").fill("Logiciel de caisse")
    page.get_by_role("button", name="Créer le jeton").click()
    clair = page.locator("[data-jeton-clair]").inner_text().strip()
    assert re.fullmatch(r"ein_[A-Za-z0-9]{40}", clair)
    accessible(page, erreurs, "le jeton créé", "jeton-cree")
    page.get_by_role("link", name="J’ai copié le jeton, revenir à la liste").click()
    accessible(page, erreurs, "la liste des jetons", "jetons")
    page.get_by_role("link", name=re.compile("Révoquer")).click()
    accessible(page, erreurs, "la révocation d’un jeton", "jeton-revoquer")
    page.get_by_role("button", name="Révoquer le jeton").click()
    assert "est révoqué" in page.get_by_role("status").first.inner_text()


def test_l_opposition(live_server, page, m):
    erreurs = surveiller(page)
    connecter(page, live_server.url, "agent")
    page.goto(live_server.url + reverse("pass_encaissement:opposition"))
    accessible(page, erreurs, "la recherche d’un carnet", "opposition")
    page.get_by_label(re.compile("Numéro du carnet")).fill(m.code(2))
    page.get_by_role("button", name="Rechercher").click()
    accessible(page, erreurs, "les résultats de la recherche", "opposition-resultats")
    page.get_by_role("link", name=f"Carnet n° {m.carnet.numero}").click()
    accessible(page, erreurs, "le carnet", "opposition-carnet")
    page.get_by_label("Seulement les chèques cochés").check()
    page.get_by_role("button", name="Vérifier avant l’opposition").click()
    accessible(page, erreurs, "le formulaire d’opposition avec des erreurs", "opposition-erreurs")
    page.get_by_label(f"n° {m.cheques[2].numero_serie}").check()
    page.get_by_label("Motif de l’opposition").fill("Chèque perdu")
    page.get_by_role("button", name="Vérifier avant l’opposition").click()
    accessible(page, erreurs, "la confirmation de l’opposition", "opposition-confirmer")
    page.get_by_role("button", name="Confirmer l’opposition").click()
    assert "mis en opposition" in page.get_by_role("status").first.inner_text()
    assert Cheque.objects.get(pk=m.cheques[2].pk).statut == Cheque.Statut.ANNULE


def test_la_valeur_non_utilisee(live_server, page, m):
    erreurs = surveiller(page)
    cheques_remis(dispositif_expire(departement=m.dispositif.departement))
    expirer()
    connecter(page, live_server.url, "coordinateur")
    page.goto(live_server.url + reverse("pass_encaissement:valeur_non_utilisee"))
    accessible(page, erreurs, "les chèques non utilisés", "valeur-non-utilisee")
