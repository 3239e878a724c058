"""Constant SQL query counts: the roll-call page, the registration page and the session page's
registrations block cost the same with 1 and with 20 people (with their cheques)."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaires.tests.factories import OrientationFactory

from ..models import Inscription
from ..selectors.emargement import contexte_inscriptions
from ..services import emargement as service
from .factories import inscrire
from .test_emargement_donnees import monde

pytestmark = pytest.mark.django_db
# The request's user and membership, the session, its registrations (with person and commune),
# the cheques taken (with their cheque): 5, plus one of margin.
MAX_EMARGEMENT = 6


def remplir(m, n: int, *, attente: int = 2) -> None:
    """n people present with a cheque taken, plus people waiting."""
    for _ in range(n):
        inscription = m.inscrite()
        service.pointer(par=m.mediateur, inscription=inscription, presence="present")
        inscription.refresh_from_db()
        assert service.encaisser_cheque(
            par=m.mediateur, inscription=inscription, code_saisi=m.code(inscription.beneficiaire)
        ).ok
    for _ in range(attente):
        inscrire(m.seance, m.personne(cheques=0), statut=Inscription.Statut.ATTENTE)


def requetes(fonction) -> int:
    with CaptureQueriesContext(connection) as contexte:
        fonction()
    return len(contexte)


@pytest.mark.parametrize("n", [1, 20])
def test_la_page_d_appel_coute_autant_de_requetes_pour_1_et_20_personnes(login, django_assert_max_num_queries, n):
    m = monde(capacite=20)
    remplir(m, n)
    client = login(m.mediateur)
    url = reverse("ateliers:emargement", args=[m.seance.pk])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(MAX_EMARGEMENT):
        reponse = client.get(url)
    assert reponse.content.decode().count('class="ei-personne"') == n


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_personnes(login):
    comptes = []
    for n in (1, 20):
        m = monde(capacite=20)
        remplir(m, n)
        client = login(m.mediateur)
        url = reverse("ateliers:emargement", args=[m.seance.pk])
        client.get(url)
        comptes.append(requetes(lambda c=client, u=url: c.get(u)))
        # The result of a cheque (POST) renders the same page: constant too.
        inscription = Inscription.objects.filter(seance=m.seance, statut="inscrit").first()
        encaisser = reverse("ateliers:encaisser", args=[m.seance.pk, inscription.pk])
        comptes.append(requetes(lambda c=client, u=encaisser: c.post(u, {"code": "ABCDE-FGHJK"})))
    assert comptes[0] == comptes[2] and comptes[1] == comptes[3], comptes


def test_la_selection_tient_en_deux_requetes():
    m = monde(capacite=20)
    remplir(m, 3)
    with CaptureQueriesContext(connection) as contexte:
        donnees = contexte_inscriptions(m.seance)
    assert len(contexte) == 2
    assert len(donnees["inscriptions"]) == 3 and len(donnees["attente"]) == 2
    assert sum(len(c) for c in donnees["cheques_par_inscription"].values()) == 3
    with CaptureQueriesContext(connection) as contexte:
        for inscription in donnees["inscriptions"]:
            str(inscription.beneficiaire.commune)
            [lien.encaissement.cheque.numero_serie for lien in inscription.cheques_pris]
    assert len(contexte) == 0


@pytest.mark.parametrize("n", [1, 20])
def test_le_bloc_de_la_page_de_seance(n, django_assert_max_num_queries):
    m = monde(capacite=20)
    remplir(m, n)
    gabarit = Template('{% include "ateliers/seances/_inscriptions.html" %}')
    with django_assert_max_num_queries(3):  # its own two queries when the page gives nothing
        html = gabarit.render(Context({"seance": m.seance, "peut_gerer": True}))
    assert f"Inscriptions ({n} sur 20 places)" in html
    contexte = {"seance": m.seance, "peut_gerer": True, **contexte_inscriptions(m.seance)}
    with django_assert_max_num_queries(1):
        html = gabarit.render(Context(contexte))
    assert f"Chèques encaissés : {n}." in html and "Liste d’attente (2)" in html


@pytest.mark.parametrize("n", [1, 20])
def test_la_page_d_inscription(login, django_assert_max_num_queries, n):
    m = monde()
    for _ in range(n):
        OrientationFactory(lieu=m.lieu, beneficiaire=m.personne(cheques=0))
    client = login(m.mediateur)
    url = reverse("ateliers:inscrire", args=[m.seance.pk])
    client.get(url)
    with django_assert_max_num_queries(8):
        reponse = client.get(url)
    assert reponse.content.decode().count('name="beneficiaire"') == n
    with django_assert_max_num_queries(8):
        client.get(url, {"q": "a"})
