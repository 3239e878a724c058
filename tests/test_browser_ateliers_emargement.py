"""The roll-call in a real browser, on a phone-sized screen (360 × 740): a médiatrice opens
today's session, marks five people present (the first with the keyboard only: Tab, Space,
Enter) and redeems a cheque for each, sees a cheque of another person refused next to the
person, and checks the counts. axe-core finds no violation and nothing scrolls sideways on every
page of the registrations and the roll-call (roll-call, locked roll-call, registration and
search, new person with errors and duplicate, unregistering). Screenshots in
test-results/ateliers-emargement-*.png."""

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from ateliers.models import Inscription, PresenceCheque, Seance
from ateliers.tests.factories import AtelierFactory, inscrire, personne_du_lieu, seance
from beneficiaires.tests.factories import BeneficiaireFactory, OrientationFactory, commune
from comptes.models import Role
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from pass_numerique.models import Cheque
from pass_numerique.tests.factories import DispositifFactory, cheques_remis, lieu_qualifie
from tests.navigateur import TEST_RESULTS, assert_accessible, log_in, surveiller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "mediatrice.appel@exemple.test"
# pytest-playwright empties test-results/ when any test session starts: EI_CAPTURES puts the
# screenshots elsewhere to keep them.
CAPTURES = Path(os.environ.get("EI_CAPTURES") or TEST_RESULTS)


@pytest.fixture
def monde(transactional_db):
    commune()
    d = DispositifFactory()
    lieu = lieu_qualifie(d, nom="Médiathèque de Guéret")
    organisme = OrganismePrescripteurFactory(departement=d.departement, nom="CCAS de Guéret")
    mediatrice = make_member(Role.MEDIATEUR, organisation=lieu, email=EMAIL)
    atelier = AtelierFactory(lieu=lieu, titre="Premiers pas sur smartphone", accepte_pass=True, capacite=6)
    aujourd_hui = seance(atelier, dans_jours=0, heure=14, mediateurs=[mediatrice.user])
    noms = [("Martin", "Odette"), ("Bernard", "Louis"), ("Petit", "Jeanne"), ("Durand", "Marcel"), ("Roux", "Aline")]
    inscriptions, codes = [], {}
    for nom, prenom in noms:
        personne = personne_du_lieu(lieu, nom=nom, prenom=prenom, organisme=organisme)
        codes[personne.pk] = [c.code for c in cheques_remis(d, taille=5, beneficiaire=personne, organisme=organisme)]
        inscriptions.append(inscrire(aujourd_hui, personne))
    return {"lieu": lieu, "seance": aujourd_hui, "inscriptions": inscriptions, "codes": codes, "organisme": organisme}


@pytest.fixture
def telephone(telephone):
    """The phone-sized page (tests/conftest.py), with its CSP violations in `erreurs_csp`."""
    telephone.erreurs_csp = surveiller(telephone)
    return telephone


def verifier(page, quoi: str, nom: str) -> None:
    assert_accessible(
        page,
        page.erreurs_csp,
        quoi,
        capture=f"ateliers-emargement-{nom}",
        folder=CAPTURES,
        single_h1=True,
        fits_width=True,
    )


def compte(page, quoi: str) -> str:
    return " ".join(page.locator(f'[data-compte="{quoi}"]').inner_text().split())


def test_un_appel_de_cinq_personnes_sur_un_telephone(live_server, telephone, monde):
    page = telephone
    s, inscriptions = monde["seance"], monde["inscriptions"]
    log_in(page, live_server.url, EMAIL)
    url = live_server.url + reverse("ateliers:emargement", args=[s.pk])
    page.goto(url)
    assert compte(page, "presents") == "0 / 5" and compte(page, "cheques") == "0"
    verifier(page, "la page d’émargement", "debut")

    # Keyboard only for the first person: Tab to « Présent·e », Space; Tab to the code, Enter.
    premiere = inscriptions[0]
    page.locator("h1").click()
    bouton = f"#personne-{premiere.pk} button[value=present]"
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector('{bouton}')"):
            break
    else:
        pytest.fail("Le bouton « Présent·e » n’est pas atteint au clavier")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert page.locator(bouton).get_attribute("aria-pressed") == "true"
    champ = f"#code-{premiere.pk}"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector('{champ}')"):
            break
    else:
        pytest.fail("Le champ du code n’est pas atteint au clavier")
    page.keyboard.type(monde["codes"][premiere.beneficiaire_id][0], delay=10)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    resultat = page.locator(f"#resultat-{premiere.pk}")
    assert resultat.get_by_role("heading").inner_text().strip() == "Chèque encaissé"
    assert page.evaluate("document.activeElement.id") == f"resultat-{premiere.pk}"
    verifier(page, "le résultat « encaissé » dans l’appel", "encaisse")

    # A cheque of another person is refused next to the person, nothing redeemed.
    deuxieme = inscriptions[1]
    page.locator(f"#personne-{deuxieme.pk} button[value=present]").click()
    page.wait_for_load_state()
    page.locator(f"#code-{deuxieme.pk}").fill(monde["codes"][inscriptions[2].beneficiaire_id][0])
    page.locator(f"#personne-{deuxieme.pk}").get_by_role("button", name="Encaisser le chèque").click()
    refus = page.locator(f"#resultat-{deuxieme.pk}")
    refus.wait_for()
    assert refus.get_by_role("heading").inner_text().strip() == "Chèque d’une autre personne"
    verifier(page, "un chèque refusé pendant l’appel", "refus")

    # The four others with taps.
    for inscription in inscriptions[1:]:
        page.locator(f"#personne-{inscription.pk} button[value=present]").click()
        page.wait_for_load_state()
        page.locator(f"#code-{inscription.pk}").fill(monde["codes"][inscription.beneficiaire_id][1].lower())
        page.locator(f"#personne-{inscription.pk}").get_by_role("button", name="Encaisser le chèque").click()
        page.locator(f"#resultat-{inscription.pk}").wait_for()
        assert page.locator(f"#resultat-{inscription.pk}-titre").inner_text().strip() == "Chèque encaissé"

    page.goto(url)
    assert compte(page, "presents") == "5 / 5" and compte(page, "cheques") == "5"
    assert Inscription.objects.filter(seance=s, presence="present").count() == 5
    assert PresenceCheque.objects.filter(inscription__seance=s).count() == 5
    assert Cheque.objects.filter(statut=Cheque.Statut.ENCAISSE).count() == 5
    verifier(page, "l’appel terminé", "fin")

    # Walk-ins, then the lock: every change asks for a reason.
    page.get_by_label("Nombre de personnes").fill("2")
    page.get_by_role("button", name="Enregistrer le nombre").click()
    page.wait_for_load_state()
    assert compte(page, "anonymes") == "2"
    Seance.objects.filter(pk=s.pk).update(verrouillee_le=timezone.now())
    page.goto(url)
    assert page.locator(f"#motif-p-{premiere.pk}").is_visible()
    verifier(page, "l’appel verrouillé", "verrouille")


def test_les_pages_d_inscription(live_server, telephone, monde):
    page = telephone
    s = monde["seance"]
    lieu = monde["lieu"]
    orientee = OrientationFactory(lieu=lieu, beneficiaire=BeneficiaireFactory(organisme=monde["organisme"]))
    inscrire(s, personne_du_lieu(lieu, nom="Lambert", prenom="Rose"), statut=Inscription.Statut.ATTENTE)
    log_in(page, live_server.url, EMAIL)
    page.goto(live_server.url + reverse("ateliers:inscrire", args=[s.pk]))
    verifier(page, "la page d’inscription", "inscrire")
    page.get_by_role("button", name=f"Inscrire {orientee.beneficiaire.prenom} {orientee.beneficiaire.nom}").click()
    page.wait_for_load_state()
    assert "est inscrit·e à la séance" in page.get_by_role("status").first.inner_text()
    page.get_by_label("Rechercher une personne que votre lieu accompagne").fill("odette")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state()
    assert page.get_by_text("Odette Martin").is_visible()
    verifier(page, "les résultats de la recherche", "recherche")

    page.goto(live_server.url + reverse("ateliers:nouvelle_personne", args=[s.pk]))
    verifier(page, "le formulaire d’une nouvelle personne", "nouvelle")
    page.get_by_role("button", name="Enregistrer et inscrire").click()
    page.wait_for_load_state()
    assert page.get_by_text("La personne n’a pas été enregistrée").is_visible()
    verifier(page, "le formulaire avec des erreurs", "nouvelle-erreurs")
    deja = BeneficiaireFactory(nom="Garnier", prenom="Paul", date_naissance=datetime.date(1950, 3, 2))
    page.get_by_label("Nom", exact=True).fill("Garnier")
    page.get_by_label("Prénom").fill("Paul")
    page.get_by_label("Date de naissance").fill("02/03/1950")
    page.locator("input[name=commune_texte]").fill("23000 Guéret")
    page.get_by_role("button", name="Enregistrer et inscrire").click()
    page.wait_for_load_state()
    assert page.get_by_text(deja.pseudonyme).is_visible()
    verifier(page, "la page « déjà enregistrée »", "doublon")
    page.get_by_role("button", name="C’est la même personne : l’inscrire").click()
    page.wait_for_load_state()
    assert Inscription.objects.filter(seance=s, beneficiaire=deja).exists()

    page.goto(live_server.url + reverse("ateliers:emargement", args=[s.pk]))
    verifier(page, "l’appel avec une liste d’attente", "attente")
    inscription = monde["inscriptions"][0]
    page.goto(live_server.url + reverse("ateliers:desinscrire", args=[s.pk, inscription.pk]) + "?depuis=emargement")
    verifier(page, "la confirmation de désinscription", "desinscrire")
    page.get_by_role("button", name="Désinscrire").click()
    page.wait_for_load_state()
    assert "est désinscrit·e de la séance" in page.get_by_role("status").first.inner_text()
