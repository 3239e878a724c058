"""Merging two records moves their registrations; anonymising keeps them (no personal data)."""

import pytest

from ateliers.models import Inscription
from beneficiaires.services.anonymisation import anonymiser
from beneficiaires.services.fusion import fusionner
from beneficiaires.tests.factories import BeneficiaireFactory, commune
from comptes.models import Role
from comptes.tests.factories import LieuFactory, make_member

from .factories import inscrire, seance

pytestmark = pytest.mark.django_db


@pytest.fixture
def lieu():
    return LieuFactory(departement=commune().departement)


def test_la_fusion_deplace_les_inscriptions_et_fond_celles_de_la_meme_seance(lieu):
    departement = lieu.departement
    conservee = BeneficiaireFactory(departement=departement)
    absorbee = BeneficiaireFactory(departement=departement)
    commune_a_deux = seance(lieu=lieu, dans_jours=-1)
    seule = seance(lieu=lieu, dans_jours=-2)
    inscrire(commune_a_deux, conservee)
    inscrire(commune_a_deux, absorbee, presence=Inscription.Presence.PRESENT)
    inscrire(seule, absorbee, presence=Inscription.Presence.ABSENT)
    coordinateur = make_member(Role.COORDINATEUR, departement=departement)

    fusionner(par=coordinateur, conservee=conservee, absorbee=absorbee)

    assert not Inscription.objects.filter(beneficiaire=absorbee).exists()
    gardees = {i.seance_id: i.presence for i in Inscription.objects.filter(beneficiaire=conservee)}
    # The unmarked kept registration takes the absorbed one's mark.
    assert gardees == {commune_a_deux.pk: Inscription.Presence.PRESENT, seule.pk: Inscription.Presence.ABSENT}


def test_l_anonymisation_garde_les_inscriptions(lieu):
    b = BeneficiaireFactory(departement=lieu.departement)
    inscrire(seance(lieu=lieu, dans_jours=-3), b, presence=Inscription.Presence.PRESENT)
    coordinateur = make_member(Role.COORDINATEUR, departement=lieu.departement)
    anonymiser(par=coordinateur, beneficiaire=b, motif="effacement")
    assert Inscription.objects.get(beneficiaire=b).presence == Inscription.Presence.PRESENT
