"""The place's incoming orientations and its answers; the organisation's sent orientations; the
orientations section of a person's page."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaires import selectors
from beneficiaires.models import Orientation
from beneficiaires.services import orientations as service
from comptes.models import Role
from comptes.tests.factories import make_member
from journal.models import Action, Evenement

from .test_orientations_donnees import autre_personne, orientation, reseau

pytestmark = pytest.mark.django_db
RECUES = reverse("beneficiaires:orientations_recues")
ENVOYEES = reverse("beneficiaires:orientations_envoyees")


@pytest.fixture
def r():
    return reseau()


@pytest.fixture
def trois(r):
    """À contacter (9 days: flagged), pris·e en charge, refusée: three people, one place."""
    vieille = orientation(r, jours=9, message="Appeler après 17 h")
    prise = orientation(r, beneficiaire=autre_personne(r, nom="Prise", prenom="Paule"))
    service.prendre_en_charge(par=r.mediateur, orientation=prise)
    refusee = orientation(r, beneficiaire=autre_personne(r, nom="Refus", prenom="René"))
    service.refuser(par=r.mediateur, orientation=refusee, motif="Complet jusqu’en septembre")
    return vieille, prise, refusee


# --- received --------------------------------------------------------------------------------


def test_the_place_sees_what_to_contact_by_default_with_the_8_day_flag(r, trois, client, login):
    html = login(r.mediateur, client).get(RECUES).content.decode()
    assert "Yvette Lachaud" in html and "Paule Prise" not in html and "René Refus" not in html
    assert "Sans réponse depuis plus de 8 jours" in html
    assert "Guéret" in html and "06 11 22 33 44" in html and "Allumer et utiliser un ordinateur" in html
    assert "CCAS de Guéret" in html and "Appeler après 17 h" in html
    assert "Prendre en charge" in html and reverse("beneficiaires:refuser_orientation", args=[trois[0].pk]) in html
    # Only the fields a place needs.
    assert "yvette.lachaud@exemple.test" not in html
    assert r.personne.date_naissance.strftime("%d/%m/%Y") not in html


@pytest.mark.parametrize(
    ("statut", "visibles"),
    [
        ("pris_en_charge", ["Paule Prise"]),
        ("refusee", ["René Refus"]),
        ("sans_reponse", ["Yvette Lachaud"]),
        ("toutes", ["Yvette Lachaud", "Paule Prise", "René Refus"]),
        ("n-importe-quoi", ["Yvette Lachaud"]),
    ],
)
def test_the_place_filters_by_status(r, trois, client, login, statut, visibles):
    html = login(r.mediateur, client).get(RECUES, {"statut": statut}).content.decode()
    for nom in ("Yvette Lachaud", "Paule Prise", "René Refus"):
        assert (nom in html) == (nom in visibles), nom
    if statut == "refusee":
        assert "Complet jusqu’en septembre" in html


def test_a_place_sees_only_its_own(r, trois, client, login):
    autre = make_member(Role.RESPONSABLE, organisation=r.loin)
    html = login(autre, client).get(RECUES, {"statut": "toutes"}).content.decode()
    assert "Yvette Lachaud" not in html and "Aucune orientation ne correspond" in html


def _requetes(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_run_a_constant_number_of_queries(r, client, login, django_assert_max_num_queries):
    orientation(r)
    agent_client = login(r.agent, client)
    peu_envoyees = _requetes(agent_client, ENVOYEES + "?statut=toutes")
    lieu_client = login(r.mediateur, Client())
    peu_recues = _requetes(lieu_client, RECUES)
    for i in range(30):
        personne = autre_personne(r, telephone="+33600000000")
        orientation(r, beneficiaire=personne, lieu=r.proche if i % 2 else r.loin, jours=i)
        Orientation.objects.filter(beneficiaire=personne).update(cree_par=make_member(Role.AGENT).user)
    with django_assert_max_num_queries(peu_envoyees):
        assert agent_client.get(ENVOYEES + "?statut=toutes").status_code == 200
    with django_assert_max_num_queries(peu_envoyees):
        assert agent_client.get(ENVOYEES + "?statut=toutes&page=2").status_code == 200
    with django_assert_max_num_queries(peu_recues):
        assert lieu_client.get(RECUES).status_code == 200


@pytest.mark.parametrize("role", [Role.AGENT, Role.REFERENT, Role.COORDINATEUR, Role.LECTEUR])
def test_only_places_read_received_orientations(r, client, login, role):
    assert login(make_member(role, departement=r.personne.departement), client).get(RECUES).status_code == 403


# --- answers ---------------------------------------------------------------------------------


def test_taking_charge(r, client, login):
    o = orientation(r)
    url = reverse("beneficiaires:accepter_orientation", args=[o.pk])
    login(r.mediateur, client)
    assert client.get(url).status_code == 405
    response = client.post(url, {"suivant": RECUES + "?statut=toutes"})
    assert response.status_code == 302 and response["Location"] == RECUES + "?statut=toutes"
    o.refresh_from_db()
    assert (o.statut, o.repondu_par) == ("pris_en_charge", r.mediateur.user)
    assert Evenement.objects.filter(action=Action.ORIENTATION_ACCEPTEE).count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "Yvette Lachaud est pris·e en charge par votre lieu" in html
    # Twice: a clear message, nothing changes.
    response = client.post(url, {"suivant": "https://ailleurs.example/"})
    assert response["Location"] == RECUES  # a foreign `suivant` is ignored
    assert "Cette orientation a déjà reçu une réponse : « Pris·e en charge »." in client.get(RECUES).content.decode()
    assert Evenement.objects.filter(action=Action.ORIENTATION_ACCEPTEE).count() == 1


def test_refusing_needs_a_reason(r, client, login):
    o = orientation(r)
    url = reverse("beneficiaires:refuser_orientation", args=[o.pk])
    login(r.mediateur, client)
    html = client.get(url).content.decode()
    assert "Refuser l’orientation de Yvette Lachaud ?" in html and "aucune information de santé" in html
    html = client.post(url, {"motif": "   "}).content.decode()
    assert "Indiquez le motif du refus : le prescripteur le lira." in html
    o.refresh_from_db()
    assert o.statut == "a_contacter"
    assert not Evenement.objects.filter(action=Action.ORIENTATION_REFUSEE).exists()
    response = client.post(url, {"motif": "Plus de place avant septembre"})
    assert response.status_code == 302 and response["Location"] == RECUES
    o.refresh_from_db()
    assert (o.statut, o.motif_refus) == ("refusee", "Plus de place avant septembre")
    assert Evenement.objects.filter(action=Action.ORIENTATION_REFUSEE).count() == 1
    # Answered: the form is not shown again, the POST changes nothing.
    response = client.get(url)
    assert response.status_code == 302
    assert "Cette orientation a déjà reçu une réponse : « Refusée »." in client.get(RECUES).content.decode()
    client.post(url, {"motif": "Autre motif"})
    o.refresh_from_db()
    assert o.motif_refus == "Plus de place avant septembre"
    assert Evenement.objects.filter(action=Action.ORIENTATION_REFUSEE).count() == 1


def test_a_place_cannot_answer_another_places_orientation(r, client, login):
    o = orientation(r, lieu=r.loin)
    login(r.mediateur, client)
    assert client.post(reverse("beneficiaires:accepter_orientation", args=[o.pk])).status_code == 404
    assert client.get(reverse("beneficiaires:refuser_orientation", args=[o.pk])).status_code == 404
    assert client.post(reverse("beneficiaires:refuser_orientation", args=[o.pk]), {"motif": "x"}).status_code == 404
    o.refresh_from_db()
    assert o.statut == "a_contacter"
    assert not Evenement.objects.filter(action__startswith="beneficiaires.orientation_").exists()


def test_the_agent_cannot_answer(r, client, login):
    o = orientation(r)
    login(r.agent, client)
    assert client.post(reverse("beneficiaires:accepter_orientation", args=[o.pk])).status_code == 403
    assert client.get(reverse("beneficiaires:refuser_orientation", args=[o.pk])).status_code == 403


# --- sent ------------------------------------------------------------------------------------


def test_the_agent_sees_the_answers_and_the_flag(r, trois, client, login):
    html = login(r.agent, client).get(ENVOYEES).content.decode()
    for attendu in (
        "Yvette Lachaud",
        "Paule Prise",
        "René Refus",
        "Pris·e en charge",
        "Motif du refus : « Complet jusqu’en septembre »",
        "Sans réponse depuis plus de 8 jours</strong> : appelez le lieu",
        "05 55 12 34 56",
    ):
        assert attendu in html, attendu
    html = client.get(ENVOYEES, {"statut": "refusee"}).content.decode()
    assert "René Refus" in html and "Yvette Lachaud" not in html


def test_another_organisation_sees_none_of_them(r, trois, client, login):
    voisin = make_member(Role.REFERENT, departement=r.personne.departement)
    html = login(voisin, client).get(ENVOYEES).content.decode()
    assert "Yvette Lachaud" not in html and "Votre organisme n’a encore orienté personne." in html
    assert login(r.mediateur, client).get(ENVOYEES).status_code == 403


# --- the section of the person's page ---------------------------------------------------------


def _section(membre, personne) -> str:
    request = RequestFactory().get(reverse("beneficiaires:fiche", args=[personne.pk]))
    request.user, request.membership = membre.user, membre
    orientations = selectors.orientations_de(personne, par=membre)
    return render_to_string(
        "beneficiaires/orientations/_liste_fiche.html",
        {"orientations": orientations, "beneficiaire": personne},
        request=request,
    )


def test_the_person_page_section_for_the_agent(r):
    vieille = orientation(r, jours=9)
    refusee = orientation(r, lieu=r.loin)
    service.refuser(par=make_member(Role.MEDIATEUR, organisation=r.loin), orientation=refusee, motif="Complet")
    html = _section(r.agent, r.personne)
    assert reverse("beneficiaires:orienter", args=[r.personne.pk]) in html
    assert "Orienter vers un lieu" in html
    assert "sans réponse depuis plus de 8 jours" in html and "« Complet »" in html
    assert reverse("beneficiaires:fiche_orientation", args=[vieille.pk]) in html
    assert "Prendre en charge" not in html


def test_the_person_page_section_for_others(r):
    orientation(r)
    orientation(r, lieu=r.loin)
    lecteur = make_member(Role.LECTEUR, departement=r.personne.departement)
    html = _section(lecteur, r.personne)
    assert "Orienter vers un lieu" not in html and html.count('class="ei-orientation"') == 2
    html = _section(r.mediateur, r.personne)
    assert "Orienter vers un lieu" not in html
    assert html.count('class="ei-orientation"') == 1 and "Prendre en charge" in html
    assert "Aucune orientation pour le moment." in _section(r.agent, autre_personne(r))
