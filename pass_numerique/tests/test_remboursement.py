"""Reimbursement services: monthly bordereaux (idempotent), validation with rejections, payment;
refusals with French messages and nothing saved; journal entries; the funders' split."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from comptes.models import Role
from comptes.tests.factories import DepartementFactory, EquipeDepartementaleFactory, make_member
from journal.models import Action, Evenement

from ..models import Bordereau, Cheque, Financeur, LigneBordereau
from ..selectors.remboursement import montants_du_lieu, repartir
from ..services.remboursement import (
    creer_bordereaux,
    enregistrer_paiement,
    valider_bordereau,
)
from ..services.remise import remettre
from ..tasks_remboursement import creer_bordereaux_du_mois
from .factories import DispositifFactory, cheques_remis, lieu_qualifie
from .test_remise_donnees import M1, M2, dans, encaisser, monde

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    m = monde()
    carnet = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    m.cheques = list(carnet.cheques.order_by("rang"))
    return m


def entrees(action):
    return list(Evenement.objects.filter(action=action).order_by("id"))


def test_bordereau_du_mois_ecoule_idempotent(m):
    lieu = m.lieux[0]
    for cheque in m.cheques[:3]:
        encaisser(cheque, lieu, le=dans(M1))
    encaisser(m.cheques[3], lieu, le=dans(M2))  # older, never claimed: on this bordereau too
    encaisser(m.cheques[4], lieu)  # this month: next time
    encaisser(m.cheques[5], m.lieux[1], le=dans(M1))  # another place: its own bordereau

    crees = creer_bordereaux()

    assert len(crees) == 2
    bordereau = Bordereau.objects.get(lieu=lieu)
    assert bordereau.mois == M1 and bordereau.statut == Bordereau.Statut.A_VALIDER
    assert bordereau.numero == f"23-{M1:%Y-%m}-L{lieu.pk:05d}-D{m.dispositif.pk:03d}"
    assert sorted(bordereau.lignes.values_list("cheque__rang", flat=True)) == [1, 2, 3, 4]
    assert all(ligne.montant == Decimal("10.00") for ligne in bordereau.lignes.all())
    cree = next(e for e in entrees(Action.BORDEREAU_CREE) if e.target_id == str(bordereau.pk))
    assert cree.actor is None and cree.details["lignes"] == 4 and cree.details["montant"] == "40.00"

    # Again: nothing new, nothing journalled.
    assert creer_bordereaux() == []
    assert Bordereau.objects.count() == 2 and LigneBordereau.objects.count() == 5
    assert len(entrees(Action.BORDEREAU_CREE)) == 2


def test_un_mois_en_cours_est_refuse(m):
    with pytest.raises(ValidationError, match="n’est pas terminé"):
        creer_bordereaux(mois=timezone.localdate())
    assert not Bordereau.objects.exists()


def test_a_la_demande_par_un_coordinateur_de_son_departement_seulement(m):
    encaisser(m.cheques[0], m.lieux[0], le=dans(M1))
    ailleurs = DispositifFactory(departement=DepartementFactory(code="87"))
    cheque_ailleurs = cheques_remis(ailleurs, taille=5)[0]
    encaisser(cheque_ailleurs, lieu_qualifie(ailleurs), le=dans(M1))
    with pytest.raises(PermissionDenied):
        creer_bordereaux(mois=M1, par=m.agent)
    crees = creer_bordereaux(mois=M1, par=m.coordinateur)
    assert [b.departement.code for b in crees] == ["23"]
    assert entrees(Action.BORDEREAU_CREE)[0].actor == m.coordinateur.user
    # The monthly task does every département.
    assert creer_bordereaux_du_mois.delay().get() == {"bordereaux": 1, "lignes": 1}


def test_validation_avec_rejet_puis_reclamation_le_mois_suivant(m):
    lieu = m.lieux[0]
    for cheque in m.cheques[:3]:
        encaisser(cheque, lieu, le=dans(M2))
    [bordereau] = creer_bordereaux(mois=M2)
    lignes = {ligne.cheque_id: ligne for ligne in bordereau.lignes.all()}
    rejetee = lignes[m.cheques[1].pk]

    valider_bordereau(par=m.coordinateur, bordereau=bordereau, rejets={rejetee.pk: "  Atelier non réalisé "})

    bordereau.refresh_from_db()
    assert bordereau.statut == Bordereau.Statut.VALIDE and bordereau.montant_valide == Decimal("20.00")
    assert bordereau.valide_par == m.coordinateur.user
    rejetee.refresh_from_db()
    assert (rejetee.statut, rejetee.motif_rejet) == (LigneBordereau.Statut.REJETEE, "Atelier non réalisé")
    assert set(bordereau.lignes.exclude(pk=rejetee.pk).values_list("statut", flat=True)) == {"validee"}
    assert Cheque.objects.get(pk=m.cheques[1].pk).statut == Cheque.Statut.ENCAISSE
    [valide] = entrees(Action.BORDEREAU_VALIDE)
    assert valide.details["lignes_rejetees"] == 1 and valide.details["montant_valide"] == "20.00"
    [rejet] = entrees(Action.LIGNE_REJETEE)
    assert rejet.target_id == str(m.cheques[1].pk) and rejet.details["motif"] == "Atelier non réalisé"

    # The rejected cheque goes back to the place: claimed on the next month's bordereau.
    [suivant] = creer_bordereaux(mois=M1)
    assert list(suivant.lignes.values_list("cheque_id", flat=True)) == [m.cheques[1].pk]

    with pytest.raises(ValidationError, match="déjà été validé"):
        valider_bordereau(par=m.coordinateur, bordereau=bordereau)


def test_rejet_sans_motif_rien_n_est_enregistre(m):
    encaisser(m.cheques[0], m.lieux[0], le=dans(M1))
    [bordereau] = creer_bordereaux(mois=M1)
    ligne = bordereau.lignes.get()
    avant = Evenement.objects.count()
    with pytest.raises(ValidationError) as exc:
        valider_bordereau(par=m.coordinateur, bordereau=bordereau, rejets={ligne.pk: "   "})
    assert exc.value.message_dict == {
        f"motif_{ligne.pk}": [f"Indiquez le motif du rejet du chèque n° {m.cheques[0].numero_serie}."]
    }
    bordereau.refresh_from_db()
    ligne.refresh_from_db()
    assert bordereau.statut == Bordereau.Statut.A_VALIDER and ligne.statut == LigneBordereau.Statut.A_VALIDER
    assert Evenement.objects.count() == avant


def test_encaissement_annule_entre_temps_rejete_automatiquement(m):
    encaisser(m.cheques[0], m.lieux[0], le=dans(M1))
    encaisser(m.cheques[1], m.lieux[0], le=dans(M1))
    [bordereau] = creer_bordereaux(mois=M1)
    Cheque.objects.filter(pk=m.cheques[0].pk).update(statut=Cheque.Statut.REMIS)
    valider_bordereau(par=m.coordinateur, bordereau=bordereau)
    ligne = bordereau.lignes.get(cheque=m.cheques[0])
    assert ligne.statut == LigneBordereau.Statut.REJETEE and "annulé" in ligne.motif_rejet
    bordereau.refresh_from_db()
    assert bordereau.montant_valide == Decimal("10.00")


def test_paiement(m):
    for cheque in m.cheques[:2]:
        encaisser(cheque, m.lieux[0], le=dans(M1))
    [bordereau] = creer_bordereaux(mois=M1)
    rejetee = bordereau.lignes.get(cheque=m.cheques[1])
    with pytest.raises(ValidationError, match="Validez d’abord"):
        enregistrer_paiement(par=m.coordinateur, bordereau=bordereau, paye_le=timezone.localdate(), reference="M-1")
    valider_bordereau(par=m.coordinateur, bordereau=bordereau, rejets={rejetee.pk: "Doublon"})

    avant = Evenement.objects.count()
    demain = timezone.localdate() + datetime.timedelta(days=1)
    for paye_le, reference, champ, message in [
        (timezone.localdate(), "  ", "reference", "Indiquez la référence du paiement"),
        (None, "MANDAT-42", "paye_le", "Indiquez la date du paiement."),
        (demain, "MANDAT-42", "paye_le", "ne peut pas être dans le futur"),
        (timezone.localdate() - datetime.timedelta(days=400), "MANDAT-42", "paye_le", "précéder la validation"),
    ]:
        with pytest.raises(ValidationError) as exc:
            enregistrer_paiement(par=m.coordinateur, bordereau=bordereau, paye_le=paye_le, reference=reference)
        assert message in exc.value.message_dict[champ][0]
    bordereau.refresh_from_db()
    assert bordereau.statut == Bordereau.Statut.VALIDE and Evenement.objects.count() == avant
    assert Cheque.objects.filter(statut=Cheque.Statut.REMBOURSE).count() == 0

    enregistrer_paiement(par=m.coordinateur, bordereau=bordereau, paye_le=timezone.localdate(), reference="MANDAT-42")
    bordereau.refresh_from_db()
    assert bordereau.statut == Bordereau.Statut.PAYE and bordereau.reference_paiement == "MANDAT-42"
    paye = Cheque.objects.get(pk=m.cheques[0].pk)
    assert paye.statut == Cheque.Statut.REMBOURSE and paye.rembourse_le is not None
    assert Cheque.objects.get(pk=m.cheques[1].pk).statut == Cheque.Statut.ENCAISSE
    [entree] = entrees(Action.BORDEREAU_PAYE)
    assert entree.details["reference"] == "MANDAT-42" and entree.details["cheques"] == 1
    with pytest.raises(ValidationError, match="déjà payé"):
        enregistrer_paiement(par=m.coordinateur, bordereau=bordereau, paye_le=timezone.localdate(), reference="X")


def test_rien_a_payer_si_tout_est_rejete(m):
    encaisser(m.cheques[0], m.lieux[0], le=dans(M1))
    [bordereau] = creer_bordereaux(mois=M1)
    valider_bordereau(par=m.coordinateur, bordereau=bordereau, rejets={bordereau.lignes.get().pk: "Hors période"})
    with pytest.raises(ValidationError, match="rien à payer"):
        enregistrer_paiement(par=m.coordinateur, bordereau=bordereau, paye_le=timezone.localdate(), reference="X")


def test_seul_un_coordinateur_du_departement_valide_et_paie(m):
    encaisser(m.cheques[0], m.lieux[0], le=dans(M1))
    [bordereau] = creer_bordereaux(mois=M1)
    ailleurs = make_member(
        Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=DepartementFactory(code="87"))
    )
    responsable = make_member(Role.RESPONSABLE, organisation=m.lieux[0])
    for par in (ailleurs, responsable, m.agent):
        with pytest.raises(PermissionDenied):
            valider_bordereau(par=par, bordereau=bordereau)
        with pytest.raises(PermissionDenied):
            enregistrer_paiement(par=par, bordereau=bordereau, paye_le=timezone.localdate(), reference="X")
    bordereau.refresh_from_db()
    assert bordereau.statut == Bordereau.Statut.A_VALIDER


def test_montants_du_lieu(m):
    lieu = m.lieux[0]
    for i, cheque in enumerate(m.cheques[:6]):
        encaisser(cheque, lieu, le=dans(M2 if i < 4 else M1))
    [ancien] = creer_bordereaux(mois=M2)
    valider_bordereau(par=m.coordinateur, bordereau=ancien)
    enregistrer_paiement(par=m.coordinateur, bordereau=ancien, paye_le=timezone.localdate(), reference="P1")
    [recent] = creer_bordereaux(mois=M1)
    encaisser(m.cheques[6], lieu)
    [montants] = montants_du_lieu(lieu)
    assert (montants.a_reclamer, montants.a_valider, montants.valide, montants.paye) == (
        Decimal("10.00"),
        Decimal("20.00"),
        Decimal(0),
        Decimal("40.00"),
    )
    assert montants.en_attente == Decimal("30.00")
    valider_bordereau(par=m.coordinateur, bordereau=recent)
    [montants] = montants_du_lieu(lieu)
    assert (montants.a_valider, montants.valide) == (Decimal(0), Decimal("20.00"))


@given(
    st.decimals(min_value=0, max_value=100000, places=2),
    st.lists(st.integers(min_value=1, max_value=9999), min_size=1, max_size=5),
)
def test_la_repartition_tombe_juste_au_centime(montant, poids):
    total = sum(poids)
    parts = [Decimal(p * 10000 // total) / 100 for p in poids]
    parts[0] += Decimal(100) - sum(parts)  # percentages summing to exactly 100
    financeurs = [Financeur(nom=f"F{i}", pourcentage=p) for i, p in enumerate(parts)]
    repartition = repartir(montant, financeurs)
    assert sum(part for _, _, part in repartition) == montant
    for (_, pourcentage, part), _f in zip(repartition, financeurs, strict=True):
        assert abs(part - montant * pourcentage / 100) < Decimal("0.01")


def test_repartition_60_20_20():
    financeurs = [Financeur(nom=n, pourcentage=Decimal(p)) for n, p in (("FSE+", 60), ("État", 20), ("Dép.", 20))]
    assert [part for _, _, part in repartir(Decimal("130.00"), financeurs)] == [
        Decimal("78.00"),
        Decimal("26.00"),
        Decimal("26.00"),
    ]
    tiers = [Financeur(nom=n, pourcentage=Decimal("33.33")) for n in "AB"] + [
        Financeur(nom="C", pourcentage=Decimal("33.34"))
    ]
    assert sum(part for _, _, part in repartir(Decimal("10.00"), tiers)) == Decimal("10.00")
