"""Concurrency on PostgreSQL (each thread has its own connection and transaction):
- agents handing out booklets at the same time never get the same booklet (SKIP LOCKED), and
  the stock runs out cleanly;
- one person, many simultaneous remises of one dispositif: one booklet (the rule holds);
- two runs of the monthly bordereaux at once: one bordereau, each cheque claimed once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from beneficiaires.tests.factories import BeneficiaireFactory
from comptes.models import Role
from comptes.tests.factories import make_member
from journal.models import Action, Evenement

from ..models import Bordereau, Carnet, LigneBordereau
from ..services.remboursement import creer_bordereaux
from ..services.remise import remettre
from .test_remise_donnees import M1, dans, encaisser, monde

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def en_parallele(fonction, n: int) -> list:
    depart = threading.Barrier(n)
    resultats = [None] * n

    def tache(i):
        try:
            depart.wait(timeout=30)
            resultats[i] = fonction(i)
        except Exception as exc:  # noqa: BLE001 - returned, asserted by the caller
            resultats[i] = exc
        finally:
            connection.close()

    fils = [threading.Thread(target=tache, args=(i,)) for i in range(n)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=120)
    return resultats


def test_douze_agents_dix_carnets_jamais_le_meme():
    m = monde(stock=10, taille=5)
    agents = [m.agent, *(make_member(Role.AGENT, organisation=m.organisme) for _ in range(3))]
    personnes = [m.beneficiaire, *(BeneficiaireFactory(organisme=m.organisme) for _ in range(11))]

    resultats = en_parallele(
        lambda i: remettre(par=agents[i % 4], beneficiaire=personnes[i], dispositif=m.dispositif), 12
    )

    remis = [r for r in resultats if isinstance(r, Carnet)]
    refus = [r for r in resultats if isinstance(r, ValidationError)]
    assert len(remis) == 10 and len(refus) == 2, resultats
    assert len({c.pk for c in remis}) == 10
    assert all("plus de carnet en stock" in r.messages[0] for r in refus)
    assert Carnet.objects.filter(statut=Carnet.Statut.REMIS).count() == 10
    assert Evenement.objects.filter(action=Action.CARNET_REMIS).count() == 10


def test_une_personne_un_seul_carnet_meme_en_meme_temps():
    m = monde(stock=6)
    agents = [m.agent, make_member(Role.REFERENT, organisation=m.organisme)]
    resultats = en_parallele(
        lambda i: remettre(par=agents[i % 2], beneficiaire=m.beneficiaire, dispositif=m.dispositif), 6
    )
    assert sum(isinstance(r, Carnet) for r in resultats) == 1, resultats
    assert Carnet.objects.filter(beneficiaire=m.beneficiaire).count() == 1


def test_deux_creations_de_bordereaux_simultanees():
    m = monde()
    carnet = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    for cheque in carnet.cheques.all():
        encaisser(cheque, m.lieux[0], le=dans(M1))
    resultats = en_parallele(lambda _i: creer_bordereaux(mois=M1), 4)
    assert not [r for r in resultats if isinstance(r, Exception)], resultats
    assert sum(len(r) for r in resultats) == 1
    assert Bordereau.objects.count() == 1
    assert LigneBordereau.objects.count() == 10
    assert Evenement.objects.filter(action=Action.BORDEREAU_CREE).count() == 1
