"""The parcours page (`ateliers:parcours`) and the « Parcours » block of a person's page: who sees
what (the prescriber that follows, not another one; a place its own sessions; the département's
staff), the read journalled, pagination, and constant queries."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from beneficiaires.tests.factories import BeneficiaireFactory, OrientationFactory, agent_qui_suit
from comptes.models import Role
from comptes.tests.factories import DepartementFactory, LieuFactory, make_member
from journal.models import Action, Evenement
from pass_numerique.models import Encaissement
from pass_numerique.tests.factories import DispositifFactory, cheques_remis, lieu_qualifie

from ..models import Inscription, PresenceCheque
from ..themes import Theme
from .factories import AtelierFactory, inscrire, personne_du_lieu, seance

pytestmark = pytest.mark.django_db
PRESENT = Inscription.Presence.PRESENT


@pytest.fixture
def m():
    class M:
        pass

    m = M()
    m.dispositif = DispositifFactory()
    m.lieu = lieu_qualifie(m.dispositif, nom="Médiathèque de Guéret")
    m.autre_lieu = lieu_qualifie(m.dispositif, nom="Centre social d’Aubusson")
    m.personne = personne_du_lieu(m.lieu, nom="Martin", prenom="Josiane")
    m.agent = agent_qui_suit(m.personne)
    m.mediatrice = make_member(Role.MEDIATEUR, organisation=m.lieu)
    m.coordinateur = make_member(Role.COORDINATEUR, departement=m.lieu.departement)
    ici = AtelierFactory(lieu=m.lieu, titre="Premiers pas sur smartphone", themes=[Theme.PRISE_EN_MAIN])
    ailleurs = AtelierFactory(lieu=m.autre_lieu, titre="Sécurité en ligne", themes=[Theme.SECURITE])
    m.inscription = inscrire(seance(ici, dans_jours=-12), m.personne, presence=PRESENT)
    inscrire(seance(ailleurs, dans_jours=-5), m.personne, presence=PRESENT)
    inscrire(seance(ici, dans_jours=4), m.personne)
    cheque = cheques_remis(m.dispositif, taille=5, beneficiaire=m.personne)[0]
    m.cheque = cheque
    enc = Encaissement.objects.create(cheque=cheque, lieu=m.lieu, source=Encaissement.Source.EMARGEMENT)
    PresenceCheque.objects.create(inscription=m.inscription, encaissement=enc)
    return m


def url(personne) -> str:
    return reverse("ateliers:parcours", args=[personne.pk])


def test_le_prescripteur_qui_suit_voit_tout_et_la_lecture_est_journalisee(client, login, m):
    response = login(m.agent).get(url(m.personne))
    assert response.status_code == 200
    for texte in (
        "Parcours de Josiane MARTIN",
        "a commencé",
        "Premiers pas sur smartphone",
        "Sécurité en ligne",
        "Médiathèque de Guéret",
        "Centre social d’Aubusson",
        f"n° {m.cheque.numero_serie}",
        m.dispositif.nom,
        "3 inscriptions, les plus récentes d’abord",
        "à venir",
    ):
        assertContains(response, texte)
    evenement = Evenement.objects.get(action=Action.BENEFICIAIRE_CONSULTE)
    assert evenement.details == {"vue": "parcours"}
    assert evenement.actor == m.agent.user and evenement.target_id == str(m.personne.pk)
    assert m.personne.nom not in evenement.target_repr


def test_un_autre_prescripteur_ne_voit_rien(client, login, m):
    autre = make_member(Role.AGENT, departement=m.lieu.departement)
    assert login(autre).get(url(m.personne)).status_code == 404
    assert not Evenement.objects.filter(action=Action.BENEFICIAIRE_CONSULTE).exists()


def test_le_lieu_ne_voit_que_ses_seances(client, login, m):
    response = login(m.mediatrice).get(url(m.personne))
    assert response.status_code == 200
    assertContains(response, "Premiers pas sur smartphone")
    assertContains(response, "Les séances de votre lieu")
    assertNotContains(response, "Sécurité en ligne")
    assertNotContains(response, "Centre social d’Aubusson")
    assertNotContains(response, m.personne.pseudonyme)
    assertContains(response, "2 inscriptions")


def test_un_lieu_qui_ne_connait_pas_la_personne(client, login, m):
    # The other place has a session with the person but never met nor was sent them.
    autre = make_member(Role.RESPONSABLE, organisation=m.autre_lieu)
    assert login(autre).get(url(m.personne)).status_code == 404
    # Once the person is oriented there, the place sees its own session only.
    OrientationFactory(beneficiaire=m.personne, lieu=m.autre_lieu)
    response = login(autre).get(url(m.personne))
    assertContains(response, "Sécurité en ligne")
    assertNotContains(response, "Premiers pas sur smartphone")


def test_la_coordination_et_le_lecteur_voient_tout_pas_un_autre_departement(client, login, m):
    lecteur = make_member(Role.LECTEUR, organisation=m.coordinateur.organisation)
    for par in (m.coordinateur, lecteur):
        response = login(par).get(url(m.personne))
        assertContains(response, "Sécurité en ligne")
        assertContains(response, "Premiers pas sur smartphone")
    etranger = make_member(Role.COORDINATEUR, departement=DepartementFactory(code="87"))
    assert login(etranger).get(url(m.personne)).status_code == 404


def test_anonyme_renvoye_a_la_connexion(client, m):
    response = client.get(url(m.personne))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_pagination_et_requetes_constantes(client, login, m, django_assert_max_num_queries):
    c = login(m.agent)
    with django_assert_max_num_queries(20) as une:
        assert c.get(url(m.personne)).status_code == 200
    atelier = AtelierFactory(lieu=LieuFactory(departement=m.lieu.departement))
    for jour in range(1, 31):
        inscrire(seance(atelier, dans_jours=-20 - jour), m.personne, presence=PRESENT)
    with django_assert_max_num_queries(20) as trente:
        response = c.get(url(m.personne))
    assert len(trente.captured_queries) == len(une.captured_queries)
    assertContains(response, "33 inscriptions, les plus récentes d’abord — page 1 sur 2")
    assertContains(response, "Page suivante")
    response = c.get(url(m.personne), {"page": 2})
    assertContains(response, "page 2 sur 2")
    assertContains(response, "a commencé")


# --- The block on the person's page ------------------------------------------------------------


def fiche(personne) -> str:
    return reverse("beneficiaires:fiche", args=[personne.pk])


def test_le_bloc_parcours_sur_la_fiche(client, login, m):
    response = login(m.agent).get(fiche(m.personne))
    assert response.status_code == 200
    assertContains(response, '<h2 id="parcours-titre">Parcours</h2>', html=False)
    assertContains(response, "<strong>a commencé</strong>", html=False)
    assertContains(response, "Dernières séances, les plus récentes d’abord")
    assertContains(response, "Sécurité en ligne")
    assertContains(response, f'href="{url(m.personne)}"')
    assertContains(response, "Voir tout le parcours (3 inscriptions)")


def test_le_bloc_montre_les_cinq_dernieres(client, login, m):
    atelier = AtelierFactory(lieu=m.lieu, titre="Atelier ancien")
    for jour in range(1, 5):
        inscrire(seance(atelier, dans_jours=-30 - jour), m.personne, presence=PRESENT)
    response = login(m.coordinateur).get(fiche(m.personne))
    assert response.content.decode().count("Atelier ancien") == 2  # 5 rows: 3 + 2 of the 4 old ones
    assertContains(response, "Voir tout le parcours (7 inscriptions)")


def test_le_bloc_sans_seance(client, login):
    personne = BeneficiaireFactory()
    response = login(agent_qui_suit(personne)).get(fiche(personne))
    assertContains(response, "<strong>aucune séance</strong>", html=False)
    assertContains(response, "La personne n’est inscrite à aucune séance.")
    assertNotContains(response, "Voir tout le parcours")


def test_la_fiche_garde_un_nombre_de_requetes_constant(client, login, m, django_assert_max_num_queries):
    c = login(m.agent)
    with django_assert_max_num_queries(40) as avant:
        c.get(fiche(m.personne))
    for jour in range(1, 21):
        inscrire(seance(AtelierFactory(lieu=m.lieu), dans_jours=-30 - jour), m.personne, presence=PRESENT)
    with django_assert_max_num_queries(40) as apres:
        c.get(fiche(m.personne))
    assert len(apres.captured_queries) == len(avant.captured_queries)


def test_une_personne_anonymisee_garde_son_parcours_pour_la_coordination(client, login, m):
    from beneficiaires.services.anonymisation import anonymiser

    anonymiser(par=m.coordinateur, beneficiaire=m.personne, motif="Demande de la personne")
    m.personne.refresh_from_db()
    response = login(m.coordinateur).get(url(m.personne))
    assertContains(response, f"Parcours de la personne anonymisée {m.personne.pseudonyme}")
    assertContains(response, "Sécurité en ligne")
    assertNotContains(response, "Josiane")
    assert login(m.agent).get(url(m.personne)).status_code == 404


def test_le_bloc_accepte_la_vue_du_lieu(rf, m):
    """The place's page (beneficiaires/fiche_lieu.html) passes a VueDuLieu: the block needs its pk
    only, and shows the place's sessions only."""
    from django.template.loader import render_to_string

    from beneficiaires.views.fiches import VueDuLieu

    request = rf.get("/")
    request.membership = m.mediatrice
    html = render_to_string(
        "ateliers/parcours/_fiche.html", {"beneficiaire": VueDuLieu.de(m.personne), "request": request}
    )
    assert "Les séances de votre lieu seulement." in html
    assert "Premiers pas sur smartphone" in html and "Sécurité en ligne" not in html
    assert "Voir tout le parcours (2 inscriptions)" in html
    request.membership = make_member(Role.AGENT, departement=m.lieu.departement)
    request.membership.role = "inconnu"  # no role that sees a parcours: nothing at all
    assert "Parcours" not in render_to_string(
        "ateliers/parcours/_fiche.html", {"beneficiaire": m.personne, "request": request}
    )
