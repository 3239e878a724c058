"""The prescriber's and the place's dashboards: figures against the data built here, the parcours
statuses computed in bulk against the per-person helper, scope, constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from ateliers.models import Inscription
from ateliers.selectors.parcours import Statut, parcours_de
from ateliers.tests.factories import AtelierFactory, inscrire, seance
from beneficiaires.tests.factories import BeneficiaireFactory, commune
from comptes.models import Role
from comptes.tests.factories import LieuFactory, OrganismePrescripteurFactory, make_member
from pass_numerique.models import Bordereau, Carnet
from pass_numerique.tests.factories import DispositifFactory, carnet
from rapports.selectors.tableaux import reperes, statuts_de_parcours, tableau_lieu, tableau_prescripteur

from .factories_tableaux import bordereau, carnet_remis, encaisser

pytestmark = pytest.mark.django_db
PRESENT = Inscription.Presence.PRESENT


@pytest.fixture
def creuse():
    return commune("23096").departement


# --- Prescriber ---------------------------------------------------------------------------------


@pytest.fixture
def p(creuse):
    class P:
        pass

    p = P()
    p.organisme = OrganismePrescripteurFactory(departement=creuse, nom="CCAS de Guéret")
    p.agent = make_member(Role.AGENT, organisation=p.organisme)
    p.referent = make_member(Role.REFERENT, organisation=p.organisme)
    p.d1 = DispositifFactory(departement=creuse, nom="Pass 2025")
    p.d2 = DispositifFactory(departement=creuse, nom="Pass seniors")
    r = reperes()
    p.personne = BeneficiaireFactory(organisme=p.organisme)
    # Handed out this month, earlier this year (or this month in January), last year.
    p.remis = [
        carnet_remis(p.d1, organisme=p.organisme, beneficiaire=p.personne, quand=timezone.now()),
        carnet_remis(p.d1, organisme=p.organisme, beneficiaire=p.personne, quand=r.annee + datetime.timedelta(hours=1)),
        carnet_remis(p.d2, organisme=p.organisme, beneficiaire=p.personne, quand=r.annee - datetime.timedelta(days=2)),
    ]
    p.stock = [
        carnet(p.d1, taille=10, statut=Carnet.Statut.DOTE, organisme=p.organisme),
        carnet(p.d2, taille=5, statut=Carnet.Statut.DOTE, organisme=p.organisme),
        carnet(p.d2, taille=5, statut=Carnet.Statut.DOTE, organisme=p.organisme),
    ]
    # Another prescriber of the same département, and its stock.
    autre = OrganismePrescripteurFactory(departement=creuse, nom="Mission locale")
    carnet(p.d1, taille=10, statut=Carnet.Statut.DOTE, organisme=autre)
    carnet_remis(p.d1, organisme=autre, beneficiaire=BeneficiaireFactory(organisme=autre), quand=timezone.now())
    return p


def test_le_stock_et_les_carnets_remis(p):
    t = tableau_prescripteur(p.agent)
    r = reperes()
    par_dispositif = {s.dispositif: s for s in t.stocks}
    assert list(par_dispositif) == ["Pass 2025", "Pass seniors"]
    for d, ligne in ((p.d1, par_dispositif["Pass 2025"]), (p.d2, par_dispositif["Pass seniors"])):
        stock = [c for c in p.stock if c.dispositif_id == d.pk]
        remis = [c for c in p.remis if c.dispositif_id == d.pk]
        assert ligne.carnets_en_stock == len(stock)
        assert ligne.cheques_en_stock == sum(c.taille for c in stock)
        assert ligne.carnets_remis_mois == sum(c.remis_le >= r.mois for c in remis)
        assert ligne.carnets_remis_annee == sum(c.remis_le >= r.annee for c in remis)
    assert (t.en_stock, t.remis_annee) == (3, 2)  # the other prescriber's booklets are not counted


def test_le_parcours_des_personnes_suivies_en_une_fois(p, creuse):
    lieu = LieuFactory(departement=creuse)
    atelier = AtelierFactory(lieu=lieu, duree_minutes=120)
    maintenant = timezone.now()

    def personne():
        return BeneficiaireFactory(organisme=p.organisme)

    inscrire(seance(atelier, dans_jours=3), personne())  # registered, to come
    inscrire(seance(atelier, dans_jours=-3), personne())  # never came
    inscrire(seance(atelier, dans_jours=-5), personne(), presence=PRESENT)  # started
    termine = personne()
    for jours in (-60, -40):
        inscrire(seance(atelier, dans_jours=jours), termine, presence=PRESENT)  # finished
    # In a session that started 10 minutes ago: to come, not « never came ».
    inscrire(seance(atelier, debut=maintenant - datetime.timedelta(minutes=10)), personne())
    annulee = seance(atelier, dans_jours=-2, annulee_le=maintenant)
    inscrire(annulee, personne())  # a cancelled session does not count: no session
    inscrire(seance(atelier, dans_jours=4), personne(), statut=Inscription.Statut.ATTENTE)  # waiting list
    # Someone the prescriber does not follow.
    inscrire(seance(atelier, dans_jours=-5), BeneficiaireFactory(), presence=PRESENT)

    suivies = list(p.organisme.suivis.values_list("beneficiaire_id", flat=True))
    from beneficiaires.models import Beneficiaire

    attendu = {}
    for b in Beneficiaire.objects.filter(pk__in=suivies):
        statut = parcours_de(b, p.agent, maintenant=maintenant).statut
        attendu[statut] = attendu.get(statut, 0) + 1
    comptes = statuts_de_parcours(Beneficiaire.objects.filter(pk__in=suivies), maintenant=maintenant)
    assert {k: v for k, v in comptes.items() if v} == attendu
    assert attendu == {
        Statut.AUCUNE: 3,
        Statut.INSCRIT: 2,
        Statut.JAMAIS_VENU: 1,
        Statut.COMMENCE: 1,
        Statut.TERMINE: 1,
    }

    t = tableau_prescripteur(p.agent, maintenant=maintenant)
    assert t.personnes == len(suivies) == 8
    assert [(s, n) for s, _libelle, n in t.parcours] == [
        (s, attendu.get(s, 0))
        for s in (Statut.AUCUNE, Statut.INSCRIT, Statut.JAMAIS_VENU, Statut.COMMENCE, Statut.TERMINE)
    ]


def test_la_page_du_prescripteur(p, login):
    response = login(p.agent).get(reverse("accueil"))
    assertContains(response, "<h1", count=1)
    assertContains(response, 'id="stock-par-dispositif"')
    assertContains(response, 'id="parcours-des-personnes"')
    assertContains(response, "Pass seniors")
    assertContains(response, f'href="{reverse("pass_dispositifs:stock")}"')
    assertContains(response, f'href="{reverse("beneficiaires:orientations_envoyees")}?statut=a_contacter"')
    assertNotContains(response, "/membres/")
    assertContains(login(p.referent).get(reverse("accueil")), "/membres/")


def test_le_prescripteur_en_nombre_constant_de_requetes(p, creuse, login):
    client = login(p.referent)
    with CaptureQueriesContext(connection) as avant:
        client.get(reverse("accueil"))
    atelier = AtelierFactory(lieu=LieuFactory(departement=creuse))
    for k in range(6):
        b = BeneficiaireFactory(organisme=p.organisme)
        inscrire(seance(atelier, dans_jours=-k - 1), b, presence=PRESENT)
        carnet_remis(DispositifFactory(departement=creuse), organisme=p.organisme, beneficiaire=b, quand=timezone.now())
    with CaptureQueriesContext(connection) as apres:
        response = client.get(reverse("accueil"))
    assert len(response.context["tableau"].stocks) == 8
    assert len(apres.captured_queries) == len(avant.captured_queries) <= 20, len(avant.captured_queries)


def remis_a_quelqu_un(dispositif, *, quand):
    organisme = OrganismePrescripteurFactory(departement=dispositif.departement)
    return carnet_remis(dispositif, organisme=organisme, beneficiaire=BeneficiaireFactory(), quand=quand)


# --- Place -------------------------------------------------------------------------------------


@pytest.fixture
def lieu_jeu(creuse):
    class L:
        pass

    m = L()
    m.lieu = LieuFactory(departement=creuse, nom="Médiathèque de Guéret")
    m.autre = LieuFactory(departement=creuse, nom="Autre lieu")
    m.responsable = make_member(Role.RESPONSABLE, organisation=m.lieu)
    m.mediateur = make_member(Role.MEDIATEUR, organisation=m.lieu)
    m.atelier = AtelierFactory(lieu=m.lieu, titre="Premiers pas sur tablette", capacite=8)
    m.dans_2_jours = seance(m.atelier, dans_jours=2)
    for statut in (Inscription.Statut.INSCRIT, Inscription.Statut.INSCRIT, Inscription.Statut.DESINSCRIT):
        inscrire(m.dans_2_jours, statut=statut)
    seance(m.atelier, dans_jours=10)  # beyond 7 days
    seance(m.atelier, dans_jours=3, annulee_le=timezone.now())  # cancelled
    seance(AtelierFactory(lieu=m.autre, titre="Atelier d’un autre lieu"), dans_jours=1)
    d = DispositifFactory(departement=creuse)
    r = reperes()
    c = carnet_remis(
        d, organisme=OrganismePrescripteurFactory(departement=creuse), beneficiaire=BeneficiaireFactory(), quand=r.annee
    )
    m.ce_mois = encaisser(c, 2, lieu=m.lieu, quand=timezone.now())
    m.debut_annee = encaisser(c, 3, lieu=m.lieu, quand=r.annee + datetime.timedelta(hours=1))
    m.an_dernier = encaisser(c, 1, lieu=m.lieu, quand=r.annee - datetime.timedelta(days=3))
    encaisser(c, 4, lieu=m.autre, quand=timezone.now())
    # Bordereaux: validated (the year's first three), paid (last year's), none for this month's.
    bordereau(m.lieu, d, m.debut_annee, statut=Bordereau.Statut.VALIDE)
    bordereau(m.lieu, d, m.an_dernier, statut=Bordereau.Statut.PAYE)
    return m


def test_les_chiffres_du_lieu(lieu_jeu):
    m = lieu_jeu
    t = tableau_lieu(m.mediateur)
    r = reperes()
    assert [(s.pk, s.nb_inscrits) for s in t.seances] == [(m.dans_2_jours.pk, 2)]
    encaisses = m.ce_mois + m.debut_annee + m.an_dernier
    du_mois = [x for x in encaisses if x.encaisse_le >= r.mois]
    de_l_annee = [x for x in encaisses if x.encaisse_le >= r.annee]
    assert t.cheques == {
        "mois": len(du_mois),
        "montant_mois": sum((x.valeur for x in du_mois), Decimal(0)),
        "annee": len(de_l_annee),
        "montant_annee": sum((x.valeur for x in de_l_annee), Decimal(0)),
    }
    assert t.totaux == {
        "en_attente": sum(x.valeur for x in m.ce_mois),  # redeemed, not claimed yet
        "valide": sum(x.valeur for x in m.debut_annee),
        "paye": sum(x.valeur for x in m.an_dernier),
    }


def test_la_page_du_lieu(lieu_jeu, login):
    response = login(lieu_jeu.mediateur).get(reverse("accueil"))
    assertContains(response, "<h1", count=1)
    assertContains(response, "<h2>Ce mois-ci</h2>")
    assertContains(response, 'id="seances-a-venir"')
    assertContains(response, "Premiers pas sur tablette")
    assertContains(response, "2 / 8")
    assertContains(response, f'href="{reverse("ateliers:seance", args=[lieu_jeu.dans_2_jours.pk])}"')
    assertNotContains(response, "Atelier d’un autre lieu")
    assertContains(response, f'href="{reverse("pass_remboursement:lieu", args=[lieu_jeu.lieu.pk])}"')
    assertContains(response, "30,00 €")  # validated, not paid: three cheques of 10 €


def test_le_lieu_en_nombre_constant_de_requetes(lieu_jeu, login, creuse):
    m = lieu_jeu
    client = login(m.responsable)
    with CaptureQueriesContext(connection) as avant:
        client.get(reverse("accueil"))
    for k in range(5):
        s = seance(m.atelier, dans_jours=k % 6 + 1)
        inscrire(s)
        d = DispositifFactory(departement=creuse)
        c = carnet_remis(
            d,
            organisme=OrganismePrescripteurFactory(departement=creuse),
            beneficiaire=BeneficiaireFactory(),
            quand=timezone.now(),
        )
        bordereau(m.lieu, d, encaisser(c, 2, lieu=m.lieu, quand=timezone.now()))
    with CaptureQueriesContext(connection) as apres:
        response = client.get(reverse("accueil"))
    assert len(response.context["tableau"].seances) == 6
    assert len(apres.captured_queries) == len(avant.captured_queries) <= 25, len(avant.captured_queries)
