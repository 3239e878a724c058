"""The département's dashboard (coordinateur, lecteur): figures against the data built here,
scope (another département's data never shows), the chart and its table, the map's data,
constant query counts."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from ateliers.tests.factories import seance
from beneficiaires.models import Beneficiaire
from beneficiaires.tests.factories import BeneficiaireFactory, commune
from comptes.models import Role
from comptes.tests.factories import LieuFactory, OrganismePrescripteurFactory, make_member
from pass_numerique.models import Bordereau, Carnet, Cheque
from pass_numerique.tests.factories import DispositifFactory, carnet
from rapports.selectors.tableaux import reperes, tableau_departement

from .factories_tableaux import bordereau, carnet_remis, encaisser, le

pytestmark = pytest.mark.django_db

MAINTENANT = le("2025-06-15", "10:00")


class Jeu:
    """Two départements with booklets, redemptions, bordereaux, people and sessions."""

    def __init__(self):
        self.creuse = commune("23096").departement
        self.hv = commune("87085").departement
        self.coordinateur = make_member(Role.COORDINATEUR, departement=self.creuse)
        self.lecteur = make_member(Role.LECTEUR, organisation=self.coordinateur.organisation)
        self.d = DispositifFactory(
            departement=self.creuse, debut=datetime.date(2025, 1, 1), fin=datetime.date(2025, 12, 31)
        )
        DispositifFactory(
            departement=self.creuse,
            debut=datetime.date(2025, 1, 1),
            fin=datetime.date(2025, 12, 31),
            clos_le=MAINTENANT - datetime.timedelta(days=1),
        )
        self.p1 = OrganismePrescripteurFactory(departement=self.creuse, nom="CCAS de Guéret")
        self.p2 = OrganismePrescripteurFactory(departement=self.creuse, nom="Mission locale")
        self.l1 = LieuFactory(departement=self.creuse, nom="Médiathèque", latitude=46.17, longitude=1.87)
        self.l2 = LieuFactory(departement=self.creuse, nom="Tiers-lieu sans position")
        self.personnes = [BeneficiaireFactory(organisme=self.p1) for _ in range(3)]
        Beneficiaire.objects.filter(pk=self.personnes[2].pk).update(anonymise_le=MAINTENANT)
        self.a = carnet_remis(self.d, organisme=self.p1, beneficiaire=self.personnes[0], quand=le("2025-06-02"))
        self.b = carnet_remis(
            self.d, organisme=self.p1, beneficiaire=self.personnes[1], quand=le("2024-12-20"), taille=5
        )
        self.encaisses = [
            *encaisser(self.a, 3, lieu=self.l1, quand=le("2025-06-10")),
            *encaisser(self.b, 2, lieu=self.l2, quand=le("2025-01-15"), statut=Cheque.Statut.REMBOURSE),
            *encaisser(self.b, 1, lieu=self.l1, quand=le("2024-12-28")),
        ]
        self.stock = [
            carnet(self.d, taille=10, statut=Carnet.Statut.DOTE, organisme=self.p1),
            carnet(self.d, taille=5, statut=Carnet.Statut.DOTE, organisme=self.p2),
        ]
        carnet(self.d, taille=10)  # the département's own stock: no prescriber
        self.a_valider = bordereau(self.l1, self.d, self.encaisses[:3], rejetees=self.encaisses[2:3])
        bordereau(self.l2, self.d, self.encaisses[3:5], statut=Bordereau.Statut.VALIDE)
        for jour in ("2025-06-03", "2025-06-20"):
            seance(lieu=self.l1, debut=le(jour, "14:00"))
        seance(lieu=self.l1, debut=le("2025-06-04", "14:00"), annulee_le=MAINTENANT)
        seance(lieu=self.l1, debut=le("2025-05-30", "14:00"))
        self.ailleurs()

    def ailleurs(self):
        """The same kinds of data in the Haute-Vienne: none of it may show in the Creuse."""
        d87 = DispositifFactory(departement=self.hv, debut=datetime.date(2025, 1, 1), fin=datetime.date(2025, 12, 31))
        p87 = OrganismePrescripteurFactory(departement=self.hv, nom="CCAS de Limoges")
        l87 = LieuFactory(departement=self.hv, nom="Espace numérique de Limoges", latitude=45.83, longitude=1.26)
        personne = BeneficiaireFactory(organisme=p87, commune=commune("87085"))
        c = carnet_remis(d87, organisme=p87, beneficiaire=personne, quand=le("2025-06-01"))
        bordereau(l87, d87, encaisser(c, 2, lieu=l87, quand=le("2025-06-05")))
        carnet(d87, taille=10, statut=Carnet.Statut.DOTE, organisme=p87)
        seance(lieu=l87, debut=le("2025-06-05", "14:00"))


@pytest.fixture
def j():
    return Jeu()


def test_les_chiffres_cles(j):
    t = tableau_departement(j.coordinateur, maintenant=MAINTENANT)
    debut_annee = le("2025-01-01", "00:00")
    cheques_remis = [x for c in (j.a, j.b) if c.remis_le >= debut_annee for x in c.cheques.all()]
    de_l_annee = [x for x in j.encaisses if x.encaisse_le >= debut_annee]

    assert t.annee == 2025
    assert t.dispositifs_actifs == 1  # the closed one does not count, nor the Haute-Vienne's
    assert t.cheques["remis"] == len(cheques_remis) == 10
    assert t.cheques["encaisses"] == len(de_l_annee) == 5
    assert t.cheques["valeur_encaissee"] == sum(x.valeur for x in de_l_annee) == Decimal("50.00")
    assert t.personnes_suivies == 2  # the anonymised person is not counted
    assert t.seances_du_mois == 2  # June, not cancelled, in the Creuse
    reclame = sum(li.montant for li in j.a_valider.lignes.exclude(statut="rejetee"))
    assert t.bordereaux == {"nombre": 1, "montant": reclame}
    assert reclame == Decimal("20.00")


def test_le_graphique_mois_par_mois(j):
    t = tableau_departement(j.coordinateur, maintenant=MAINTENANT)
    assert [m.mois for m in t.mois] == [datetime.date(2024, 7 + k, 1) for k in range(6)] + [
        datetime.date(2025, k, 1) for k in range(1, 7)
    ]
    attendu_remis, attendu_encaisses = {}, {}
    for c in (j.a, j.b):
        mois = timezone.localtime(c.remis_le).date().replace(day=1)
        attendu_remis[mois] = attendu_remis.get(mois, 0) + c.taille
    for x in j.encaisses:
        mois = timezone.localtime(x.encaisse_le).date().replace(day=1)
        attendu_encaisses[mois] = attendu_encaisses.get(mois, 0) + 1
    for ligne in t.mois:
        assert (ligne.remis, ligne.encaisses) == (
            attendu_remis.get(ligne.mois, 0),
            attendu_encaisses.get(ligne.mois, 0),
        )
    assert sum(m.remis for m in t.mois) == 15 and sum(m.encaisses for m in t.mois) == 6

    graphique = t.graphique
    assert graphique.tableau == "cheques-par-mois"
    assert graphique.categories[0] == "juil. 24" and len(graphique.categories) == 12
    assert [s.valeurs for s in graphique.series] == [[m.remis for m in t.mois], [m.encaisses for m in t.mois]]


def test_les_encaissements_par_lieu_et_la_carte(j):
    t = tableau_departement(j.coordinateur, maintenant=MAINTENANT)
    debut_annee = le("2025-01-01", "00:00")
    attendu = {}
    for x in j.encaisses:
        if x.encaisse_le >= debut_annee:
            attendu[x.lieu_encaissement_id] = attendu.get(x.lieu_encaissement_id, 0) + 1
    assert {li.lieu_id: li.nombre for li in t.lieux} == attendu == {j.l1.pk: 3, j.l2.pk: 2}
    assert [li.nom for li in t.lieux] == ["Médiathèque", "Tiers-lieu sans position"]
    assert t.total_lieux == (5, Decimal("50.00"))
    # Only the places with a position are on the map; the table lists them all.
    assert t.lieux_sur_la_carte == [{"nom": "Médiathèque", "lat": 46.17, "lng": 1.87, "nombre": 3}]


def test_le_stock_par_prescripteur(j):
    t = tableau_departement(j.coordinateur, maintenant=MAINTENANT)
    lignes = {s.nom: s for s in t.stocks}
    assert list(lignes) == ["CCAS de Guéret", "Mission locale"]
    p1, p2 = lignes["CCAS de Guéret"], lignes["Mission locale"]
    assert (p1.carnets_en_stock, p1.cheques_en_stock) == (1, j.stock[0].taille)
    assert (p1.carnets_remis_annee, p1.cheques_remis_annee) == (1, j.a.taille)  # b was handed out in 2024
    assert (p2.carnets_en_stock, p2.cheques_en_stock, p2.carnets_remis_annee) == (1, j.stock[1].taille, 0)


def test_les_seances_sans_feuille_pour_le_lecteur_aussi(j):
    # The three past sessions of the Creuse have no registration: none waits for a sheet.
    assert tableau_departement(j.lecteur, maintenant=MAINTENANT).sans_feuille == 0
    from ateliers.tests.factories import inscrire

    inscrire(seance(lieu=j.l1, dans_jours=-3))
    assert tableau_departement(j.coordinateur).sans_feuille == 1
    assert tableau_departement(j.lecteur).sans_feuille == 1


def test_la_page_du_coordinateur(j, login):
    c = carnet_remis(j.d, organisme=j.p1, beneficiaire=j.personnes[0], quand=timezone.now())
    encaisser(c, 2, lieu=j.l1, quand=timezone.now())
    response = login(j.coordinateur).get(reverse("accueil"))
    html = response.content.decode()
    assertContains(response, "<h1", count=1)
    assertContains(response, '<svg xmlns="http://www.w3.org/2000/svg"', count=1)
    # The chart's data table follows it.
    assert html.index("<svg") < html.index('id="cheques-par-mois"') < html.index('id="encaissements-par-lieu"')
    assertContains(response, "Chèques remis et encaissés par mois, sur les 12 derniers mois</caption>")
    donnees = json.loads(re.search(r'id="donnees-carte-encaissements"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert donnees == [{"nom": "Médiathèque", "lat": 46.17, "lng": 1.87, "nombre": 2}]
    assertContains(response, "data-carte-encaissements")
    assertContains(response, f'href="{reverse("rapports:demander")}"')
    assertContains(response, f'href="{reverse("rapports:liste")}"')
    assertContains(response, f'href="{reverse("ateliers:sans_feuille")}"')
    assertContains(response, f'href="{reverse("pass_remboursement:liste")}?statut=a_valider"')
    assertNotContains(response, "Limoges")
    assertNotContains(response, "CCAS de Limoges")


def test_la_page_du_lecteur_est_en_lecture_seule(j, login):
    response = login(j.lecteur).get(reverse("accueil"))
    assertContains(response, "<h1", count=1)
    assertContains(response, 'id="cheques-par-mois"')
    assertContains(response, 'id="stocks-prescripteurs"')
    assertContains(response, "CCAS de Guéret")
    assertNotContains(response, f'href="{reverse("ateliers:sans_feuille")}"')
    assertNotContains(response, "/membres/")
    assertNotContains(response, "Limoges")


def test_les_nombres_a_la_francaise(j, login):
    c = carnet_remis(j.d, organisme=j.p1, beneficiaire=j.personnes[0], quand=timezone.now())
    Cheque.objects.filter(pk__in=c.cheques.values("pk")).update(valeur=Decimal("123.45"))
    encaisser(c, 10, lieu=j.l1, quand=timezone.now())
    html = login(j.coordinateur).get(reverse("accueil")).content.decode()
    assert re.search(r"1[\u00a0\u202f]234,50 €", html), "montant en français"


@pytest.mark.parametrize("role", ["coordinateur", "lecteur"])
def test_un_nombre_constant_de_requetes(j, login, role):
    client = login(getattr(j, role))
    with CaptureQueriesContext(connection) as avant:
        client.get(reverse("accueil"))
    for k in range(4):
        lieu = LieuFactory(departement=j.creuse, latitude=46 + k / 10, longitude=2)
        organisme = OrganismePrescripteurFactory(departement=j.creuse)
        c = carnet_remis(
            j.d, organisme=organisme, beneficiaire=BeneficiaireFactory(organisme=organisme), quand=timezone.now()
        )
        bordereau(lieu, j.d, encaisser(c, 3, lieu=lieu, quand=timezone.now()))
        carnet(j.d, taille=5, statut=Carnet.Statut.DOTE, organisme=organisme)
        seance(lieu=lieu, dans_jours=-k - 1)
    with CaptureQueriesContext(connection) as apres:
        response = client.get(reverse("accueil"))
    assert len(response.context["tableau"].lieux) == 4  # this year's only
    assert len(apres.captured_queries) == len(avant.captured_queries) <= 20, len(avant.captured_queries)


def test_reperes_en_janvier():
    r = reperes(le("2025-01-03", "00:30"))
    assert r.premier_mois == datetime.date(2024, 2, 1)
    assert r.annee == r.mois == le("2025-01-01", "00:00")
    assert r.mois_du_graphique[-1] == datetime.date(2025, 1, 1)


def test_un_encaissement_le_1er_janvier_a_0_h_30_est_de_janvier(j):
    avant = {m.mois: m.encaisses for m in tableau_departement(j.coordinateur, maintenant=MAINTENANT).mois}
    encaisser(j.a, 1, lieu=j.l1, quand=le("2025-01-01", "00:30"))  # 31 December, 23:30 UTC
    t = tableau_departement(j.coordinateur, maintenant=MAINTENANT)
    apres = {m.mois: m.encaisses for m in t.mois}
    assert apres[datetime.date(2025, 1, 1)] == avant[datetime.date(2025, 1, 1)] + 1
    assert apres[datetime.date(2024, 12, 1)] == avant[datetime.date(2024, 12, 1)]


@pytest.mark.postgres
def test_les_memes_chiffres_sur_postgresql(j):
    """Months truncated in Europe/Paris by the database: the same figures on PostgreSQL."""
    test_les_chiffres_cles(j)
    test_le_graphique_mois_par_mois(j)
    test_les_encaissements_par_lieu_et_la_carte(j)
    test_le_stock_par_prescripteur(j)
    test_un_encaissement_le_1er_janvier_a_0_h_30_est_de_janvier(j)
