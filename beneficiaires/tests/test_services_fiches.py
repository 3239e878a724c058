"""The record services as the views use them: the duplicate rule (accents, case, hyphens and
spaces ignored, per département), linking by identity, and the access log entries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beneficiaires.identite import cle_doublon
from beneficiaires.models import Beneficiaire, Suivi
from beneficiaires.services.fiches import (
    DoublonTrouve,
    creer_beneficiaire,
    journaliser_consultation,
    modifier_beneficiaire,
    rattacher,
)
from comptes.models import Role
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement

from .factories import GUERET, BeneficiaireFactory, commune

pytestmark = pytest.mark.django_db
LIMOGES = "87085"
NE_LE = datetime.date(1950, 3, 2)


def donnees(**changements) -> dict:
    valeurs = {
        "nom": "Dupont",
        "prenom": "Marie-Hélène",
        "date_naissance": NE_LE,
        "commune": commune(GUERET),
        "telephone": "",
        "email": "",
        "publics": ["senior"],
        "sexe": "femme",
        "situation_emploi": "inactif",
        "niveau_etudes": "nsp",
        "handicap": "nsp",
        "pays_tiers": "non",
        "origine_etrangere": "nsp",
        "minorite": "nsp",
        "sans_abri": "non",
        "besoins": [],
        "niveau_autonomie": "",
        "information_rgpd_le": datetime.date.today(),
        "notes": "",
    }
    return valeurs | changements


def agent_de(code_insee: str = GUERET):
    organisme = OrganismePrescripteurFactory(departement=commune(code_insee).departement)
    return make_member(Role.AGENT, organisation=organisme)


@pytest.mark.parametrize(
    "nom, prenom",
    [
        ("DUPONT", "MARIE-HÉLÈNE"),
        ("dupont", "marie helene"),
        ("Du Pont", "Marie Hélène"),
        ("Dupont", "Marie–Helene"),  # an en dash
        ("D’upont", "Mariehélène"),
    ],
)
def test_the_duplicate_key_ignores_accents_case_and_separators(nom, prenom):
    assert cle_doublon(nom=nom, prenom=prenom, date_naissance=NE_LE) == cle_doublon(
        nom="Dupont", prenom="Marie-Hélène", date_naissance=NE_LE
    )


def test_a_duplicate_is_refused_with_the_existing_record():
    premiere = creer_beneficiaire(par=agent_de(), donnees=donnees())
    with pytest.raises(DoublonTrouve) as exc:
        creer_beneficiaire(par=agent_de(), donnees=donnees(nom="DUPONT", prenom="marie helene"))
    assert exc.value.existante == premiere
    assert "déjà enregistrée dans le département" in exc.value.messages[0]
    assert Beneficiaire.objects.count() == 1 and Suivi.objects.count() == 1


def test_the_same_identity_in_another_departement_is_another_record():
    creer_beneficiaire(par=agent_de(), donnees=donnees())
    autre = creer_beneficiaire(par=agent_de(LIMOGES), donnees=donnees(commune=commune(LIMOGES)))
    assert autre.departement.code == "87" and Beneficiaire.objects.count() == 2


def test_linking_adds_a_follow_up_once_and_journals_it():
    premiere = creer_beneficiaire(par=agent_de(), donnees=donnees())
    agent = agent_de()
    suivi = rattacher(par=agent, nom="DUPONT", prenom="Marie Hélène", date_naissance=NE_LE)
    assert suivi.beneficiaire == premiere and suivi.origine == Suivi.Origine.RATTACHEMENT
    assert rattacher(par=agent, nom="Dupont", prenom="Marie-Hélène", date_naissance=NE_LE) == suivi
    assert Evenement.objects.filter(action=Action.BENEFICIAIRE_RATTACHE).count() == 1


def test_linking_with_a_wrong_birth_date_fails():
    creer_beneficiaire(par=agent_de(), donnees=donnees())
    with pytest.raises(ValidationError, match="Aucune fiche du département"):
        rattacher(par=agent_de(), nom="Dupont", prenom="Marie-Hélène", date_naissance=datetime.date(1950, 3, 3))
    assert Suivi.objects.count() == 1


@pytest.mark.parametrize("role", [Role.COORDINATEUR, Role.LECTEUR, Role.MEDIATEUR])
def test_only_prescribers_create_and_link(role):
    membre = make_member(role, departement=commune(GUERET).departement)
    with pytest.raises(PermissionDenied):
        creer_beneficiaire(par=membre, donnees=donnees())
    with pytest.raises(PermissionDenied):
        rattacher(par=membre, nom="Dupont", prenom="Marie-Hélène", date_naissance=NE_LE)
    assert Beneficiaire.objects.count() == 0


def test_a_correction_journals_field_names_never_values():
    agent = agent_de()
    personne = creer_beneficiaire(par=agent, donnees=donnees())
    changes = modifier_beneficiaire(
        par=agent, beneficiaire=personne, donnees=donnees(telephone="06 12 34 56 78", notes="Appeler le matin")
    )
    assert changes == ["telephone", "notes"]
    entree = Evenement.objects.get(action=Action.BENEFICIAIRE_MODIFIE)
    assert entree.details == {"champs": ["telephone", "notes"]}
    assert "0612345678" not in str(entree.details) and "matin" not in str(entree.details)


def test_a_consultation_names_the_person_by_pseudonym():
    agent = agent_de()
    personne = BeneficiaireFactory(organisme=agent.organisation)
    journaliser_consultation(par=agent, beneficiaire=personne, vue="fiche")
    entree = Evenement.objects.get(action=Action.BENEFICIAIRE_CONSULTE)
    assert entree.target_repr == personne.pseudonyme and entree.details == {"vue": "fiche"}
    assert personne.nom not in f"{entree.target_repr}{entree.details}"
