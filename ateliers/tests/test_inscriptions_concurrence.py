"""Under concurrency, on PostgreSQL (each thread has its own connection and transaction): the
last places of a session go to as many people as there are places, the others wait; two cheques
of one person sent at once for one presence give one redemption when the workshop takes one."""

import pytest

from pass_numerique.models import Encaissement
from pass_numerique.tests.test_encaissement_concurrence import en_parallele

from ..models import Inscription, PresenceCheque
from ..services import emargement, inscriptions
from .test_emargement_donnees import monde

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_les_dernieres_places_ne_debordent_pas():
    m = monde(capacite=3)
    personnes = [m.personne(cheques=0) for _ in range(10)]
    membres = [m.mediateur, m.responsable]

    def inscrire(i):
        return inscriptions.inscrire(par=membres[i % 2], seance=m.seance, beneficiaire=personnes[i]).statut

    statuts = en_parallele(inscrire, n=10)
    assert statuts.count("inscrit") == 3 and statuts.count("attente") == 7
    assert Inscription.objects.filter(seance=m.seance, statut="inscrit").count() == 3


def test_deux_cheques_en_meme_temps_pour_une_presence():
    m = monde(cheques_par_seance=1)
    inscription = m.inscrite()
    emargement.pointer(par=m.mediateur, inscription=inscription, presence="present")
    membres = [m.mediateur, m.responsable]

    def encaisser(i):
        return emargement.encaisser_cheque(
            par=membres[i % 2], inscription=inscription, code_saisi=m.code(inscription.beneficiaire, i)
        )

    resultats = en_parallele(encaisser, n=4)
    assert sum(r.ok for r in resultats) == 1
    assert {r.statut for r in resultats if not r.ok} == {"limite"}
    assert Encaissement.objects.count() == 1 and PresenceCheque.objects.count() == 1
