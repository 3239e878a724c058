"""The cheque's state machine, by property tests: random sequences of operations through the
services (redeem from a qualified place, from another one, from a place that is not qualified,
with and without an idempotency key; undo; opposition on cheques and booklets; expiry) never
change a cheque's state outside `etats.TRANSITIONS`, and a cheque is never redeemed twice.

Every example starts from fresh booklets (one handed out, one in a prescriber's stock, one in
the département's stock); the places and people are shared by the examples of a test."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from beneficiaires.tests.factories import BeneficiaireFactory
from comptes.models import Role
from comptes.tests.factories import LieuFactory, make_member
from journal.models import Action, Evenement

from .. import etats
from ..models import Carnet, Cheque, Encaissement
from ..services.encaissement import Statut, annuler_encaissement, encaisser
from ..services.expiration import expirer
from ..services.opposition import annuler_carnet, annuler_cheques
from .factories import carnet
from .test_encaissement_donnees import monde

pytestmark = pytest.mark.django_db
NB_CHEQUES = 15  # three booklets of five
OPERATIONS = (
    "encaisser",
    "encaisser_ailleurs",
    "encaisser_non_qualifie",
    "encaisser_avec_cle",
    "annuler_encaissement",
    "opposition_cheque",
    "opposition_carnet",
    "expirer",
)
# Weighted draws: redeeming and undoing more often than the final exits, and a few cheques per
# booklet so that operations meet on the same cheque.
TIRAGE = OPERATIONS[:5] * 3 + OPERATIONS[5:]
INDICES = (0, 1, 2, 5, 6, 10)


@pytest.fixture
def decor():
    m = monde()
    non_qualifie = LieuFactory(departement=m.dispositif.departement)
    return {
        "m": m,
        "non_qualifie": (non_qualifie, make_member(Role.MEDIATEUR, organisation=non_qualifie)),
        "beneficiaire": BeneficiaireFactory(organisme=m.organisme),
    }


def nouveaux_cheques(decor) -> list[Cheque]:
    m = decor["m"]
    carnets = [
        carnet(
            m.dispositif,
            taille=5,
            statut=Carnet.Statut.REMIS,
            organisme=m.organisme,
            beneficiaire=decor["beneficiaire"],
        ),
        carnet(m.dispositif, taille=5, statut=Carnet.Statut.DOTE, organisme=m.organisme),
        carnet(m.dispositif, taille=5, statut=Carnet.Statut.GENERE),
    ]
    return list(Cheque.objects.filter(carnet__in=carnets).select_related("carnet").order_by("numero_serie"))


def appliquer(decor, cheques, operation: str, i: int, jour_expiration) -> None:
    m = decor["m"]
    cheque = cheques[i]
    try:
        if operation == "encaisser":
            encaisser(lieu=m.lieu, code_saisi=cheque.code, par=m.mediateur, source="page")
        elif operation == "encaisser_ailleurs":
            encaisser(lieu=m.autre_lieu, code_saisi=cheque.code, par=m.autre_mediateur, source="page")
        elif operation == "encaisser_non_qualifie":
            lieu, par = decor["non_qualifie"]
            resultat = encaisser(lieu=lieu, code_saisi=cheque.code, par=par, source="page")
            assert resultat.statut == Statut.NON_ACCEPTE
        elif operation == "encaisser_avec_cle":
            encaisser(lieu=m.lieu, code_saisi=cheque.code, par=m.responsable, source="api", cle_idempotence=f"k{i % 3}")
        elif operation == "annuler_encaissement":
            vivant = Encaissement.objects.filter(cheque=cheque, annule_le__isnull=True).select_related("lieu").first()
            if vivant is not None:
                par = m.mediateur if vivant.lieu_id == m.lieu.pk else m.autre_mediateur
                annuler_encaissement(par=par, encaissement=vivant, motif="Erreur")
        elif operation == "opposition_cheque":
            par = m.agent if cheque.carnet.organisme_id else m.coordinateur  # stock of the département
            annuler_cheques(par=par, cheques=[cheque], motif="Perdu")
        elif operation == "opposition_carnet":
            annuler_carnet(par=m.coordinateur, carnet=cheque.carnet, motif="Volé")
        elif operation == "expirer":
            expirer(jour=jour_expiration)
    except ValidationError:
        pass  # a refusal: nothing may have changed (checked by the caller)
    except PermissionDenied:  # pragma: no cover - the actors above are all allowed
        raise


def etat(cheques) -> dict[int, str]:
    return dict(Cheque.objects.filter(pk__in=[c.pk for c in cheques]).values_list("pk", "statut"))


def verifier_invariants(cheques) -> None:
    ids = [c.pk for c in cheques]
    vivants = dict(
        Encaissement.objects.filter(cheque_id__in=ids, annule_le__isnull=True)
        .values("cheque_id")
        .annotate(n=Count("pk"))
        .values_list("cheque_id", "n")
    )
    assert all(n == 1 for n in vivants.values()), vivants
    encaisses = set(Cheque.objects.filter(pk__in=ids, statut=Cheque.Statut.ENCAISSE).values_list("pk", flat=True))
    assert encaisses == set(vivants), (encaisses, vivants)
    # Journal: each cheque redeemed at most once more than its redemptions were undone.
    journal = (
        Evenement.objects.filter(target_type="pass_numerique.cheque", target_id__in=[str(pk) for pk in ids])
        .values("target_id")
        .annotate(
            encaisse=Count("pk", filter=Q(action=Action.CHEQUE_ENCAISSE)),
            annule=Count("pk", filter=Q(action=Action.ENCAISSEMENT_ANNULE)),
        )
    )
    for ligne in journal:
        assert ligne["encaisse"] - ligne["annule"] == (1 if int(ligne["target_id"]) in encaisses else 0), ligne
    assert Encaissement.objects.filter(cheque_id__in=ids).count() == sum(ligne["encaisse"] for ligne in journal)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(TIRAGE), st.sampled_from(INDICES)),
        min_size=1,
        max_size=25,
    )
)
def test_aucune_transition_hors_de_la_machine_a_etats(decor, operations):
    cheques = nouveaux_cheques(decor)
    jour_expiration = decor["m"].dispositif.fin_encaissement + datetime.timedelta(days=1)
    avant = etat(cheques)
    for operation, i in operations:
        appliquer(decor, cheques, operation, i, jour_expiration)
        apres = etat(cheques)
        for pk, statut in apres.items():
            if statut != avant[pk]:
                assert etats.peut_passer(avant[pk], statut), (operation, avant[pk], statut)
                event(f"{avant[pk]} → {statut}")
        verifier_invariants(cheques)
        avant = apres


def test_les_etats_terminaux_n_ont_pas_de_sortie():
    assert {Cheque.Statut.REMBOURSE, Cheque.Statut.ANNULE, Cheque.Statut.EXPIRE} == etats.TERMINAUX
    assert etats.depuis(Cheque.Statut.ENCAISSE) == [Cheque.Statut.REMIS]
    assert set(etats.depuis(Cheque.Statut.ANNULE)) == etats.ANNULABLES
    with pytest.raises(etats.TransitionInterdite, match=r"Passage interdit de « Annulé » à « Remis »\."):
        etats.verifier(Cheque.Statut.ANNULE, Cheque.Statut.REMIS)
