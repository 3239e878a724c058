"""Home pages: what waits for a prescriber and for a place, with the 8-day flag."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaires.models import Orientation
from beneficiaires.selectors_accueil import chiffres_accueil
from comptes.models import Role
from comptes.tests.factories import make_member

from .factories import BeneficiaireFactory, OrientationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orientations():
    recente = OrientationFactory()
    organisme = recente.organisme
    ancienne = OrientationFactory(
        beneficiaire=BeneficiaireFactory(organisme=organisme), lieu=recente.lieu, organisme=organisme
    )
    Orientation.objects.filter(pk=ancienne.pk).update(cree_le=timezone.now() - datetime.timedelta(days=9))
    anonymisee = OrientationFactory(
        beneficiaire=BeneficiaireFactory(organisme=organisme), lieu=recente.lieu, organisme=organisme
    )
    anonymisee.beneficiaire.__class__.objects.filter(pk=anonymisee.beneficiaire_id).update(
        anonymise_le=timezone.now(), nom="", prenom=""
    )
    return recente, ancienne


def test_a_prescriber_sees_the_people_followed_and_the_orientations_without_answer(orientations, client, login):
    recente, _ = orientations
    agent = make_member(Role.AGENT, organisation=recente.organisme)
    assert chiffres_accueil(agent) == {"a_contacter": 2, "sans_reponse": 1, "personnes_suivies": 2}
    html = login(agent, client).get(reverse("accueil")).content.decode()
    assert "sans réponse depuis plus de 8 jours" in html
    assert reverse("beneficiaires:creer") in html


def test_a_place_sees_what_to_answer(orientations, client, login):
    recente, _ = orientations
    mediatrice = make_member(Role.MEDIATEUR, organisation=recente.lieu)
    assert chiffres_accueil(mediatrice) == {"a_contacter": 2, "sans_reponse": 1}
    html = login(mediatrice, client).get(reverse("accueil")).content.decode()
    assert "en attente depuis plus de 8 jours" in html
    assert reverse("beneficiaires:orientations_recues") in html


def test_other_roles_get_no_figures():
    assert chiffres_accueil(make_member(Role.COORDINATEUR)) == {}
