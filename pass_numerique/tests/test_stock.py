"""Stocks: booklet ranges, the département's and each prescriber's stock, the prescribers' stock
page and the return of booklets by the référent (another organisation's booklets: 404)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from comptes.models import Role
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement
from pass_numerique.models import Carnet, Participation
from pass_numerique.selectors import stock as stocks
from pass_numerique.services.dotations import doter
from pass_numerique.services.generation import generer
from pass_numerique.tests.factories import DispositifFactory

from .test_dispositifs_services import coordinateur

pytestmark = pytest.mark.django_db
STOCK, RETOURNER = reverse("pass_dispositifs:stock"), reverse("pass_dispositifs:retourner")


@pytest.mark.parametrize(
    ("numeros", "attendu", "texte"),
    [
        ([], [], "—"),
        ([4], [(4, 4)], "n° 4"),
        ([1, 2, 3, 7, 9, 10], [(1, 3), (7, 7), (9, 10)], "n° 1 à 3, 7, 9 à 10"),
        ([1, 1, 2], [(1, 2)], "n° 1 à 2"),
    ],
)
def test_plages_de_numeros(numeros, attendu, texte):
    assert stocks.plages(numeros) == attendu
    assert stocks.texte_plages(stocks.plages(numeros)) == texte


def test_au_dela_de_la_limite_les_plages_sont_resumees():
    assert stocks.texte_plages([(n, n) for n in range(1, 20, 2)], limite=3) == "n° 1, 3, 5 et 7 autres plages"


@pytest.fixture
def monde():
    """A dispositif with 6 booklets: 1–3 at the CCAS, 4 at the MSA, 5–6 at the département."""
    coord = coordinateur()
    dispositif = DispositifFactory(nom="Pass 2026", budget=Decimal("100000"))
    generer(par=coord, dispositif=dispositif, nb_carnets=6, taille=10)
    ccas = OrganismePrescripteurFactory(departement=dispositif.departement, nom="CCAS")
    msa = OrganismePrescripteurFactory(departement=dispositif.departement, nom="MSA")
    for organisme, nombre in ((ccas, 3), (msa, 1)):
        Participation.objects.create(dispositif=dispositif, organisme=organisme)
        doter(par=coord, dispositif=dispositif, organisme=organisme, nb_carnets=nombre)
    return {"coord": coord, "dispositif": dispositif, "ccas": ccas, "msa": msa}


def test_le_stock_du_departement(monde):
    dispositif = monde["dispositif"]
    departement = stocks.stock_departement(dispositif)
    assert list(departement) == [10]
    assert (departement[10].nb_carnets, departement[10].nb_cheques, departement[10].texte_plages) == (2, 20, "n° 5 à 6")


def test_le_stock_par_organisme(monde, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        lignes = stocks.stock_par_organisme(monde["dispositif"])
    assert [(ligne.organisme.nom, ligne.stock.nb_carnets, ligne.stock.texte_plages) for ligne in lignes] == [
        ("CCAS", 3, "n° 1 à 3"),
        ("MSA", 1, "n° 4"),
    ]
    [ligne] = stocks.stock_organisme(monde["ccas"])
    assert (ligne.dispositif, ligne.stock.nb_cheques) == (monde["dispositif"], 30)


# --- The stock page ------------------------------------------------------------------------------


def test_la_page_du_stock_pour_le_referent_et_l_agent(login, monde, django_assert_max_num_queries):
    referent = make_member(Role.REFERENT, organisation=monde["ccas"])
    agent = make_member(Role.AGENT, organisation=monde["ccas"])

    page = login(referent).get(STOCK)
    assertContains(page, "Pass 2026")
    assertContains(page, "n° 1 à 3")
    assertContains(page, RETOURNER)
    page_agent = login(agent).get(STOCK)
    assertContains(page_agent, "3 carnets en stock")
    assert RETOURNER not in page_agent.content.decode()
    with django_assert_max_num_queries(12):
        login(agent).get(STOCK)


@pytest.mark.parametrize("role", [Role.COORDINATEUR, Role.LECTEUR, Role.RESPONSABLE, Role.MEDIATEUR])
def test_les_autres_roles_n_ont_pas_de_stock(login, role):
    membre = coordinateur(role=role) if role in (Role.COORDINATEUR, Role.LECTEUR) else make_member(role)
    assert login(membre).get(STOCK).status_code == 403
    assert login(membre).get(RETOURNER).status_code == 403


def test_l_agent_ne_retourne_pas(login, monde):
    agent = make_member(Role.AGENT, organisation=monde["ccas"])
    assert login(agent).get(RETOURNER).status_code == 403
    ids = list(Carnet.objects.filter(organisme=monde["ccas"]).values_list("pk", flat=True))
    assert login(agent).post(RETOURNER, {"carnets": ids, "confirmer": "1"}).status_code == 403
    assert Carnet.objects.filter(organisme=monde["ccas"]).count() == 3


# --- Returning booklets --------------------------------------------------------------------------------


def test_le_referent_retourne_une_plage_apres_confirmation(login, monde):
    referent = make_member(Role.REFERENT, organisation=monde["ccas"])
    client = login(referent)
    assertContains(client.get(RETOURNER), "Pass 2026 : 3 carnets (n° 1 à 3)")

    confirmation = client.post(RETOURNER, {"dispositif": monde["dispositif"].pk, "du": 2, "au": ""})

    assertContains(confirmation, "Retourner 2 carnets au département ?")
    assertContains(confirmation, "n° 2 à 3")
    ids = [c.pk for c in confirmation.context["carnets"]]
    assert Carnet.objects.filter(pk__in=ids, statut="dote").count() == 2
    reponse = client.post(RETOURNER, {"carnets": ids, "confirmer": "1"})
    assertRedirects(reponse, STOCK, fetch_redirect_response=False)
    assertContains(client.get(STOCK), "2 carnets retournés au département (n° 2 à 3).")
    assert list(Carnet.objects.filter(organisme=monde["ccas"]).values_list("numero", flat=True)) == [1]
    assert Evenement.objects.filter(action=Action.CARNETS_RETOURNES).count() == 2


def test_retourner_les_carnets_d_un_autre_organisme_est_introuvable(login, monde):
    referent = make_member(Role.REFERENT, organisation=monde["ccas"])
    a_nous = Carnet.objects.get(numero=1)
    a_la_msa = Carnet.objects.get(numero=4)
    au_departement = Carnet.objects.get(numero=5)
    client = login(referent)

    for ids in ([a_la_msa.pk], [a_nous.pk, a_la_msa.pk], [au_departement.pk], [999_999], ["1 OR 1=1"]):
        assert client.post(RETOURNER, {"carnets": ids, "confirmer": "1"}).status_code == 404
    assert Carnet.objects.get(pk=a_la_msa.pk).organisme == monde["msa"]
    assert Carnet.objects.get(pk=a_nous.pk).statut == "dote"
    assert not Evenement.objects.filter(action=Action.CARNETS_RETOURNES).exists()


def test_une_plage_vide_ou_a_l_envers(login, monde):
    referent = make_member(Role.REFERENT, organisation=monde["ccas"])
    client = login(referent)
    vide = client.post(RETOURNER, {"dispositif": monde["dispositif"].pk, "du": 4, "au": 6})
    assertContains(vide, "Aucun carnet de votre stock ne porte un numéro dans cette plage.")
    envers = client.post(RETOURNER, {"dispositif": monde["dispositif"].pk, "du": 3, "au": 1})
    assertContains(envers, "Le dernier numéro (1) précède le premier (3).")
    autre = DispositifFactory()
    inconnu = client.post(RETOURNER, {"dispositif": autre.pk})
    assertContains(inconnu, "Choisissez un dispositif dont vous avez des carnets en stock.")
    assert Carnet.objects.filter(organisme=monde["ccas"]).count() == 3
