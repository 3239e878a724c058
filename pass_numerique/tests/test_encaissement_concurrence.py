"""Exactly once under concurrency, on PostgreSQL: 30 simultaneous attempts on one code give one
success and 29 « déjà encaissé » (each thread has its own database connection and transaction).
The same with one idempotency key shared by every attempt: 30 successes, one redemption."""

import threading

import pytest
from django.db import connection

from journal.models import Action, Evenement

from ..models import Cheque, Encaissement
from ..services.encaissement import Statut, encaisser
from .test_encaissement_donnees import jeton_de, monde

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TENTATIVES = 30


def en_parallele(fonction, n: int = TENTATIVES) -> list:
    depart = threading.Barrier(n)
    resultats, erreurs = [None] * n, []

    def tache(i):
        try:
            depart.wait(timeout=30)
            resultats[i] = fonction(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=tache, args=(i,)) for i in range(n)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=120)
    assert not erreurs, erreurs
    return resultats


def test_trente_tentatives_un_seul_encaissement():
    m = monde()
    code = m.code()
    membres = [m.mediateur, m.responsable]

    def tenter(i):
        return encaisser(lieu=m.lieu, code_saisi=code, par=membres[i % 2], source=Encaissement.Source.PAGE)

    statuts = [r.statut for r in en_parallele(tenter)]
    assert statuts.count(Statut.OK) == 1
    assert statuts.count(Statut.DEJA_ENCAISSE) == TENTATIVES - 1
    assert Encaissement.objects.filter(cheque__code=code).count() == 1
    assert Cheque.objects.get(code=code).statut == Cheque.Statut.ENCAISSE
    assert Evenement.objects.filter(action=Action.CHEQUE_ENCAISSE).count() == 1


def test_deux_lieux_en_meme_temps():
    m = monde()
    code = m.code()
    acteurs = [(m.lieu, m.mediateur), (m.autre_lieu, m.autre_mediateur)]

    def tenter(i):
        lieu, par = acteurs[i % 2]
        return encaisser(lieu=lieu, code_saisi=code, par=par, source=Encaissement.Source.PAGE)

    resultats = en_parallele(tenter)
    gagnants = [r for r in resultats if r.ok]
    assert len(gagnants) == 1
    perdants = [r for r in resultats if not r.ok]
    assert {r.statut for r in perdants} == {Statut.DEJA_ENCAISSE}
    assert {r.lieu_nom for r in perdants} == {gagnants[0].lieu_nom}


def test_meme_cle_envoyee_trente_fois_en_meme_temps():
    m = monde()
    code = m.code()
    jeton, _ = jeton_de(m.responsable)

    def tenter(_i):
        return encaisser(
            lieu=m.lieu, code_saisi=code, jeton=jeton, source=Encaissement.Source.API, cle_idempotence="une-seule-cle"
        )

    resultats = en_parallele(tenter)
    assert {r.statut for r in resultats} == {Statut.OK}
    assert sum(not r.rejoue for r in resultats) == 1
    assert Encaissement.objects.filter(cheque__code=code).count() == 1
