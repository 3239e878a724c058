"""Recording a person: the form, the duplicate page (nothing saved, nothing revealed beyond the
reference, the commune and who follows), linking an existing record, and who may do it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from beneficiaires.models import Beneficiaire, Suivi
from comptes.models import Role
from comptes.tests.factories import DepartementFactory, OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement

from .factories import GUERET, SAINT_FIEL, BeneficiaireFactory, commune

pytestmark = pytest.mark.django_db
LIMOGES = "87085"
URL_CREER = reverse("beneficiaires:creer")
URL_RATTACHER = reverse("beneficiaires:rattacher")


def saisie(**changements) -> dict:
    """A complete, valid submission of the form (as the browser posts it)."""
    donnees = {
        "nom": "Dupont",
        "prenom": "Marie-Hélène",
        "date_naissance": "02/03/1950",
        "commune": GUERET,
        "commune_texte": "Guéret (23000)",
        "telephone": "05 55 12 34 56",
        "email": "",
        "publics": ["senior", "rsa"],
        "sexe": "femme",
        "situation_emploi": "inactif",
        "niveau_etudes": "cite_0_2",
        "handicap": "nsp",
        "pays_tiers": "non",
        "origine_etrangere": "nsp",
        "minorite": "nsp",
        "sans_abri": "non",
        "besoins": ["ordinateur", "demarches"],
        "niveau_autonomie": "2",
        "information_rgpd_le": datetime.date.today().strftime("%d/%m/%Y"),
        "notes": "Préfère être appelée le matin.",
    }
    donnees.update(changements)
    return {k: v for k, v in donnees.items() if v is not None}


@pytest.fixture
def organisme():
    commune(GUERET)  # loads the test communes and the Creuse
    return OrganismePrescripteurFactory(departement=DepartementFactory(code="23"))


@pytest.fixture
def agent(organisme):
    return make_member(Role.AGENT, organisation=organisme)


# --- Creation ----------------------------------------------------------------------------------


def test_the_form_is_grouped_and_warns_about_health_details(client, login, agent):
    response = login(agent).get(URL_CREER)
    assert response.status_code == 200
    html = response.content.decode()
    for legende in ("Identité", "Contact", "Éligibilité", "Indicateurs du Fonds social européen", "Besoins"):
        assert f'<h2 class="h4">{legende}' in html
    assert html.count(">Ne souhaite pas répondre</label>") == 8  # every FSE question
    assert "N’écrivez aucune information de santé" in html
    assert "déduite de la commune de résidence" in html  # zone rurale, explained
    assert f'value="{datetime.date.today():%d/%m/%Y}"' in html  # privacy information: today by default
    assert 'type="radio"' in html and 'type="checkbox"' in html


def test_an_agent_records_a_person(client, login, agent, organisme):
    response = login(agent).post(URL_CREER, saisie())
    beneficiaire = Beneficiaire.objects.get()
    assertRedirects(response, reverse("beneficiaires:fiche", args=[beneficiaire.pk]), fetch_redirect_response=False)
    assert (beneficiaire.nom, beneficiaire.prenom) == ("Dupont", "Marie-Hélène")
    assert beneficiaire.date_naissance == datetime.date(1950, 3, 2)
    assert beneficiaire.commune.code_insee == GUERET and beneficiaire.zone_rurale is False
    assert beneficiaire.telephone == "+33555123456"
    assert beneficiaire.publics == ["rsa", "senior"]
    assert beneficiaire.besoins == ["ordinateur", "demarches"] and beneficiaire.niveau_autonomie == 2
    assert beneficiaire.departement.code == "23" and beneficiaire.cree_par == agent.user
    assert list(beneficiaire.suivis.values_list("organisme", "origine")) == [(organisme.pk, "creation")]
    evenement = Evenement.objects.get(action=Action.BENEFICIAIRE_CREE)
    assert evenement.target_repr == beneficiaire.pseudonyme and "Dupont" not in str(evenement.details)
    message = client.get(reverse("beneficiaires:fiche", args=[beneficiaire.pk])).content.decode()
    assert f"est enregistrée (référence {beneficiaire.pseudonyme})" in message


def test_a_rural_commune_is_derived(client, login, agent):
    login(agent).post(URL_CREER, saisie(commune=SAINT_FIEL, commune_texte="Saint-Fiel"))
    assert Beneficiaire.objects.get().zone_rurale is True


def test_the_commune_may_be_typed_without_javascript(client, login, agent):
    login(agent).post(URL_CREER, saisie(commune="", commune_texte="23000 Guéret"))
    assert Beneficiaire.objects.get().commune.code_insee == GUERET


def test_a_referent_records_too(client, login, organisme):
    referente = make_member(Role.REFERENT, organisation=organisme)
    response = login(referente).post(URL_CREER, saisie())
    assert response.status_code == 302 and Beneficiaire.objects.count() == 1


@pytest.mark.parametrize("role", [Role.COORDINATEUR, Role.LECTEUR, Role.RESPONSABLE, Role.MEDIATEUR])
def test_only_prescribers_record(client, login, organisme, role):
    membre = make_member(role, departement=organisme.departement)
    c = login(membre)
    assert c.get(URL_CREER).status_code == 403
    assert c.post(URL_CREER, saisie()).status_code == 403
    assert Beneficiaire.objects.count() == 0


# --- Duplicates --------------------------------------------------------------------------------


@pytest.fixture
def existante():
    """Marie-Hélène Dupont, born 02/03/1950, followed by another CCAS of the Creuse."""
    autre = OrganismePrescripteurFactory(departement=DepartementFactory(code="23"), nom="CCAS de Bourganeuf")
    return BeneficiaireFactory(
        nom="Dupont",
        prenom="Marie-Hélène",
        date_naissance=datetime.date(1950, 3, 2),
        commune=commune(SAINT_FIEL),
        telephone="+33612345678",
        email="mh.dupont@exemple.fr",
        notes="Vit seule, fille à Lyon",
        publics=["aah"],
        organisme=autre,
    )


@pytest.mark.parametrize(
    "nom, prenom",
    [("Dupont", "Marie-Hélène"), ("DUPONT", "marie helene"), ("dupont", "Marie Helene"), (" Du-pont ", "MARIEHÉLÈNE")],
)
def test_the_same_person_shows_the_duplicate_page(client, login, agent, existante, nom, prenom):
    response = login(agent).post(URL_CREER, saisie(nom=nom, prenom=prenom, date_naissance="1950-03-02"))
    assert response.status_code == 200
    assertContains(response, "Cette personne est déjà enregistrée")
    assert Beneficiaire.objects.count() == 1 and Suivi.objects.count() == 1  # nothing saved
    html = response.content.decode()
    # What the agent typed, and only the existing record's reference, commune and followers.
    assert nom.strip() in html and prenom in html and "02/03/1950" in html
    assert existante.pseudonyme in html and "Saint-Fiel" in html
    depuis = timezone.localtime(existante.suivis.get().cree_le)  # shown in Europe/Paris
    assert "CCAS de Bourganeuf" in html and f"depuis le {depuis:%d/%m/%Y}" in html
    for secret in ("06 12 34 56 78", "+33612345678", "mh.dupont@exemple.fr", "Vit seule", "AAH", "Lyon"):
        assert secret not in html
    assert reverse("beneficiaires:fiche", args=[existante.pk]) not in html
    assert f'action="{URL_RATTACHER}"' in html and 'value="1950-03-02"' in html
    assert URL_CREER in html  # a way back
    consultation = Evenement.objects.get(action=Action.BENEFICIAIRE_CONSULTE)
    assert consultation.details == {"vue": "doublon"} and consultation.target_id == str(existante.pk)


def test_another_birth_date_is_another_person(client, login, agent, existante):
    response = login(agent).post(URL_CREER, saisie(date_naissance="03/03/1950"))
    assert response.status_code == 302 and Beneficiaire.objects.count() == 2


def test_the_same_person_in_another_departement_is_not_a_duplicate(client, login, existante):
    limousin = OrganismePrescripteurFactory(departement=commune(LIMOGES).departement)
    agent_87 = make_member(Role.AGENT, organisation=limousin)
    response = login(agent_87).post(URL_CREER, saisie(commune=LIMOGES, commune_texte="Limoges"))
    assert response.status_code == 302
    nouvelle = Beneficiaire.objects.exclude(pk=existante.pk).get()
    assert nouvelle.departement.code == "87" and nouvelle.cle_doublon == existante.cle_doublon


def test_an_anonymised_record_is_not_a_duplicate(client, login, agent, existante):
    Beneficiaire.objects.filter(pk=existante.pk).update(anonymise_le=datetime.datetime.now(datetime.UTC))
    assert login(agent).post(URL_CREER, saisie()).status_code == 302


def test_the_duplicate_page_of_a_record_already_followed_opens_it(client, login, existante):
    agent = make_member(Role.AGENT, organisation=existante.suivis.get().organisme)
    response = login(agent).post(URL_CREER, saisie())
    assertContains(response, "Votre organisme suit déjà cette personne")
    assertContains(response, reverse("beneficiaires:fiche", args=[existante.pk]))
    assertNotContains(response, URL_RATTACHER)


# --- Linking -----------------------------------------------------------------------------------


def test_linking_the_existing_record(client, login, agent, organisme, existante):
    c = login(agent)
    response = c.post(URL_RATTACHER, {"nom": "DUPONT", "prenom": "marie-helene", "date_naissance": "1950-03-02"})
    assertRedirects(response, reverse("beneficiaires:fiche", args=[existante.pk]), fetch_redirect_response=False)
    suivi = Suivi.objects.get(beneficiaire=existante, organisme=organisme)
    assert suivi.origine == Suivi.Origine.RATTACHEMENT and suivi.cree_par == agent.user
    evenement = Evenement.objects.get(action=Action.BENEFICIAIRE_RATTACHE)
    assert evenement.target_repr == existante.pseudonyme
    html = c.get(response.url).content.decode()
    assert f"Votre organisme suit désormais la fiche {existante.pseudonyme}" in html
    assert "mh.dupont@exemple.fr" in html  # now in sight
    # Linking twice changes nothing.
    c.post(URL_RATTACHER, {"nom": "Dupont", "prenom": "Marie-Hélène", "date_naissance": "02/03/1950"})
    assert Suivi.objects.filter(beneficiaire=existante).count() == 2
    assert Evenement.objects.filter(action=Action.BENEFICIAIRE_RATTACHE).count() == 1


@pytest.mark.parametrize(
    "donnees",
    [
        {"nom": "Dupont", "prenom": "Marie-Hélène", "date_naissance": "1950-03-03"},  # wrong birth date
        {"nom": "Dupond", "prenom": "Marie-Hélène", "date_naissance": "1950-03-02"},  # wrong name
        {"nom": "Dupont", "prenom": "Marie-Hélène", "date_naissance": "pas une date"},
        {"nom": "Dupont", "prenom": "Marie-Hélène"},
        {"pk": "1"},  # never by record number
    ],
)
def test_linking_needs_the_exact_identity(client, login, agent, organisme, existante, donnees):
    c = login(agent)
    response = c.post(URL_RATTACHER, donnees)
    assertRedirects(response, URL_CREER, fetch_redirect_response=False)
    assert not Suivi.objects.filter(organisme=organisme).exists()
    assert not Evenement.objects.filter(action=Action.BENEFICIAIRE_RATTACHE).exists()
    html = c.get(URL_CREER).content.decode()
    assert "Aucune fiche du département" in html or "Indiquez le nom, le prénom et la date de naissance" in html
    assert c.get(reverse("beneficiaires:fiche", args=[existante.pk])).status_code == 404


def test_linking_does_not_cross_departements(client, login, existante):
    limousin = OrganismePrescripteurFactory(departement=commune(LIMOGES).departement)
    agent_87 = make_member(Role.AGENT, organisation=limousin)
    login(agent_87).post(URL_RATTACHER, {"nom": "Dupont", "prenom": "Marie-Hélène", "date_naissance": "1950-03-02"})
    assert not Suivi.objects.filter(organisme=limousin).exists()


@pytest.mark.parametrize("role", [Role.COORDINATEUR, Role.LECTEUR, Role.RESPONSABLE, Role.MEDIATEUR])
def test_only_prescribers_link(client, login, existante, role):
    membre = make_member(role, departement=existante.departement)
    c = login(membre)
    donnees = {"nom": "Dupont", "prenom": "Marie-Hélène", "date_naissance": "1950-03-02"}
    assert c.post(URL_RATTACHER, donnees).status_code == 403
    assert c.get(URL_RATTACHER).status_code == 403
    assert Suivi.objects.count() == 1


def test_linking_is_post_only(client, login, agent):
    assert login(agent).get(URL_RATTACHER).status_code == 405
