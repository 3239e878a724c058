"""The merge page (pk = the record to keep; coordinators only): search for the other record,
compare side by side, confirm; clear French errors; permissions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaires.models import Beneficiaire
from beneficiaires.services import fusion
from beneficiaires.services.anonymisation import MOTIF_EFFACEMENT, anonymiser
from comptes.models import Role
from comptes.tests.factories import DepartementFactory, LieuFactory, OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement

from .factories import BeneficiaireFactory, OrientationFactory, agent_qui_suit, commune

pytestmark = pytest.mark.django_db
NE_LE = datetime.date(1972, 8, 14)


@pytest.fixture
def conservee():
    return BeneficiaireFactory(nom="Fournier", prenom="Élodie", date_naissance=NE_LE, telephone="", email="")


@pytest.fixture
def doublon():
    return BeneficiaireFactory(
        nom="Fourier", prenom="Elodie", date_naissance=NE_LE, telephone="+33555443322", email="elodie@exemple.test"
    )


@pytest.fixture
def coordination(conservee):
    return make_member(Role.COORDINATEUR, departement=conservee.departement)


def url(b, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("beneficiaires:fusionner", args=[b.pk]) + (f"?{query}" if query else "")


def fusionnes() -> int:
    return Beneficiaire.objects.filter(fusionne_dans__isnull=False).count()


# --- Search -------------------------------------------------------------------------------------


def test_sans_recherche_les_fiches_qui_ressemblent(client, login, conservee, doublon, coordination):
    homonyme = BeneficiaireFactory(nom="Fournier", prenom="Paul")
    BeneficiaireFactory(nom="Martin", prenom="Luc")
    ailleurs = BeneficiaireFactory(nom="Fournier", prenom="Rose", commune=commune("87085"), date_naissance=NE_LE)
    anonymisee = BeneficiaireFactory(nom="Fournier", prenom="Zoé", date_naissance=NE_LE)
    anonymiser(par=coordination, beneficiaire=anonymisee, motif=MOTIF_EFFACEMENT)
    login(coordination)
    page = client.get(url(conservee)).content.decode()
    assert "2 fiches avec la même date de naissance ou le même nom" in page
    assert doublon.pseudonyme in page and homonyme.pseudonyme in page
    assert doublon.suivis.get().organisme.nom in page and "14/08/1972" in page
    assert "Martin" not in page and ailleurs.pseudonyme not in page and anonymisee.pseudonyme not in page
    assert f"?autre={doublon.pk}" in page


@pytest.mark.parametrize("q", ["fourier elodie", "ÉLODIE FOURIER", "fouri"])
def test_recherche_par_nom(client, login, conservee, doublon, coordination, q):
    BeneficiaireFactory(nom="Martin", prenom="Luc")
    login(coordination)
    page = client.get(url(conservee, q=q)).content.decode()
    assert "1 fiche correspondant à" in page and doublon.pseudonyme in page
    assert f"?autre={conservee.pk}" not in page  # never the record itself


def test_recherche_par_reference(client, login, conservee, doublon, coordination):
    login(coordination)
    page = client.get(url(conservee, q=doublon.pseudonyme.lower())).content.decode()
    assert "1 fiche correspondant à" in page and doublon.pseudonyme in page


def test_recherche_sans_resultat(client, login, conservee, coordination):
    login(coordination)
    page = client.get(url(conservee, q="personne")).content.decode()
    assert "Aucune fiche du département ne correspond à « personne »" in page


def test_recherche_nombre_de_requetes_constant(client, login, conservee, coordination):
    login(coordination)

    def requetes() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(conservee, q="dupuis")).status_code == 200
        return len(ctx.captured_queries)

    BeneficiaireFactory(nom="Dupuis", prenom="Anne")
    peu = requetes()
    for i in range(15):
        BeneficiaireFactory(nom="Dupuis", prenom=f"Anne{i}")
    assert requetes() == peu


# --- Comparison and confirmation -------------------------------------------------------------


def test_comparaison_cote_a_cote(client, login, conservee, doublon, coordination):
    login(coordination)
    page = client.get(url(conservee, autre=doublon.pk)).content.decode()
    assert f"Fusionner les fiches {conservee.pseudonyme} et {doublon.pseudonyme} ?" in page
    assert "Fournier" in page and "Fourier" in page
    assert "+33555443322" in page  # taken by the kept record: shown in « Après la fusion »
    assert "(différent)" in page
    assert "La fusion est définitive" in page and "historique reste lisible" in page
    assert 'name="confirmation"' in page
    # Both records were shown: two reads in the journal.
    lectures = Evenement.objects.filter(action=Action.BENEFICIAIRE_CONSULTE, details={"vue": "fusionner"})
    assert set(lectures.values_list("target_id", flat=True)) == {str(conservee.pk), str(doublon.pk)}


def test_fusion_confirmee(client, login, conservee, doublon, coordination):
    login(coordination)
    reponse = client.post(url(conservee), {"autre": doublon.pk, "confirmation": "on"})
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("beneficiaires:fiche", args=[conservee.pk])
    doublon.refresh_from_db()
    conservee.refresh_from_db()
    assert doublon.fusionne_dans_id == conservee.pk
    assert conservee.telephone == "+33555443322"
    assert Evenement.objects.filter(action=Action.BENEFICIAIRE_FUSIONNE).count() == 2
    messages = [str(m) for m in reponse.wsgi_request._messages]
    assert f"la fiche {doublon.pseudonyme} est réunie dans la fiche {conservee.pseudonyme}" in messages[0]


def test_sans_la_case_rien_n_est_fusionne(client, login, conservee, doublon, coordination):
    login(coordination)
    reponse = client.post(url(conservee), {"autre": doublon.pk})
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Cochez la case pour confirmer la fusion : elle ne peut pas être annulée." in page
    assert 'aria-invalid="true"' in page
    assert fusionnes() == 0


@pytest.mark.parametrize("methode", ["get", "post"])
def test_erreurs_en_francais(client, login, conservee, doublon, coordination, methode):
    def essai(autre) -> str:
        if methode == "get":  # the comparison page
            reponse = client.get(url(conservee, autre=autre.pk))
        else:  # the confirmation (two coordinators at once, or a crafted form)
            reponse = client.post(url(conservee), {"autre": autre.pk, "confirmation": "on"})
        assert reponse.status_code == 200
        return reponse.content.decode()

    login(coordination)
    assert "une fiche ne peut pas être fusionnée avec elle-même" in essai(conservee)

    anonymisee = BeneficiaireFactory()
    anonymiser(par=coordination, beneficiaire=anonymisee, motif=MOTIF_EFFACEMENT)
    assert f"La fiche {anonymisee.pseudonyme} est anonymisée" in essai(anonymisee)

    deja = BeneficiaireFactory()
    fusion.fusionner(par=coordination, conservee=BeneficiaireFactory(), absorbee=deja)
    assert f"La fiche {deja.pseudonyme} a déjà été fusionnée dans une autre fiche" in essai(deja)

    lieu = LieuFactory(departement=conservee.departement)
    OrientationFactory(beneficiaire=conservee, lieu=lieu)
    OrientationFactory(beneficiaire=doublon, lieu=lieu)
    assert "Les deux fiches attendent une réponse du même lieu" in essai(doublon)

    assert fusionnes() == 1  # only the one made above, directly


def test_une_fiche_conservee_anonymisee(client, login, conservee, coordination):
    anonymiser(par=coordination, beneficiaire=conservee, motif=MOTIF_EFFACEMENT)
    login(coordination)
    reponse = client.get(url(conservee))
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("beneficiaires:fiche", args=[conservee.pk])


def test_une_autre_fiche_hors_du_departement_404(client, login, conservee, coordination):
    ailleurs = BeneficiaireFactory(commune=commune("87085"))
    login(coordination)
    assert client.get(url(conservee, autre=ailleurs.pk)).status_code == 404
    assert client.post(url(conservee), {"autre": ailleurs.pk, "confirmation": "on"}).status_code == 404
    assert client.get(url(conservee, autre="abc")).status_code == 404
    assert fusionnes() == 0


# --- Who may merge ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.AGENT, Role.REFERENT, Role.LECTEUR, Role.RESPONSABLE, Role.MEDIATEUR])
def test_seule_la_coordination_fusionne(client, login, conservee, doublon, role):
    if role in (Role.AGENT, Role.REFERENT):
        organisme = OrganismePrescripteurFactory(departement=conservee.departement)
        membre = agent_qui_suit(conservee, role)
        BeneficiaireFactory(organisme=organisme)
    else:
        membre = make_member(role, departement=conservee.departement)
    login(membre)
    assert client.get(url(conservee)).status_code == 403
    assert client.post(url(conservee), {"autre": doublon.pk, "confirmation": "on"}).status_code == 403
    assert fusionnes() == 0


def test_coordination_d_un_autre_departement_404(client, login, conservee, doublon):
    login(make_member(Role.COORDINATEUR, departement=DepartementFactory(code="87")))
    assert client.get(url(conservee)).status_code == 404
    assert client.post(url(conservee), {"autre": doublon.pk, "confirmation": "on"}).status_code == 404
    assert fusionnes() == 0
