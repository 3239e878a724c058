"""The access log of a record (coordinators of the person's département only): who viewed or
changed it and when, in Europe/Paris time, including the records merged into it; paginated,
filtered, at a constant number of queries; reading it shows the pseudonym only and is not journalled."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaires.services import fiches, fusion
from beneficiaires.services.anonymisation import MOTIF_EFFACEMENT, anonymiser
from comptes.models import Role
from comptes.tests.factories import DepartementFactory, make_member
from journal.models import Action, Evenement

from .factories import BeneficiaireFactory, agent_qui_suit

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def b():
    return BeneficiaireFactory(nom="Villemin", prenom="Odette")


@pytest.fixture
def coordination(b):
    return make_member(Role.COORDINATEUR, departement=b.departement, first_name="Claire", last_name="Coord")


def url(b, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("beneficiaires:journal_acces", args=[b.pk]) + (f"?{query}" if query else "")


def lecture(par, b, *, vue: str, quand: datetime.datetime) -> Evenement:
    e = Evenement(
        action=Action.BENEFICIAIRE_CONSULTE,
        actor=par.user,
        organisation=par.organisation,
        departement=b.departement,
        target_type="beneficiaires.beneficiaire",
        target_id=str(b.pk),
        target_repr=b.pseudonyme,
        details={"vue": vue},
        created_at=quand,
    )
    e.save()
    return e


def test_qui_a_vu_la_fiche_quand_et_comment(client, login, b, coordination):
    agent = agent_qui_suit(b)
    agent.user.first_name, agent.user.last_name = "Albert", "Agent"
    agent.user.save()
    lecture(agent, b, vue="fiche", quand=datetime.datetime(2026, 1, 15, 13, 5, tzinfo=UTC))  # winter: UTC+1
    lecture(agent, b, vue="export_pdf", quand=datetime.datetime(2026, 7, 1, 10, 0, tzinfo=UTC))  # summer: UTC+2
    fiches.modifier_beneficiaire(par=agent, beneficiaire=b, donnees={"telephone": "05 55 12 34 56"})

    login(coordination)
    nombre_avant = Evenement.objects.count()
    reponse = client.get(url(b))

    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert f"Journal des accès à la fiche {b.pseudonyme}" in page
    assert "15/01/2026 à 14:05" in page and "01/07/2026 à 12:00" in page
    assert "Albert Agent" in page and agent.organisation.nom in page
    assert "Fiche bénéficiaire consultée" in page
    assert "Vue : Page de la personne" in page and "Vue : Export des données (PDF)" in page
    assert "Fiche bénéficiaire corrigée" in page and "Champs corrigés : téléphone" in page
    assert "3 entrées, les plus récentes d’abord" in page
    # The log names the person by the pseudonym only, and reading it is not journalled.
    assert "Villemin" not in page and "Odette" not in page
    assert Evenement.objects.count() == nombre_avant


def test_les_entrees_des_fiches_fusionnees_sont_incluses(client, login, b, coordination):
    doublon = BeneficiaireFactory(nom="Vilemin", prenom="Odette")
    lecture(agent_qui_suit(doublon), doublon, vue="fiche", quand=datetime.datetime(2025, 3, 2, 9, 0, tzinfo=UTC))
    fusion.fusionner(par=coordination, conservee=b, absorbee=doublon)

    login(coordination)
    page = client.get(url(b)).content.decode()

    assert f"Ce journal comprend aussi les entrées de la fiche fusionnée dans celle-ci : {doublon.pseudonyme}." in page
    assert f"Ancienne fiche {doublon.pseudonyme}" in page
    assert "02/03/2025 à 10:00" in page
    assert f"Fiche {doublon.pseudonyme} réunie dans la fiche {b.pseudonyme}" in page
    # The absorbed record has no page of its own any more: its history is here.
    assert client.get(url(doublon)).status_code == 404


def test_pagination_et_filtre(client, login, b, coordination):
    agent = agent_qui_suit(b)
    debut = datetime.datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
    for i in range(55):
        lecture(agent, b, vue="fiche", quand=debut + datetime.timedelta(hours=i))
    fiches.modifier_beneficiaire(par=agent, beneficiaire=b, donnees={"telephone": "05 55 12 34 56"})

    login(coordination)
    page1 = client.get(url(b)).content.decode()
    assert "56 entrées, les plus récentes d’abord" in page1 and "page 1 sur 2" in page1
    assert "Page suivante" in page1
    page2 = client.get(url(b, page=2)).content.decode()
    assert "page 2 sur 2" in page2 and "01/02/2026 à 09:00" in page2  # the oldest, last

    lectures = client.get(url(b, type="lectures")).content.decode()
    assert "55 entrées" in lectures and "Fiche bénéficiaire corrigée" not in lectures
    ecritures = client.get(url(b, type="ecritures")).content.decode()
    assert "1 entrée," in ecritures and "Champs corrigés : téléphone" in ecritures
    assert "56 entrées" in client.get(url(b, type="inconnu")).content.decode()  # unknown filter: all


def test_nombre_de_requetes_constant(client, login, b, coordination):
    agent = agent_qui_suit(b)
    debut = datetime.datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
    login(coordination)

    def requetes() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(b)).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        lecture(agent, b, vue="fiche", quand=debut + datetime.timedelta(hours=i))
    peu = requetes()
    for i in range(40):
        autre = agent_qui_suit(b) if i % 2 else make_member(Role.AGENT)
        lecture(autre, b, vue="export_json", quand=debut + datetime.timedelta(days=1, hours=i))
    assert requetes() == peu
    assert peu <= 12


def test_une_fiche_anonymisee_garde_son_journal(client, login, b, coordination):
    lecture(agent_qui_suit(b), b, vue="fiche", quand=datetime.datetime(2026, 1, 15, 13, 5, tzinfo=UTC))
    anonymiser(par=coordination, beneficiaire=b, motif=MOTIF_EFFACEMENT)
    login(coordination)
    page = client.get(url(b)).content.decode()
    assert "Personne anonymisée le" in page
    assert "Bénéficiaire anonymisé·e" in page and "Demande d’effacement de la personne" in page
    assert "15/01/2026 à 14:05" in page


def test_la_tache_de_conservation_apparait_comme_systeme(client, login, b, coordination):
    from beneficiaires import evenements

    evenements.beneficiaire_anonymise(par=None, beneficiaire=b, motif="conservation")
    login(coordination)
    page = client.get(url(b)).content.decode()
    assert "Système (tâche automatique)" in page and "Règle de conservation (inactivité)" in page


# --- Who may read it ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LECTEUR, Role.AGENT, Role.REFERENT, Role.RESPONSABLE, Role.MEDIATEUR])
def test_seule_la_coordination_lit_le_journal(client, login, b, role):
    if role in (Role.AGENT, Role.REFERENT):
        membre = agent_qui_suit(b, role)
    else:
        membre = make_member(role, departement=b.departement)
    login(membre)
    assert client.get(url(b)).status_code == 403


def test_coordination_d_un_autre_departement_404(client, login, b):
    login(make_member(Role.COORDINATEUR, departement=DepartementFactory(code="87")))
    assert client.get(url(b)).status_code == 404


def test_anonyme_vers_la_connexion(client, b):
    reponse = client.get(url(b))
    assert reponse.status_code == 302 and reverse("account_login") in reponse["Location"]


def test_lecture_seule(client, login, b, coordination):
    login(coordination)
    assert client.post(url(b)).status_code == 405
