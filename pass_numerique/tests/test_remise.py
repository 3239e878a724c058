"""Remise (services/remise.py): the happy path, each refusal with its French message and nothing
written, the stock of one's own organisation only, dérogations, journal entries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beneficiaires.models import Beneficiaire
from beneficiaires.tests.factories import BeneficiaireFactory
from comptes.models import Role
from comptes.tests.factories import (
    DepartementFactory,
    EquipeDepartementaleFactory,
    OrganismePrescripteurFactory,
    make_member,
)
from journal.models import Action, Evenement

from ..models import Carnet, Cheque, Derogation, Participation
from ..services.remise import MOTIF_DEROGATION_MANQUANT, accorder_derogation, remettre
from .factories import carnet
from .test_remise_donnees import monde

pytestmark = pytest.mark.django_db


def _rien_ecrit(m, avant: int):
    assert Evenement.objects.count() == avant
    assert not Carnet.objects.filter(beneficiaire=m.beneficiaire).exists()
    assert Carnet.objects.filter(organisme=m.organisme, statut=Carnet.Statut.DOTE).count() == len(m.stock)


def test_remise_prend_le_plus_petit_numero_et_journalise():
    m = monde(stock=3)
    hier = timezone.now() - datetime.timedelta(days=1)
    Beneficiaire.objects.filter(pk=m.beneficiaire.pk).update(derniere_activite_le=hier)

    c = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)

    assert c.pk == min(s.pk for s in m.stock) and c.numero == min(s.numero for s in m.stock)
    assert c.statut == Carnet.Statut.REMIS and c.beneficiaire == m.beneficiaire
    assert c.remis_par == m.agent.user and c.remis_le is not None
    assert set(c.cheques.values_list("statut", flat=True)) == {Cheque.Statut.REMIS}
    assert Carnet.objects.filter(organisme=m.organisme, statut=Carnet.Statut.DOTE).count() == 2
    evenement = Evenement.objects.get(action=Action.CARNET_REMIS)
    assert evenement.target_id == str(c.pk) and evenement.target_type == "pass_numerique.carnet"
    assert evenement.actor == m.agent.user and evenement.organisation_id == m.organisme.pk
    assert evenement.details["beneficiaire"] == m.beneficiaire.pseudonyme
    assert evenement.details["cheques"] == 10
    # The journal never names the person.
    texte = f"{evenement.target_repr} {evenement.details}"
    assert m.beneficiaire.nom not in texte and m.beneficiaire.prenom not in texte
    m.beneficiaire.refresh_from_db()
    assert m.beneficiaire.derniere_activite_le > hier


def test_un_cheque_deja_annule_du_carnet_reste_annule():
    m = monde(stock=1)
    premier = m.stock[0].cheques.order_by("rang").first()
    Cheque.objects.filter(pk=premier.pk).update(statut=Cheque.Statut.ANNULE)
    c = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    assert c.cheques.filter(statut=Cheque.Statut.REMIS).count() == 9
    premier.refresh_from_db()
    assert premier.statut == Cheque.Statut.ANNULE


@pytest.mark.parametrize(
    ("preparer", "message"),
    [
        (
            lambda m: Carnet.objects.filter(organisme=m.organisme).update(
                organisme=OrganismePrescripteurFactory(departement=m.dispositif.departement)
            ),
            "n’a plus de carnet en stock pour le dispositif",
        ),
        (
            lambda m: type(m.dispositif).objects.filter(pk=m.dispositif.pk).update(publics="|rsa|aah|"),
            "n’est pas éligible au dispositif",
        ),
        (lambda m: Participation.objects.filter(organisme=m.organisme).delete(), "ne participe pas au dispositif"),
        (lambda m: type(m.dispositif).objects.filter(pk=m.dispositif.pk).update(clos_le=timezone.now()), "est clos"),
        (
            lambda m: (
                type(m.dispositif)
                .objects.filter(pk=m.dispositif.pk)
                .update(validite_fin=timezone.localdate() - datetime.timedelta(days=2))
            ),
            "ne sont plus valables depuis",
        ),
        (lambda m: Beneficiaire.objects.filter(pk=m.beneficiaire.pk).update(anonymise_le=timezone.now()), "anonymisée"),
    ],
    ids=["sans_stock", "non_eligible", "sans_participation", "dispositif_clos", "validite_passee", "anonymisee"],
)
def test_chaque_refus_a_son_message_et_n_ecrit_rien(preparer, message):
    m = monde()
    preparer(m)
    m.beneficiaire.refresh_from_db()
    m.dispositif.refresh_from_db()
    avant = Evenement.objects.count()
    stock_avant = Carnet.objects.filter(statut=Carnet.Statut.DOTE).count()
    with pytest.raises(ValidationError) as exc:
        remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    assert message in " ".join(exc.value.messages)
    assert Evenement.objects.count() == avant
    assert Carnet.objects.filter(statut=Carnet.Statut.DOTE).count() == stock_avant
    assert not Carnet.objects.filter(beneficiaire=m.beneficiaire).exists()


def test_non_eligible_nomme_les_publics_acceptes():
    m = monde(publics_personne=("rsa",), publics=["senior", "aah"])
    with pytest.raises(ValidationError) as exc:
        remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    texte = " ".join(exc.value.messages)
    assert "Senior, Bénéficiaire de l’AAH" in texte and "Bénéficiaire du RSA" in texte


def test_un_seul_carnet_par_personne_et_par_dispositif_sauf_derogation():
    m = monde(stock=3)
    premier = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    avant = Evenement.objects.count()
    with pytest.raises(ValidationError) as exc:
        remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    assert f"a déjà reçu le carnet n° {premier.numero}" in exc.value.messages[0]
    assert "dérogation" in exc.value.messages[0]
    assert Evenement.objects.count() == avant

    derogation = accorder_derogation(
        par=m.coordinateur,
        beneficiaire=m.beneficiaire,
        dispositif=m.dispositif,
        motif="Carnet perdu (déménagement)",
    )
    entree = Evenement.objects.get(action=Action.DEROGATION_ACCORDEE)
    assert entree.details == {"beneficiaire": m.beneficiaire.pseudonyme, "dispositif": m.dispositif.pk}
    assert "perdu" not in entree.target_repr  # the reason stays out of the journal

    second = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    derogation.refresh_from_db()
    assert derogation.carnet == second
    assert (
        Evenement.objects.filter(action=Action.CARNET_REMIS, target_id=str(second.pk)).get().details["derogation"]
        == derogation.pk
    )
    # The dérogation is used up: a third booklet is refused again.
    with pytest.raises(ValidationError, match="a déjà reçu"):
        remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)


def test_un_carnet_en_opposition_ne_compte_pas():
    m = monde(stock=2)
    premier = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    Carnet.objects.filter(pk=premier.pk).update(statut=Carnet.Statut.ANNULE)
    remplacement = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    assert remplacement.pk != premier.pk


def test_un_agent_ne_remet_pas_le_stock_d_un_autre_organisme():
    """The agent of another organisation that also follows the person and takes part, but has
    no stock: the first organisation's booklets are never taken."""
    m = monde(stock=2)
    autre = OrganismePrescripteurFactory(departement=m.dispositif.departement)
    Participation.objects.create(dispositif=m.dispositif, organisme=autre)
    m.beneficiaire.suivis.create(organisme=autre, origine="rattachement")
    agent_autre = make_member(Role.AGENT, organisation=autre)
    with pytest.raises(ValidationError, match="n’a plus de carnet en stock"):
        remettre(par=agent_autre, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    assert Carnet.objects.filter(organisme=m.organisme, statut=Carnet.Statut.DOTE).count() == 2
    # With its own stock, it hands out its own booklet.
    sien = carnet(m.dispositif, statut=Carnet.Statut.DOTE, organisme=autre)
    assert remettre(par=agent_autre, beneficiaire=m.beneficiaire, dispositif=m.dispositif).pk == sien.pk


@pytest.mark.parametrize("role", [Role.COORDINATEUR, Role.LECTEUR, Role.RESPONSABLE, Role.MEDIATEUR])
def test_seuls_les_prescripteurs_qui_suivent_la_personne_remettent(role):
    m = monde()
    autres = {Role.COORDINATEUR: m.coordinateur}
    par = autres.get(role) or make_member(role, departement=m.dispositif.departement)
    with pytest.raises(PermissionDenied):
        remettre(par=par, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    # An agent of an organisation that does not follow the person either.
    etranger = make_member(Role.AGENT, organisation=OrganismePrescripteurFactory(departement=m.dispositif.departement))
    with pytest.raises(PermissionDenied):
        remettre(par=etranger, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    assert not Carnet.objects.filter(beneficiaire=m.beneficiaire).exists()


def test_personne_fusionnee_refusee():
    m = monde()
    autre = BeneficiaireFactory(organisme=m.organisme)
    Beneficiaire.objects.filter(pk=m.beneficiaire.pk).update(fusionne_dans=autre, fusionne_le=timezone.now())
    m.beneficiaire.refresh_from_db()
    with pytest.raises(ValidationError, match="fusionnée"):
        remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)


# --- Dérogations ------------------------------------------------------------------------------


def test_derogation_refus():
    m = monde()
    with pytest.raises(PermissionDenied):
        accorder_derogation(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif, motif="x")
    with pytest.raises(ValidationError, match="aucune dérogation n’est nécessaire"):
        accorder_derogation(par=m.coordinateur, beneficiaire=m.beneficiaire, dispositif=m.dispositif, motif="x")
    remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    with pytest.raises(ValidationError) as exc:
        accorder_derogation(par=m.coordinateur, beneficiaire=m.beneficiaire, dispositif=m.dispositif, motif="  ")
    assert exc.value.message_dict == {"motif": [MOTIF_DEROGATION_MANQUANT]}
    accorder_derogation(par=m.coordinateur, beneficiaire=m.beneficiaire, dispositif=m.dispositif, motif="Perte")
    with pytest.raises(ValidationError, match="déjà ouverte"):
        accorder_derogation(par=m.coordinateur, beneficiaire=m.beneficiaire, dispositif=m.dispositif, motif="Encore")
    assert Derogation.objects.count() == 1
    assert Evenement.objects.filter(action=Action.DEROGATION_ACCORDEE).count() == 1


def test_derogation_d_un_autre_departement_refusee():
    m = monde()
    ailleurs = make_member(
        Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=DepartementFactory(code="87"))
    )
    with pytest.raises(PermissionDenied):
        accorder_derogation(par=ailleurs, beneficiaire=m.beneficiaire, dispositif=m.dispositif, motif="Perte")
