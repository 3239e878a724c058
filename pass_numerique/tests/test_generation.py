"""Generating cheques: numbers reserved under the département's lock and never reused, unique
self-checking codes (collisions drawn again), batches, limits, budget, journal, permissions."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import DepartementFactory
from journal.models import Action, Evenement
from pass_numerique import codes
from pass_numerique.models import Carnet, Cheque, CompteurDepartement
from pass_numerique.services import generation
from pass_numerique.services.generation import generer
from pass_numerique.tests.factories import DispositifFactory, carnet

from .test_dispositifs_services import coordinateur


@pytest.fixture
def coord(db):
    return coordinateur()


@pytest.fixture
def dispositif(db):
    return DispositifFactory(budget=Decimal("1000000"))


def rien_n_est_cree():
    return not Carnet.objects.exists() and not Cheque.objects.exists() and not Evenement.objects.exists()


@pytest.mark.django_db
def test_generer_des_carnets(coord, dispositif):
    faite = generer(par=coord, dispositif=dispositif, nb_carnets=3, taille=10)

    assert (faite.nb_carnets, faite.taille, faite.nb_cheques, faite.montant) == (3, 10, 30, Decimal("300.00"))
    assert (faite.premier_carnet, faite.dernier_carnet) == (1, 3)
    assert (faite.premier_numero_serie, faite.dernier_numero_serie) == (1, 30)
    carnets = list(Carnet.objects.order_by("numero"))
    assert [(c.numero, c.taille, c.statut, c.lot, c.organisme) for c in carnets] == [
        (n, 10, "genere", faite.lot, None) for n in (1, 2, 3)
    ]
    cheques = list(Cheque.objects.order_by("numero_serie").select_related("carnet"))
    assert [c.numero_serie for c in cheques] == list(range(1, 31))
    assert all(c.numero_serie == (c.carnet.numero - 1) * 10 + c.rang for c in cheques)
    assert {(c.statut, c.valeur, c.dispositif_id, c.departement_id) for c in cheques} == {
        ("genere", Decimal("10.00"), dispositif.pk, dispositif.departement_id)
    }
    assert all(codes.est_valide(c.code) for c in cheques) and len({c.code for c in cheques}) == 30
    compteur = CompteurDepartement.objects.get(pk=dispositif.departement_id)
    assert (compteur.dernier_numero_carnet, compteur.dernier_numero_serie) == (3, 30)
    [entree] = Evenement.objects.filter(action=Action.CHEQUES_GENERES)
    assert (entree.actor, entree.target_id, entree.departement_id) == (
        coord.user,
        str(dispositif.pk),
        dispositif.departement_id,
    )
    assert entree.details == {
        "lot": faite.lot,
        "nb_carnets": 3,
        "taille": 10,
        "nb_cheques": 30,
        "valeur": "10.00",
        "numeros_serie": [1, 30],
        "carnets": [1, 3],
    }
    assert Evenement.objects.count() == 1  # one entry per generation, not per cheque


@pytest.mark.django_db
def test_les_numeros_ne_sont_jamais_reutilises(coord, dispositif):
    premiere = generer(par=coord, dispositif=dispositif, nb_carnets=2, taille=5)
    Cheque.objects.filter(carnet__numero=2).update(statut="annule")  # cancelled numbers stay taken
    autre_dispositif = DispositifFactory(budget=Decimal("1000"))

    seconde = generer(par=coord, dispositif=autre_dispositif, nb_carnets=1, taille=10)

    assert (premiere.premier_numero_serie, premiere.dernier_numero_serie) == (1, 10)
    assert (seconde.premier_carnet, seconde.premier_numero_serie, seconde.dernier_numero_serie) == (3, 11, 20)
    assert premiere.lot != seconde.lot
    series = list(Cheque.objects.values_list("numero_serie", flat=True))
    assert len(series) == len(set(series)) == 20
    # Another département has its own numbers.
    ailleurs = generer(
        par=coordinateur("87"),
        dispositif=DispositifFactory(departement=DepartementFactory(code="87")),
        nb_carnets=1,
        taille=5,
    )
    assert (ailleurs.premier_carnet, ailleurs.premier_numero_serie) == (1, 1)


@pytest.mark.django_db
def test_un_numero_pris_hors_du_compteur_n_est_pas_repris(coord, dispositif):
    existant = carnet(dispositif, taille=5)  # the test factory numbers booklets itself

    faite = generer(par=coord, dispositif=dispositif, nb_carnets=1, taille=5)

    assert faite.premier_carnet == existant.numero + 1
    assert faite.premier_numero_serie > existant.cheques.order_by("-numero_serie").first().numero_serie


@pytest.mark.django_db
def test_une_collision_de_code_est_tiree_a_nouveau(coord, dispositif, monkeypatch):
    generer(par=coord, dispositif=dispositif, nb_carnets=1, taille=5)
    pris = Cheque.objects.first().code
    tirages = iter([pris, pris, *(codes.nouveau_code() for _ in range(20))])
    monkeypatch.setattr(codes, "nouveau_code", lambda: next(tirages))

    generer(par=coord, dispositif=dispositif, nb_carnets=1, taille=10)

    assert Cheque.objects.filter(code=pris).count() == 1
    assert Cheque.objects.count() == 15


@pytest.mark.django_db
def test_un_code_pris_entre_temps_fait_recommencer_le_lot(coord, dispositif, monkeypatch):
    """A concurrent generation commits one of our codes after our check: the unique constraint
    refuses the batch (inside a savepoint) and the batch is drawn again."""
    generer(par=coord, dispositif=dispositif, nb_carnets=1, taille=5)
    pris = Cheque.objects.first().code
    vrai = generation._codes_uniques
    appels = []

    def concurrent(nombre, tires):
        appels.append(nombre)
        codes_tires = vrai(nombre, tires)
        return [pris, *codes_tires[1:]] if len(appels) == 1 else codes_tires

    monkeypatch.setattr(generation, "_codes_uniques", concurrent)

    generer(par=coord, dispositif=dispositif, nb_carnets=2, taille=5)

    assert appels == [10, 10] and Cheque.objects.count() == 15


@pytest.mark.django_db
def test_par_lots_avec_un_nombre_constant_de_requetes(coord, dispositif, monkeypatch):
    monkeypatch.setattr(generation, "TAILLE_LOT_SQL", 20)  # 4 booklets of 5 per INSERT

    faite = generer(par=coord, dispositif=dispositif, nb_carnets=9, taille=5)

    cheques = Cheque.objects.select_related("carnet")
    assert cheques.count() == 45 and Carnet.objects.count() == 9
    assert all(c.numero_serie == (c.carnet.numero - 1) * 5 + c.rang for c in cheques)
    assert faite.dernier_numero_serie == 45
    monkeypatch.setattr(generation, "TAILLE_LOT_SQL", 5_000)

    def requetes(nb_carnets):
        with CaptureQueriesContext(connection) as capture:
            generer(par=coord, dispositif=dispositif, nb_carnets=nb_carnets, taille=10)
        sql = [q["sql"] for q in capture.captured_queries]
        # Beyond its parameter limit, SQLite splits an INSERT: only count the other queries.
        return [q for q in sql if not q.startswith(("INSERT", "COPY"))], [
            q for q in sql if '"code" IN' in q or '"code" = ANY' in q
        ]

    petit, verifications_petit = requetes(2)
    grand, verifications_grand = requetes(300)
    assert len(grand) == len(petit) and len(verifications_grand) == len(verifications_petit) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nb_carnets", "taille", "champ", "message"),
    [
        (0, 10, "nb_carnets", "supérieur ou égal à 1"),
        ("beaucoup", 10, "nb_carnets", "supérieur ou égal à 1"),
        (10, 7, "taille", "comptent 5 ou 10 chèques"),
        (20_001, 10, "nb_carnets", "on en génère 200\u202f000 au plus à la fois (20\u202f000 carnets de 10)"),
        (40_001, 5, "nb_carnets", "200\u202f005 chèques"),
        (1_001, 10, "nb_carnets", "Le budget du dispositif (100000 €) ne couvre pas ces chèques"),
    ],
)
def test_les_demandes_impossibles(coord, nb_carnets, taille, champ, message):
    dispositif = DispositifFactory(budget=Decimal("100000"))
    with pytest.raises(ValidationError) as exc:
        generer(par=coord, dispositif=dispositif, nb_carnets=nb_carnets, taille=taille)
    assert message in exc.value.message_dict[champ][0]
    assert rien_n_est_cree() and not CompteurDepartement.objects.exists()


@pytest.mark.django_db
def test_le_budget_compte_les_cheques_deja_generes_sauf_annules(coord):
    dispositif = DispositifFactory(budget=Decimal("200"), tailles_carnet=["10"])
    generer(par=coord, dispositif=dispositif, nb_carnets=2, taille=10)
    with pytest.raises(ValidationError, match=r"200 € déjà générés et 100 € demandés\. Il reste 0 €"):
        generer(par=coord, dispositif=dispositif, nb_carnets=1, taille=10)
    with pytest.raises(ValidationError, match="comptent 10 chèques"):
        generer(par=coord, dispositif=dispositif, nb_carnets=1, taille=5)
    Cheque.objects.filter(carnet__numero=1).update(statut="annule")
    generer(par=coord, dispositif=dispositif, nb_carnets=1, taille=10)  # replaces the lost booklet


@pytest.mark.django_db
def test_pas_de_generation_pour_un_dispositif_clos_ou_termine(coord):
    clos = DispositifFactory(clos_le=timezone.now())
    jour = timezone.localdate() - datetime.timedelta(days=100)
    termine = DispositifFactory(debut=jour - datetime.timedelta(days=300), fin=jour, validite_fin=jour)
    with pytest.raises(ValidationError, match="est clos"):
        generer(par=coord, dispositif=clos, nb_carnets=1, taille=10)
    with pytest.raises(ValidationError, match="ne sont plus encaissables depuis"):
        generer(par=coord, dispositif=termine, nb_carnets=1, taille=10)
    assert rien_n_est_cree()


@pytest.mark.django_db
def test_seul_un_coordinateur_du_departement_genere(dispositif):
    for par in (coordinateur(role=Role.LECTEUR), coordinateur("87")):
        with pytest.raises(PermissionDenied):
            generer(par=par, dispositif=dispositif, nb_carnets=1, taille=10)
    assert rien_n_est_cree()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deux_generations_simultanees_ne_partagent_aucun_numero():
    coord = coordinateur()
    dispositifs = [DispositifFactory(budget=Decimal("1000000")) for _ in range(2)]
    resultats, erreurs = [], []
    depart = threading.Barrier(2)

    def lancer(dispositif):
        try:
            depart.wait()
            resultats.append(generer(par=coord, dispositif=dispositif, nb_carnets=50, taille=10))
        except Exception as exc:  # noqa: BLE001 (reported below)
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=lancer, args=(d,)) for d in dispositifs]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()

    assert not erreurs
    plages = sorted((r.premier_numero_serie, r.dernier_numero_serie) for r in resultats)
    assert plages == [(1, 500), (501, 1000)]
    assert Cheque.objects.count() == 1000 and Cheque.objects.values("code").distinct().count() == 1000
    assert sorted(Carnet.objects.values_list("numero", flat=True)) == list(range(1, 101))
