"""A cheque's page: its whole history (generation of its lot, allocation, remise, redemption,
bordereau, validation, payment), who may see it (404 otherwise), and the coordinators' search."""

import pytest
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import (
    DepartementFactory,
    EquipeDepartementaleFactory,
    LieuFactory,
    OrganismePrescripteurFactory,
    make_member,
)
from journal.models import Action

from .. import codes, evenements
from ..models import Carnet
from ..selectors.historique import historique_du_cheque
from ..services.remboursement import creer_bordereaux, enregistrer_paiement, valider_bordereau
from ..services.remise import remettre
from .factories import DispositifFactory, cheques_remis
from .test_remise_donnees import M1, dans, encaisser, monde

pytestmark = pytest.mark.django_db


@pytest.fixture
def vie():
    """A cheque through its whole life, and the journal entries of its neighbours."""
    m = monde(stock=2)
    premier = m.stock[0]
    Carnet.objects.filter(pk__in=[c.pk for c in m.stock]).update(lot="lot-2026-a")
    premier.refresh_from_db()
    evenements.simple(
        action=Action.CHEQUES_GENERES,
        par=m.coordinateur,
        departement=m.dispositif.departement,
        target=m.dispositif,
        details={"lot": "lot-2026-a", "nb_carnets": 2},
    )
    evenements.simple(
        action=Action.CHEQUES_GENERES,
        par=m.coordinateur,
        departement=m.dispositif.departement,
        target=m.dispositif,
        details={"lot": "un-autre-lot", "nb_carnets": 5},
    )
    evenements.par_carnet(action=Action.CARNETS_DOTES, par=m.coordinateur, carnets=m.stock)
    carnet = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    cheque, voisin = list(carnet.cheques.order_by("rang"))[:2]
    mediateur = make_member(Role.MEDIATEUR, organisation=m.lieux[0])
    encaisser(cheque, m.lieux[0], le=dans(M1), par=mediateur)
    encaisser(voisin, m.lieux[0], le=dans(M1), par=mediateur)
    [bordereau] = creer_bordereaux(mois=M1)
    valider_bordereau(par=m.coordinateur, bordereau=bordereau)
    enregistrer_paiement(par=m.coordinateur, bordereau=bordereau, paye_le=timezone.localdate(), reference="MANDAT-7")
    cheque.refresh_from_db()
    m.cheque, m.voisin, m.mediateur, m.bordereau = cheque, voisin, mediateur, bordereau
    return m


def test_historique_complet_et_rien_d_autre(vie):
    entrees = list(historique_du_cheque(vie.cheque))
    actions = [e.action for e in entrees]
    assert actions == [
        Action.CHEQUES_GENERES,
        Action.CARNETS_DOTES,
        Action.CARNET_REMIS,
        Action.CHEQUE_ENCAISSE,
        Action.BORDEREAU_CREE,
        Action.BORDEREAU_VALIDE,
        Action.BORDEREAU_PAYE,
    ]
    assert entrees[0].details["lot"] == "lot-2026-a"
    # The neighbour's redemption and the other booklet's allocation are not in this history.
    assert all(e.target_id != str(vie.voisin.pk) or e.target_type != "pass_numerique.cheque" for e in entrees)
    assert [e.target_id for e in entrees if e.action == Action.CARNETS_DOTES] == [str(vie.cheque.carnet_id)]


def test_la_page_du_cheque_pour_le_coordinateur(vie, login, django_assert_max_num_queries):
    client = login(vie.coordinateur)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("pass_remise:cheque", args=[vie.cheque.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for texte in (
        "Chèques générés",
        "Carnets dotés",
        "Carnet remis",
        "Chèque encaissé",
        "Bordereau créé",
        "Bordereau validé",
        "Bordereau payé",
        "MANDAT-7",
        "Remboursé",
        "Réclamé",
        "Validé",
        vie.beneficiaire.pseudonyme,
    ):
        assert texte in page, texte
    assert vie.beneficiaire.nom not in page


@pytest.mark.parametrize("qui", ["agent", "mediateur", "responsable"])
def test_le_prescripteur_qui_le_tenait_et_le_lieu_qui_l_a_encaisse(vie, login, qui):
    par = {
        "agent": vie.agent,
        "mediateur": vie.mediateur,
        "responsable": make_member(Role.RESPONSABLE, organisation=vie.lieux[0]),
    }[qui]
    response = login(par).get(reverse("pass_remise:cheque", args=[vie.cheque.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chèque encaissé" in page
    # A place does not learn which person held the cheque; a coordinator's name stays hidden.
    assert (vie.beneficiaire.pseudonyme in page) == (qui == "agent")
    assert vie.coordinateur.user.get_full_name() not in page


def test_les_autres_ont_une_404(vie, login):
    autres = [
        make_member(Role.AGENT, organisation=OrganismePrescripteurFactory(departement=vie.dispositif.departement)),
        make_member(Role.MEDIATEUR, organisation=LieuFactory(departement=vie.dispositif.departement)),
        make_member(
            Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=DepartementFactory(code="87"))
        ),
    ]
    for par in autres:
        client = login(par)
        assert client.get(reverse("pass_remise:cheque", args=[vie.cheque.pk])).status_code == 404
        client.logout()
    lecteur = make_member(Role.LECTEUR, organisation=vie.coordinateur.organisation)
    assert login(lecteur).get(reverse("pass_remise:cheque", args=[vie.cheque.pk])).status_code == 403


def test_recherche_par_code_ou_numero(vie, login):
    client = login(vie.coordinateur)
    url = reverse("pass_remise:recherche_cheque")
    assert client.get(url).status_code == 200
    cible = reverse("pass_remise:cheque", args=[vie.cheque.pk])
    for saisie in (
        codes.formater(vie.cheque.code).lower(),
        str(vie.cheque.numero_serie),
        f"n° {vie.cheque.numero_serie}",
    ):
        response = client.get(url, {"q": saisie})
        assert response.status_code == 302 and response.url == cible, saisie
    faute = vie.cheque.code[:-1] + ("2" if vie.cheque.code[-1] != "2" else "3")
    page = client.get(url, {"q": faute}).content.decode()
    assert "faute de frappe" in page
    ailleurs = cheques_remis(DispositifFactory(departement=DepartementFactory(code="87")), taille=5)[0]
    page = client.get(url, {"q": ailleurs.code}).content.decode()
    assert "Aucun chèque de votre département" in page


def test_recherche_reservee_aux_coordinateurs(vie, login):
    assert login(vie.agent).get(reverse("pass_remise:recherche_cheque")).status_code == 403
