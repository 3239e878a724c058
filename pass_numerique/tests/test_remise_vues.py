"""Remise pages: choose and confirm, the booklet's page and PDF (journalled reads and reprints),
dérogations, the person's page include (constant queries), permissions (404 out of scope)."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from beneficiaires.tests.factories import BeneficiaireFactory
from comptes.models import Role
from comptes.tests.factories import (
    DepartementFactory,
    EquipeDepartementaleFactory,
    OrganismePrescripteurFactory,
    make_member,
)
from journal.models import Action, Evenement

from ..models import Carnet, Derogation
from ..services.remise import remettre
from .factories import DispositifFactory, carnet
from .test_remise_donnees import monde

pytestmark = pytest.mark.django_db


def url_remise(m):
    return reverse("pass_remise:remettre", args=[m.beneficiaire.pk])


def test_choisir_confirmer_remettre(login):
    m = monde(stock=2)
    client = login(m.agent)
    page = client.get(url_remise(m)).content.decode()
    assert m.dispositif.nom in page and "Stock de votre organisme : 2 carnets" in page and "Possible." in page

    confirmation = client.post(url_remise(m), {"dispositif": m.dispositif.pk})
    assert confirmation.status_code == 200
    texte = confirmation.content.decode()
    assert f"n° {min(c.numero for c in m.stock)}" in texte and "Remettre le carnet" in texte
    assert not Carnet.objects.filter(beneficiaire=m.beneficiaire).exists()  # nothing yet

    response = client.post(url_remise(m), {"dispositif": m.dispositif.pk, "confirmer": "1"})
    carnet_remis = Carnet.objects.get(beneficiaire=m.beneficiaire)
    assert response.status_code == 302 and response.url == reverse("pass_remise:carnet", args=[carnet_remis.pk])
    page = client.get(response.url).content.decode()
    assert "Imprimer le carnet (PDF)" in page and reverse("pass_remise:carnet_pdf", args=[carnet_remis.pk]) in page


@pytest.mark.parametrize(
    ("preparer", "message"),
    [
        ("sans_stock", "n’a plus de carnet en stock"),
        ("non_eligible", "n’est pas éligible au dispositif"),
        ("deja", "a déjà reçu le carnet"),
    ],
)
def test_refus_affiches_et_rien_n_est_enregistre(login, preparer, message):
    m = monde(stock=2)
    if preparer == "sans_stock":
        Carnet.objects.filter(organisme=m.organisme).update(statut=Carnet.Statut.GENERE, organisme=None)
    elif preparer == "non_eligible":
        type(m.dispositif).objects.filter(pk=m.dispositif.pk).update(publics="|rsa|")
    else:
        remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    client = login(m.agent)
    page = client.get(url_remise(m)).content.decode()
    assert message in page and "disabled" in page
    avant = (Evenement.objects.count(), Carnet.objects.filter(beneficiaire=m.beneficiaire).count())
    for donnees in ({"dispositif": m.dispositif.pk}, {"dispositif": m.dispositif.pk, "confirmer": "1"}):
        response = client.post(url_remise(m), donnees)
        assert response.status_code == 200 and message in response.content.decode()
    assert (Evenement.objects.count(), Carnet.objects.filter(beneficiaire=m.beneficiaire).count()) == avant


def test_un_dispositif_sans_participation_ne_peut_pas_etre_poste(login):
    m = monde()
    autre = DispositifFactory(departement=m.dispositif.departement)
    carnet(autre, statut=Carnet.Statut.DOTE, organisme=m.organisme)
    response = login(m.agent).post(url_remise(m), {"dispositif": autre.pk, "confirmer": "1"})
    assert response.status_code == 200
    assert "Votre organisme ne remet pas de carnet de ce dispositif." in response.content.decode()
    assert not Carnet.objects.filter(beneficiaire=m.beneficiaire).exists()


def test_remise_hors_de_portee(login):
    m = monde()
    etranger = make_member(Role.AGENT, organisation=OrganismePrescripteurFactory(departement=m.dispositif.departement))
    client = login(etranger)
    assert client.get(url_remise(m)).status_code == 404
    assert client.post(url_remise(m), {"dispositif": m.dispositif.pk, "confirmer": "1"}).status_code == 404
    assert not Carnet.objects.filter(beneficiaire=m.beneficiaire).exists()
    client.logout()
    assert login(m.coordinateur).get(url_remise(m)).status_code == 403


def test_pdf_premiere_impression_puis_reimpressions(login):
    m = monde()
    carnet_remis = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    url = reverse("pass_remise:carnet_pdf", args=[carnet_remis.pk])
    response = login(m.agent).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response["Cache-Control"] == "no-store, private"
    lectures = Evenement.objects.filter(action=Action.BENEFICIAIRE_CONSULTE, target_id=str(m.beneficiaire.pk))
    assert [e.details["vue"] for e in lectures] == ["carnet_pdf"]
    assert not Evenement.objects.filter(action=Action.CARNET_REIMPRIME).exists()  # the remise's own print

    # Later, from the person's page: a reprint.
    Carnet.objects.filter(pk=carnet_remis.pk).update(remis_le=timezone.now() - datetime.timedelta(days=3))
    login(m.agent).get(url)
    # A colleague of the same organisation, right away: a reprint too.
    collegue = make_member(Role.REFERENT, organisation=m.organisme)
    login(collegue).get(url)
    reimpressions = Evenement.objects.filter(action=Action.CARNET_REIMPRIME).order_by("id")
    assert [(e.actor, e.target_id) for e in reimpressions] == [
        (m.agent.user, str(carnet_remis.pk)),
        (collegue.user, str(carnet_remis.pk)),
    ]
    assert reimpressions[0].details["beneficiaire"] == m.beneficiaire.pseudonyme
    assert lectures.all().count() == 3


def test_pdf_hors_de_portee_et_carnet_en_opposition(login):
    m = monde()
    carnet_remis = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    url = reverse("pass_remise:carnet_pdf", args=[carnet_remis.pk])
    etranger = make_member(Role.AGENT, organisation=OrganismePrescripteurFactory(departement=m.dispositif.departement))
    assert login(etranger).get(url).status_code == 404
    assert login(make_member(Role.MEDIATEUR, organisation=m.lieux[0])).get(url).status_code == 403
    avant = Evenement.objects.count()
    Carnet.objects.filter(pk=carnet_remis.pk).update(statut=Carnet.Statut.ANNULE)
    response = login(m.agent).get(url)
    assert response.status_code == 302 and Evenement.objects.count() == avant
    page = login(m.agent).get(response.url).content.decode()
    assert "en opposition" in page


def test_le_coordinateur_reimprime_et_accorde_une_derogation(login):
    m = monde()
    carnet_remis = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    client = login(m.coordinateur)
    assert client.get(reverse("pass_remise:carnet_pdf", args=[carnet_remis.pk])).status_code == 200
    assert Evenement.objects.filter(action=Action.CARNET_REIMPRIME, actor=m.coordinateur.user).exists()

    url = reverse("pass_remise:derogation", args=[m.beneficiaire.pk])
    assert client.get(url).status_code == 200
    page = client.post(url, {"dispositif": m.dispositif.pk, "motif": ""}).content.decode()
    assert "Indiquez le motif de la dérogation." in page and not Derogation.objects.exists()
    response = client.post(url, {"dispositif": m.dispositif.pk, "motif": "Carnet volé"})
    assert response.status_code == 302
    assert Derogation.objects.get().motif == "Carnet volé"
    assert login(m.agent).get(url).status_code == 403


def _rendre_include(membership, beneficiaire) -> str:
    requete = RequestFactory().get("/")
    requete.membership = membership
    requete.user = membership.user
    gabarit = Template('{% include "pass_numerique/remise/_fiche_beneficiaire.html" %}')
    return gabarit.render(Context({"beneficiaire": beneficiaire, "request": requete}))


def test_l_include_de_la_fiche_en_nombre_constant_de_requetes(django_assert_max_num_queries):
    m = monde(stock=6)
    for _ in range(3):
        autre = DispositifFactory(departement=m.dispositif.departement)
        carnet(autre, statut=Carnet.Statut.REMIS, organisme=m.organisme, beneficiaire=m.beneficiaire)
    Derogation.objects.create(
        beneficiaire=m.beneficiaire, dispositif=m.dispositif, motif="x", accordee_par=m.coordinateur.user
    )
    with django_assert_max_num_queries(3):
        html = _rendre_include(m.agent, m.beneficiaire)
    assert html.count("Réimprimer") == 3 and "Remettre un carnet" in html and "Dérogation ouverte" in html
    assert "Accorder un carnet de plus" not in html
    html = _rendre_include(m.coordinateur, m.beneficiaire)
    assert "Accorder un carnet de plus" in html and "Remettre un carnet" not in html
    lieu = make_member(Role.MEDIATEUR, organisation=m.lieux[0])
    assert "Pass numérique" not in _rendre_include(lieu, m.beneficiaire)
    vide = _rendre_include(m.agent, BeneficiaireFactory(organisme=m.organisme))
    assert "Aucun carnet Pass numérique" in vide


def test_post_hors_de_portee_ne_change_rien(login):
    m = monde()
    remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    ailleurs = make_member(
        Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=DepartementFactory(code="87"))
    )
    avant = Evenement.objects.count()
    url = reverse("pass_remise:derogation", args=[m.beneficiaire.pk])
    assert login(ailleurs).post(url, {"dispositif": m.dispositif.pk, "motif": "Intrusion"}).status_code == 404
    assert not Derogation.objects.exists() and Evenement.objects.count() == avant
