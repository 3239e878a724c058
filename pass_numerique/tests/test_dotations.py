"""Dotations: allocate booklets to a participating prescriber, return them to the département,
transfer them between prescribers — through the state machine only, journalled per booklet."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import DepartementFactory, OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement
from pass_numerique import etats
from pass_numerique.models import Carnet, Cheque, Participation
from pass_numerique.services import dotations
from pass_numerique.services.generation import generer
from pass_numerique.tests.factories import DispositifFactory

from .test_dispositifs_services import coordinateur

pytestmark = pytest.mark.django_db


@pytest.fixture
def coord():
    return coordinateur()


@pytest.fixture
def dispositif(coord):
    dispositif = DispositifFactory(budget=Decimal("100000"))
    generer(par=coord, dispositif=dispositif, nb_carnets=5, taille=10)
    return dispositif


def participant(dispositif, **kwargs):
    organisme = OrganismePrescripteurFactory(departement=dispositif.departement, **kwargs)
    Participation.objects.create(dispositif=dispositif, organisme=organisme)
    return organisme


def etat():
    """{carnet number: (carnet state, holder, sorted cheque states)}"""
    resultat = {}
    for carnet in Carnet.objects.prefetch_related("cheques").order_by("numero"):
        resultat[carnet.numero] = (carnet.statut, carnet.organisme_id, sorted({c.statut for c in carnet.cheques.all()}))
    return resultat


def journal(action):
    return list(Evenement.objects.filter(action=action).order_by("pk"))


# --- doter ----------------------------------------------------------------------------------------


def test_doter_prend_les_plus_petits_numeros(coord, dispositif):
    organisme = participant(dispositif)

    carnets = dotations.doter(par=coord, dispositif=dispositif, organisme=organisme, nb_carnets=2)

    assert [c.numero for c in carnets] == [1, 2]
    assert all(c.dote_le is not None for c in carnets)
    assert etat() == {
        1: ("dote", organisme.pk, ["dote"]),
        2: ("dote", organisme.pk, ["dote"]),
        3: ("genere", None, ["genere"]),
        4: ("genere", None, ["genere"]),
        5: ("genere", None, ["genere"]),
    }
    entrees = journal(Action.CARNETS_DOTES)
    assert [e.target_id for e in entrees] == [str(c.pk) for c in carnets]
    assert entrees[0].details == {
        "numero": 1,
        "dispositif": dispositif.pk,
        "organisme": organisme.pk,
        "organisme_nom": organisme.nom,
    }
    assert [c.numero for c in dotations.doter(par=coord, dispositif=dispositif, organisme=organisme, nb_carnets=1)] == [
        3
    ]


def test_doter_par_taille_et_un_cheque_annule_reste_annule(coord, dispositif):
    generer(par=coord, dispositif=dispositif, nb_carnets=2, taille=5)  # booklets 6 and 7
    Cheque.objects.filter(carnet__numero=6, rang=1).update(statut="annule")
    organisme = participant(dispositif)

    carnets = dotations.doter(par=coord, dispositif=dispositif, organisme=organisme, nb_carnets=1, taille=5)

    assert [c.numero for c in carnets] == [6]
    assert etat()[6] == ("dote", organisme.pk, ["annule", "dote"])


@pytest.mark.parametrize(
    ("nb_carnets", "message"),
    [
        (6, "Stock insuffisant : il reste 5 carnets au département pour ce dispositif, vous en demandez 6."),
        (0, "supérieur ou égal à 1"),
    ],
)
def test_doter_plus_que_le_stock(coord, dispositif, nb_carnets, message):
    organisme = participant(dispositif)
    avant = etat()
    with pytest.raises(ValidationError) as exc:
        dotations.doter(par=coord, dispositif=dispositif, organisme=organisme, nb_carnets=nb_carnets)
    assert message in exc.value.message_dict["nb_carnets"][0]
    assert etat() == avant and not journal(Action.CARNETS_DOTES)


def test_doter_un_organisme_qui_ne_participe_pas(coord, dispositif):
    absent = OrganismePrescripteurFactory(departement=dispositif.departement, nom="CCAS absent")
    ailleurs = OrganismePrescripteurFactory(departement=DepartementFactory(code="87"))
    ferme = participant(dispositif, ferme_le=timezone.now())
    avant = etat()
    with pytest.raises(ValidationError, match="« CCAS absent » ne participe pas au dispositif"):
        dotations.doter(par=coord, dispositif=dispositif, organisme=absent, nb_carnets=1)
    with pytest.raises(ValidationError, match="pas dans le département"):
        dotations.doter(par=coord, dispositif=dispositif, organisme=ailleurs, nb_carnets=1)
    with pytest.raises(ValidationError, match="est fermé"):
        dotations.doter(par=coord, dispositif=dispositif, organisme=ferme, nb_carnets=1)
    assert etat() == avant


def test_seul_un_coordinateur_du_departement_dote(dispositif):
    organisme = participant(dispositif)
    referent = make_member(Role.REFERENT, organisation=organisme)
    for par in (referent, coordinateur(role=Role.LECTEUR), coordinateur("87")):
        with pytest.raises(PermissionDenied):
            dotations.doter(par=par, dispositif=dispositif, organisme=organisme, nb_carnets=1)
    assert not journal(Action.CARNETS_DOTES)


def test_pas_de_dotation_pour_un_dispositif_clos(coord, dispositif):
    organisme = participant(dispositif)
    dispositif.clos_le = timezone.now()
    dispositif.save()
    with pytest.raises(ValidationError, match="est clos"):
        dotations.doter(par=coord, dispositif=dispositif, organisme=organisme, nb_carnets=1)


# --- retourner --------------------------------------------------------------------------------------


def test_le_referent_retourne_des_carnets_inutilises(coord, dispositif):
    organisme = participant(dispositif)
    referent = make_member(Role.REFERENT, organisation=organisme)
    carnets = dotations.doter(par=coord, dispositif=dispositif, organisme=organisme, nb_carnets=3)

    dotations.retourner(par=referent, carnets=carnets[:2])

    assert etat()[1] == etat()[2] == ("genere", None, ["genere"])
    assert etat()[3] == ("dote", organisme.pk, ["dote"])
    assert Carnet.objects.get(numero=1).dote_le is None
    entrees = journal(Action.CARNETS_RETOURNES)
    assert [(e.actor, e.organisation_id, e.details["numero"]) for e in entrees] == [
        (referent.user, organisme.pk, 1),
        (referent.user, organisme.pk, 2),
    ]
    # Back in the département's stock: the next allocation takes them first.
    autre = participant(dispositif)
    assert [c.numero for c in dotations.doter(par=coord, dispositif=dispositif, organisme=autre, nb_carnets=2)] == [
        1,
        2,
    ]


def test_le_coordinateur_retourne_des_carnets_de_plusieurs_organismes(coord, dispositif):
    premier, second = participant(dispositif), participant(dispositif)
    carnets = dotations.doter(par=coord, dispositif=dispositif, organisme=premier, nb_carnets=1)
    carnets += dotations.doter(par=coord, dispositif=dispositif, organisme=second, nb_carnets=1)

    dotations.retourner(par=coord, carnets=[c.pk for c in carnets])

    assert {e.details["organisme"] for e in journal(Action.CARNETS_RETOURNES)} == {premier.pk, second.pk}
    assert Carnet.objects.filter(statut="genere").count() == 5


def test_on_ne_retourne_pas_les_carnets_des_autres(coord, dispositif):
    organisme, voisin = participant(dispositif), participant(dispositif)
    carnets = dotations.doter(par=coord, dispositif=dispositif, organisme=organisme, nb_carnets=1)
    avant = etat()
    for par in (
        make_member(Role.REFERENT, organisation=voisin),
        make_member(Role.AGENT, organisation=organisme),
        coordinateur(role=Role.LECTEUR),
        coordinateur("87"),
    ):
        with pytest.raises(PermissionDenied):
            dotations.retourner(par=par, carnets=carnets)
    assert etat() == avant and not journal(Action.CARNETS_RETOURNES)


def test_un_carnet_remis_ne_revient_pas_et_rien_ne_change(coord, dispositif):
    organisme = participant(dispositif)
    referent = make_member(Role.REFERENT, organisation=organisme)
    carnets = dotations.doter(par=coord, dispositif=dispositif, organisme=organisme, nb_carnets=2)
    Carnet.objects.filter(pk=carnets[1].pk).update(statut="annule")
    avant = etat()

    with pytest.raises(ValidationError, match="Le carnet n° 2 n’est pas dans le stock d’un prescripteur"):
        dotations.retourner(par=referent, carnets=carnets)

    assert etat() == avant
    with pytest.raises(ValidationError, match="Choisissez au moins un carnet"):
        dotations.retourner(par=referent, carnets=[])


# --- transferer -------------------------------------------------------------------------------------


def test_transferer_des_carnets(coord, dispositif):
    de, vers = participant(dispositif), participant(dispositif)
    carnets = dotations.doter(par=coord, dispositif=dispositif, organisme=de, nb_carnets=2)

    dotations.transferer(par=coord, carnets=carnets, vers_organisme=vers)

    assert etat()[1] == etat()[2] == ("dote", vers.pk, ["dote"])
    transferts = [e for e in journal(Action.CARNETS_DOTES) if "transfert_de" in e.details]
    assert [(e.details["organisme"], e.details["transfert_de"]) for e in transferts] == [(vers.pk, de.pk)] * 2


def test_les_transferts_impossibles(coord, dispositif):
    de, vers = participant(dispositif), participant(dispositif)
    absent = OrganismePrescripteurFactory(departement=dispositif.departement)
    carnets = dotations.doter(par=coord, dispositif=dispositif, organisme=de, nb_carnets=1)
    en_stock_departement = Carnet.objects.get(numero=5)
    avant = etat()
    with pytest.raises(ValidationError, match="ne participe pas"):
        dotations.transferer(par=coord, carnets=carnets, vers_organisme=absent)
    with pytest.raises(ValidationError, match="déjà dans le stock"):
        dotations.transferer(par=coord, carnets=carnets, vers_organisme=de)
    with pytest.raises(ValidationError, match="n’est pas dans le stock d’un prescripteur"):
        dotations.transferer(par=coord, carnets=[en_stock_departement], vers_organisme=vers)
    with pytest.raises(PermissionDenied):
        dotations.transferer(par=make_member(Role.REFERENT, organisation=de), carnets=carnets, vers_organisme=vers)
    assert etat() == avant


# --- the state machine ------------------------------------------------------------------------------


def test_les_changements_d_etat_passent_par_la_machine_a_etats(coord, dispositif):
    organisme = participant(dispositif)
    carnets = dotations.doter(par=coord, dispositif=dispositif, organisme=organisme, nb_carnets=1)
    ids = [c.pk for c in carnets]
    maintenant = timezone.now()

    with pytest.raises(etats.TransitionInterdite):  # remis → généré is not a transition
        dotations._changer_etat(ids, avant="remis", apres="genere", maintenant=maintenant)
    with pytest.raises(etats.TransitionInterdite):  # généré → remis skips the prescriber's stock
        dotations._changer_etat(ids, avant="genere", apres="remis", maintenant=maintenant)
    # A booklet that is no longer in the expected state: the conditional UPDATE misses it.
    with pytest.raises(dotations.StockModifie):
        dotations._changer_etat(ids, avant="genere", apres="dote", maintenant=maintenant, organisme=organisme)
    assert etat()[1] == ("dote", organisme.pk, ["dote"])
