"""The coordination's home page counts the past sessions still waiting for their signed sheet."""

import pytest
from django.urls import reverse

from beneficiaires.tests.factories import commune
from comptes.models import Role
from comptes.tests.factories import LieuFactory, make_member

from .factories import inscrire, seance

pytestmark = pytest.mark.django_db


def test_l_accueil_de_la_coordination_compte_les_seances_sans_feuille(login):
    departement = commune().departement
    coordinateur = make_member(Role.COORDINATEUR, departement=departement)
    client = login(coordinateur)
    page = client.get(reverse("accueil")).content.decode()
    assert "toutes les séances passées ont leur feuille d’émargement signée" in page

    lieu = LieuFactory(departement=departement)
    for jours in (-2, -3):
        inscrire(seance(lieu=lieu, dans_jours=jours))
    inscrire(seance(lieu=LieuFactory(departement=commune("87085").departement), dans_jours=-2))
    page = client.get(reverse("accueil")).content.decode()
    assert "2 séances passées sans feuille d’émargement signée" in page
    assert reverse("ateliers:sans_feuille") in page
