"""A closed prescriber organisation records, links and orients nobody (its agents keep their
access: reopening undoes the closing)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from beneficiaires.models import Beneficiaire, Orientation
from beneficiaires.services import fiches, orientations
from comptes.models import Role
from comptes.tests.factories import LieuFactory, make_member
from prescripteurs.models import OrganismePrescripteur

from .factories import BeneficiaireFactory, commune

pytestmark = pytest.mark.django_db


def donnees():
    return {
        "nom": "Martin",
        "prenom": "Lucie",
        "date_naissance": datetime.date(1960, 5, 4),
        "commune": commune(),
        "publics": ["senior"],
        "sexe": "femme",
        "situation_emploi": "inactif",
        "niveau_etudes": "cite_3_4",
        "handicap": "non",
        "pays_tiers": "non",
        "origine_etrangere": "nsp",
        "minorite": "nsp",
        "sans_abri": "non",
        "besoins": ["email"],
        "information_rgpd_le": timezone.localdate(),
    }


def test_a_closed_organisation_cannot_record_link_or_orient():
    personne = BeneficiaireFactory()
    organisme = personne.suivis.get().organisme
    agent = make_member(Role.AGENT, organisation=organisme)
    lieu = LieuFactory(departement=personne.departement, latitude=46.17, longitude=1.87)
    OrganismePrescripteur.objects.filter(pk=organisme.pk).update(ferme_le=timezone.now())
    with pytest.raises(PermissionDenied, match="est fermé"):
        fiches.creer_beneficiaire(par=agent, donnees=donnees())
    with pytest.raises(PermissionDenied, match="est fermé"):
        orientations.orienter(par=agent, beneficiaire=personne, lieu=lieu, besoins=["email"])
    autre = make_member(Role.AGENT, departement=personne.departement)
    OrganismePrescripteur.objects.filter(pk=autre.organisation_id).update(ferme_le=timezone.now())
    with pytest.raises(PermissionDenied, match="est fermé"):
        fiches.rattacher(par=autre, nom=personne.nom, prenom=personne.prenom, date_naissance=personne.date_naissance)
    assert Beneficiaire.objects.count() == 1 and Orientation.objects.count() == 0
    assert personne.suivis.count() == 1
