"""A person's page and its correction: who sees what (404 out of sight, a place sees
CHAMPS_LIEU only, the lecteur reads), every view journalled without a name, the buttons each
role gets, an anonymised record, and the correction form."""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from beneficiaires import rules
from beneficiaires.models import Beneficiaire
from beneficiaires.views.fiches import VueDuLieu
from comptes.models import Role
from comptes.tests.factories import DepartementFactory, EquipeDepartementaleFactory, make_member
from journal.models import Action, Evenement

from .factories import SAINT_FIEL, BeneficiaireFactory, OrientationFactory, agent_qui_suit, commune
from .test_fiches_creer import saisie

pytestmark = pytest.mark.django_db
LIMOGES = "87085"


def url(nom: str, beneficiaire) -> str:
    return reverse(f"beneficiaires:{nom}", args=[beneficiaire.pk])


@pytest.fixture
def personne():
    return BeneficiaireFactory(
        nom="Martin",
        prenom="Josiane",
        date_naissance=datetime.date(1948, 7, 14),
        commune=commune(),
        telephone="+33555998877",
        email="josiane.martin@exemple.fr",
        notes="Appeler après 14 h",
        publics=["aah", "senior"],  # the order of the list, as the form gives it
        handicap="oui",
        pays_tiers="non",
        besoins=["visio", "securite"],
    )


@pytest.fixture
def equipe_creuse(personne):
    return EquipeDepartementaleFactory(departement=personne.departement)


def consultations():
    return Evenement.objects.filter(action=Action.BENEFICIAIRE_CONSULTE)


# --- The full page -----------------------------------------------------------------------------


def test_the_agent_who_follows_sees_everything_and_the_view_is_journalled(client, login, personne):
    agent = agent_qui_suit(personne)
    response = login(agent).get(url("fiche", personne))
    assert response.status_code == 200
    html = response.content.decode()
    for visible in (
        "Josiane MARTIN",
        "14/07/1948",
        "Guéret",
        "05 55 99 88 77",
        "josiane.martin@exemple.fr",
        "Appeler après 14 h",
        "Senior",
        "Bénéficiaire de l’AAH",
        "Faire une visio avec ses proches",
        "Utilise un appareil avec l’aide d’un proche",
        personne.pseudonyme,
        agent.organisation.nom,
        "Indicateurs du Fonds social européen",
        "Ressortissant·e de pays tiers",
    ):
        assert visible in html, visible
    for action in ("modifier", "orienter", "export_pdf", "export_json"):
        assert url(action, personne) in html, action
    for reserve in ("journal_acces", "fusionner", "anonymiser"):
        assert url(reserve, personne) not in html, reserve

    entree = consultations().get()
    assert (entree.actor, entree.organisation_id) == (agent.user, agent.organisation_id)
    assert (entree.target_type, entree.target_id) == ("beneficiaires.beneficiaire", str(personne.pk))
    assert entree.details == {"vue": "fiche"} and entree.target_repr == personne.pseudonyme
    assert entree.departement == personne.departement


def test_every_view_is_journalled_and_the_journal_never_holds_the_name(client, login, personne):
    c = login(agent_qui_suit(personne))
    for _ in range(3):
        c.get(url("fiche", personne))
    assert consultations().count() == 3
    for entree in Evenement.objects.all():
        texte = f"{entree.target_repr} {entree.details}"
        for personnel in ("Martin", "Josiane", "1948", "josiane.martin", "555998877"):
            assert personnel not in texte


def test_a_coordinator_sees_the_whole_departement_with_the_coordination_buttons(client, login, personne, equipe_creuse):
    coordinatrice = make_member(Role.COORDINATEUR, organisation=equipe_creuse)
    response = login(coordinatrice).get(url("fiche", personne))
    assert response.status_code == 200
    html = response.content.decode()
    assert "josiane.martin@exemple.fr" in html
    for action in ("modifier", "journal_acces", "fusionner", "anonymiser", "export_pdf", "export_json"):
        assert url(action, personne) in html, action
    assert url("orienter", personne) not in html  # coordinators do not meet people
    assert consultations().get().actor == coordinatrice.user


def test_a_lecteur_reads_without_any_button(client, login, personne, equipe_creuse):
    lecteur = make_member(Role.LECTEUR, organisation=equipe_creuse)
    c = login(lecteur)
    response = c.get(url("fiche", personne))
    assert response.status_code == 200 and "josiane.martin@exemple.fr" in response.content.decode()
    for action in ("modifier", "orienter", "journal_acces", "fusionner", "anonymiser", "export_pdf"):
        assertNotContains(response, url(action, personne))
    assert consultations().get().actor == lecteur.user
    assert c.get(url("modifier", personne)).status_code == 403
    assert c.get(reverse("beneficiaires:creer")).status_code == 403


# --- Out of sight --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.AGENT, Role.REFERENT])
def test_another_organisation_gets_404_and_nothing_is_journalled(client, login, personne, role):
    autre = make_member(role, departement=personne.departement)
    c = login(autre)
    assert c.get(url("fiche", personne)).status_code == 404
    assert c.get(url("modifier", personne)).status_code == 404
    assert c.post(url("modifier", personne), saisie()).status_code == 404
    assert not consultations().exists()
    personne.refresh_from_db()
    assert personne.nom == "Martin"


def test_another_departement_gets_404(client, login, personne):
    coordinatrice_87 = make_member(Role.COORDINATEUR, departement=commune(LIMOGES).departement)
    c = login(coordinatrice_87)
    assert c.get(url("fiche", personne)).status_code == 404
    assert c.get(url("modifier", personne)).status_code == 404


def test_an_unknown_record_is_404(client, login, personne):
    assert login(agent_qui_suit(personne)).get(reverse("beneficiaires:fiche", args=[999999])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_login(client, personne):
    response = client.get(url("fiche", personne))
    assert response.status_code == 302 and reverse("account_login") in response.url


# --- What a place sees ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.RESPONSABLE, Role.MEDIATEUR])
def test_a_place_without_an_orientation_gets_404(client, login, personne, role):
    autre_orientation = OrientationFactory(beneficiaire=personne)
    membre = make_member(role, departement=personne.departement)  # another place
    assert membre.organisation_id != autre_orientation.lieu_id
    assert login(membre).get(url("fiche", personne)).status_code == 404
    assert not consultations().exists()


@pytest.mark.parametrize("role", [Role.RESPONSABLE, Role.MEDIATEUR])
def test_a_place_sees_only_the_fields_it_needs(client, login, personne, role):
    orientation = OrientationFactory(beneficiaire=personne, message="Préfère le matin")
    membre = make_member(role, organisation=orientation.lieu)
    c = login(membre)
    response = c.get(url("fiche", personne))
    assert response.status_code == 200
    html = response.content.decode()
    for visible in ("Josiane", "MARTIN", "Guéret", "05 55 99 88 77", "Faire une visio avec ses proches"):
        assert visible in html, visible
    for cache in (
        "14/07/1948",
        "1948",
        "josiane.martin@exemple.fr",
        "Appeler après 14 h",
        "Senior",
        "AAH",
        "Fonds social européen",
        "Handicap",
        "Ressortissant",
        personne.pseudonyme,
        "autonomie",
        "Utilise un appareil",
        personne.suivis.get().organisme.nom + ", depuis",
    ):
        assert cache not in html, cache
    assert url("modifier", personne) not in html and url("export_pdf", personne) not in html
    assert consultations().get().actor == membre.user
    assert c.get(url("modifier", personne)).status_code == 403


def test_the_place_view_is_built_from_champs_lieu_only():
    assert set(rules.CHAMPS_LIEU) <= {f.name for f in VueDuLieu.__dataclass_fields__.values()}
    personnels = {"date_naissance", "email", "notes", "publics", "pseudonyme", "niveau_autonomie", "handicap"}
    assert not personnels & set(VueDuLieu.__dataclass_fields__)


# --- Anonymised record ---------------------------------------------------------------------------


def test_an_anonymised_record_shows_the_kept_indicators_only(client, login, personne, equipe_creuse):
    from beneficiaires.services.anonymisation import anonymiser

    coordinatrice = make_member(Role.COORDINATEUR, organisation=equipe_creuse)
    anonymiser(par=coordinatrice, beneficiaire=personne, motif="effacement")
    c = login(coordinatrice)
    response = c.get(url("fiche", personne))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Personne anonymisée" in html and personne.pseudonyme in html
    assert "Guéret" in html and "Bénéficiaire de l’AAH" in html and "Indicateurs du Fonds social européen" in html
    for efface in ("Martin", "Josiane", "14/07/1948", "josiane.martin", "Appeler après", "Faire une visio"):
        assert efface not in html, efface
    for action in ("modifier", "fusionner", "anonymiser", "export_pdf"):
        assert url(action, personne) not in html, action
    assert url("journal_acces", personne) in html
    # The correction form of an anonymised record sends back to its page.
    assertRedirects(c.get(url("modifier", personne)), url("fiche", personne), fetch_redirect_response=False)
    # Prescribers no longer see it.
    assert login(agent_qui_suit(personne)).get(url("fiche", personne)).status_code == 404


# --- Correction ----------------------------------------------------------------------------------


def _saisie_de(personne, **changements) -> dict:
    donnees = {
        "nom": personne.nom,
        "prenom": personne.prenom,
        "date_naissance": personne.date_naissance.strftime("%d/%m/%Y"),
        "commune": personne.commune.code_insee,
        "commune_texte": str(personne.commune),
        "telephone": personne.telephone,
        "email": personne.email,
        "publics": personne.publics,
        "sexe": personne.sexe,
        "situation_emploi": personne.situation_emploi,
        "niveau_etudes": personne.niveau_etudes,
        "handicap": personne.handicap,
        "pays_tiers": personne.pays_tiers,
        "origine_etrangere": personne.origine_etrangere,
        "minorite": personne.minorite,
        "sans_abri": personne.sans_abri,
        "besoins": personne.besoins,
        "niveau_autonomie": str(personne.niveau_autonomie),
        "information_rgpd_le": personne.information_rgpd_le.strftime("%d/%m/%Y"),
        "notes": personne.notes,
    }
    return saisie(**(donnees | changements))


def test_the_correction_form_shows_the_record_and_is_journalled(client, login, personne):
    response = login(agent_qui_suit(personne)).get(url("modifier", personne))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Martin"' in html and 'value="14/07/1948"' in html and 'value="05 55 99 88 77"' in html
    assert 'value="23096"' in html and "Appeler après 14 h" in html
    assert consultations().get().details == {"vue": "modifier"}


def test_an_agent_corrects_the_record(client, login, personne):
    c = login(agent_qui_suit(personne))
    response = c.post(
        url("modifier", personne),
        _saisie_de(personne, telephone="06 11 22 33 44", commune=SAINT_FIEL, commune_texte="Saint-Fiel"),
    )
    assertRedirects(response, url("fiche", personne), fetch_redirect_response=False)
    personne.refresh_from_db()
    assert personne.telephone == "+33611223344" and personne.commune.code_insee == SAINT_FIEL
    assert personne.zone_rurale is True
    assert "Modifications enregistrées (téléphone, commune de résidence)." in c.get(response.url).content.decode()
    evenement = Evenement.objects.get(action=Action.BENEFICIAIRE_MODIFIE)
    assert evenement.details == {"champs": ["telephone", "commune"]}


def test_saving_without_change_says_so(client, login, personne):
    c = login(agent_qui_suit(personne))
    response = c.post(url("modifier", personne), _saisie_de(personne))
    assert "Aucune modification" in c.get(response.url).content.decode()
    assert not Evenement.objects.filter(action=Action.BENEFICIAIRE_MODIFIE).exists()


def test_a_coordinator_corrects_any_record_of_the_departement(client, login, personne, equipe_creuse):
    coordinatrice = make_member(Role.COORDINATEUR, organisation=equipe_creuse)
    response = login(coordinatrice).post(url("modifier", personne), _saisie_de(personne, email="j.martin@exemple.fr"))
    assert response.status_code == 302
    personne.refresh_from_db()
    assert personne.email == "j.martin@exemple.fr"


def test_a_correction_that_meets_another_record_is_refused_on_the_form(client, login, personne):
    autre = BeneficiaireFactory(
        nom="Durand", prenom="Paul", date_naissance=datetime.date(1960, 1, 1), organisme=personne.suivis.get().organisme
    )
    response = login(agent_qui_suit(personne)).post(
        url("modifier", personne), _saisie_de(personne, nom="DURAND", prenom="paul", date_naissance="01/01/1960")
    )
    assert response.status_code == 200
    assertContains(response, f"Une autre fiche ({autre.pseudonyme}) porte déjà ce nom")
    personne.refresh_from_db()
    assert personne.nom == "Martin"


def test_a_bad_correction_saves_nothing(client, login, personne):
    avant = Beneficiaire.objects.values().get(pk=personne.pk)
    response = login(agent_qui_suit(personne)).post(
        url("modifier", personne), _saisie_de(personne, telephone="12", email="pas-une-adresse")
    )
    assert response.status_code == 200
    assertContains(response, "Numéro de téléphone invalide")
    assertContains(response, "Adresse e-mail invalide")
    assert Beneficiaire.objects.values().get(pk=personne.pk) == avant


@pytest.mark.parametrize("role", [Role.RESPONSABLE, Role.MEDIATEUR, Role.LECTEUR])
def test_places_and_lecteurs_never_correct(client, login, personne, role):
    orientation = OrientationFactory(beneficiaire=personne)
    organisation = orientation.lieu if role != Role.LECTEUR else None
    membre = make_member(role, organisation=organisation, departement=DepartementFactory(code="23"))
    c = login(membre)
    assert c.get(url("modifier", personne)).status_code == 403
    assert c.post(url("modifier", personne), _saisie_de(personne, nom="Autre")).status_code == 403
    personne.refresh_from_db()
    assert personne.nom == "Martin"
