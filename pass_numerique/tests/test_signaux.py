"""Receivers of beneficiaires.signals: a merge moves booklets and dérogations to the kept record
(counts journalled); an anonymisation erases the dérogations' reasons."""

import pytest

from beneficiaires.services.anonymisation import anonymiser
from beneficiaires.services.fusion import fusionner
from beneficiaires.tests.factories import BeneficiaireFactory
from journal.models import Action, Evenement

from ..models import Carnet, Derogation
from ..services.remise import MOTIF_EFFACE, accorder_derogation, remettre
from .factories import DispositifFactory, carnet
from .test_remise_donnees import monde

pytestmark = pytest.mark.django_db


def test_fusion_repointe_carnets_et_derogations():
    m = monde(stock=3)
    doublon = BeneficiaireFactory(organisme=m.organisme, commune=m.beneficiaire.commune, publics=["senior"])
    premier = remettre(par=m.agent, beneficiaire=doublon, dispositif=m.dispositif)
    accorder_derogation(par=m.coordinateur, beneficiaire=doublon, dispositif=m.dispositif, motif="Carnet perdu")
    second = remettre(par=m.agent, beneficiaire=doublon, dispositif=m.dispositif)  # uses the dérogation
    accorder_derogation(par=m.coordinateur, beneficiaire=doublon, dispositif=m.dispositif, motif="Parcours long")
    # The kept record already has an open dérogation for the same dispositif.
    autre = DispositifFactory(departement=m.dispositif.departement)
    carnet(autre, statut=Carnet.Statut.REMIS, organisme=m.organisme, beneficiaire=m.beneficiaire)
    Derogation.objects.create(
        beneficiaire=m.beneficiaire, dispositif=m.dispositif, motif="Ouverte ici", accordee_par=m.coordinateur.user
    )

    fusionner(par=m.coordinateur, conservee=m.beneficiaire, absorbee=doublon)

    assert set(Carnet.objects.filter(beneficiaire=m.beneficiaire).values_list("pk", flat=True)) >= {
        premier.pk,
        second.pk,
    }
    assert not Carnet.objects.filter(beneficiaire=doublon).exists()
    # The used dérogation follows; the second open one stays behind (one open per person and dispositif).
    assert Derogation.objects.filter(beneficiaire=m.beneficiaire, carnet=second).exists()
    assert Derogation.objects.filter(beneficiaire=m.beneficiaire, carnet__isnull=True).count() == 1
    assert Derogation.objects.get(beneficiaire=doublon).motif == "Parcours long"
    entree = Evenement.objects.filter(action=Action.BENEFICIAIRE_FUSIONNE).first()
    assert entree.details["carnets_pass"] == 2
    assert entree.details["derogations_pass"] == 1
    assert entree.details["derogations_pass_en_double"] == 1


def test_fusion_sans_rien_a_deplacer():
    m = monde()
    doublon = BeneficiaireFactory(organisme=m.organisme)
    fusionner(par=m.coordinateur, conservee=m.beneficiaire, absorbee=doublon)
    entree = Evenement.objects.filter(action=Action.BENEFICIAIRE_FUSIONNE).first()
    assert (entree.details["carnets_pass"], entree.details["derogations_pass"]) == (0, 0)


def test_anonymisation_efface_les_motifs_de_derogation():
    m = monde()
    carnet_remis = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    accorder_derogation(
        par=m.coordinateur, beneficiaire=m.beneficiaire, dispositif=m.dispositif, motif="Hospitalisée, carnet perdu"
    )
    anonymiser(par=m.coordinateur, beneficiaire=m.beneficiaire, motif="Demande de la personne")
    assert Derogation.objects.get(beneficiaire=m.beneficiaire).motif == MOTIF_EFFACE
    carnet_remis.refresh_from_db()
    assert carnet_remis.beneficiaire_id == m.beneficiaire.pk  # kept for the funders' audit
