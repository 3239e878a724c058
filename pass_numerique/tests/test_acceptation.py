"""« Accepte le Pass numérique » is derived: qualifié for at least one ACTIVE dispositif.

The stored flag follows every decision (qualification, dispositif created, modified, closed),
the daily task catches the calendar, the public map's cache is invalidated, and the public API
and filters read the flag.
"""

import datetime
import gzip
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from comptes.tests.factories import LieuFactory
from pass_numerique import tasks
from pass_numerique.models import Qualification
from pass_numerique.services import acceptation
from pass_numerique.services import dispositifs as services
from pass_numerique.tests.factories import DispositifFactory, qualifier
from structures.models import Lieu
from structures.signals import version_lieux

from .test_dispositifs_services import coordinateur

pytestmark = pytest.mark.django_db
AUJOURD_HUI = timezone.localdate


def jours(n: int) -> datetime.date:
    return AUJOURD_HUI() + datetime.timedelta(days=n)


def accepte(lieu) -> bool:
    return Lieu.objects.get(pk=lieu.pk).accepte_pass_numerique


def lieu_avec_position(dispositif, **kwargs):
    return LieuFactory(departement=dispositif.departement, latitude=46.17, longitude=1.87, **kwargs)


def decider(coord, dispositif, lieu, statut, motif="Décision de test"):
    return services.decider_qualification(par=coord, dispositif=dispositif, lieu=lieu, statut=statut, motif=motif)


def test_qualifie_pour_un_dispositif_actif_accepte_suspendu_n_accepte_plus():
    coord = coordinateur()
    dispositif = DispositifFactory()
    lieu = lieu_avec_position(dispositif)

    decider(coord, dispositif, lieu, "candidat")
    assert not accepte(lieu)
    decider(coord, dispositif, lieu, "qualifie")
    assert accepte(lieu)
    decider(coord, dispositif, lieu, "suspendu")
    assert not accepte(lieu)


@pytest.mark.parametrize(
    ("attributs", "raison"),
    [
        ({"debut": jours(-400), "fin": jours(-60), "validite_fin": jours(-60), "tolerance_jours": 30}, "expiré"),
        ({"debut": jours(-400), "fin": jours(-20), "validite_fin": jours(-20), "tolerance_jours": 0}, "expiré"),
        ({"debut": jours(5), "fin": jours(300), "validite_fin": jours(300)}, "à venir"),
        ({"clos_le": timezone.now()}, "clos"),
    ],
)
def test_qualifie_pour_un_dispositif_inactif_n_accepte_pas(attributs, raison):
    dispositif = DispositifFactory(**attributs)
    lieu = lieu_avec_position(dispositif)
    qualifier(lieu, dispositif)
    Lieu.objects.filter(pk=lieu.pk).update(accepte_pass_numerique=True)  # a stale flag

    assert acceptation.recalculer() == 1, raison

    assert not accepte(lieu) and not acceptation.accepte(lieu)


def test_dans_la_tolerance_le_lieu_accepte_encore():
    dispositif = DispositifFactory(debut=jours(-400), fin=jours(-10), validite_fin=jours(-10), tolerance_jours=30)
    lieu = lieu_avec_position(dispositif)
    qualifier(lieu, dispositif)
    acceptation.recalculer()
    assert accepte(lieu)


def test_clore_ou_raccourcir_un_dispositif_retire_l_acceptation_sauf_autre_dispositif_actif():
    coord = coordinateur()
    premier, second = DispositifFactory(), DispositifFactory()
    deux_fois, une_fois = lieu_avec_position(premier), lieu_avec_position(premier)
    for lieu in (deux_fois, une_fois):
        decider(coord, premier, lieu, "qualifie")
    decider(coord, second, deux_fois, "qualifie")
    assert accepte(deux_fois) and accepte(une_fois)

    services.clore_dispositif(par=coord, dispositif=premier)

    assert accepte(deux_fois) and not accepte(une_fois)
    # The second one is moved to the future: nobody accepts any more.
    valeurs = {c: getattr(second, c) for c in services.CHAMPS} | {"debut": jours(10)}
    services.modifier_dispositif(par=coord, dispositif=second, donnees=valeurs)
    assert not accepte(deux_fois)


def test_la_tache_quotidienne_suit_le_calendrier():
    dispositif = DispositifFactory(debut=jours(1), fin=jours(200), validite_fin=jours(200))
    lieu = lieu_avec_position(dispositif)
    qualifier(lieu, dispositif)
    autre = lieu_avec_position(dispositif)
    Lieu.objects.filter(pk=autre.pk).update(accepte_pass_numerique=True)  # stale: qualified nowhere

    assert tasks.recalculer_acceptation.delay().get() == 1  # only `autre` changes today
    assert not accepte(lieu) and not accepte(autre)
    assert acceptation.recalculer(jour=jours(1)) == 1  # tomorrow the dispositif starts
    assert accepte(lieu)
    assert acceptation.recalculer(jour=jours(1)) == 0  # nothing changes twice


def test_recalculer_ne_touche_que_les_lignes_qui_changent(django_assert_max_num_queries):
    dispositif = DispositifFactory()
    deja = lieu_avec_position(dispositif)
    qualifier(deja, dispositif)
    acceptation.recalculer()
    avant = Lieu.objects.get(pk=deja.pk).modifie_le
    nouveau = lieu_avec_position(dispositif)
    qualifier(nouveau, dispositif)
    version = version_lieux()

    with django_assert_max_num_queries(4):  # two conditional UPDATEs (and their savepoint)
        assert acceptation.recalculer() == 1

    assert Lieu.objects.get(pk=deja.pk).modifie_le == avant
    assert Lieu.objects.get(pk=nouveau.pk).modifie_le > avant
    assert version_lieux() != version  # the public map's cache is invalidated
    version = version_lieux()
    assert acceptation.recalculer() == 0
    assert version_lieux() == version  # nothing changed: the cache stays
    assert acceptation.recalculer(lieu_ids=[]) == 0


def test_l_api_publique_et_le_filtre_suivent_la_decision(client):
    coord = coordinateur()
    dispositif = DispositifFactory()
    lieu = lieu_avec_position(dispositif, nom="Médiathèque qualifiée")
    geojson = reverse("structures_api:lieux_geojson")

    def proprietes():
        reponse = client.get(geojson, HTTP_ACCEPT_ENCODING="gzip")
        corps = reponse.content
        if reponse.get("Content-Encoding") == "gzip":
            corps = gzip.decompress(corps)
        return [f["properties"] for f in json.loads(corps)["features"]]

    assert [p["accepte_pass_numerique"] for p in proprietes()] == [False]  # now cached
    decider(coord, dispositif, lieu, "qualifie")
    assert [p["accepte_pass_numerique"] for p in proprietes()] == [True]
    filtre = client.get(reverse("structures_api:lieux"), {"pass_numerique": "1"})
    assert [r["nom"] for r in filtre.json()["lieux"]] == ["Médiathèque qualifiée"]
    decider(coord, dispositif, lieu, "suspendu")
    assert [p["accepte_pass_numerique"] for p in proprietes()] == [False]


def test_la_page_du_lieu_explique_pourquoi_il_accepte(login):
    coord = coordinateur()
    dispositif = DispositifFactory(nom="Pass 2026 Creuse")
    clos = DispositifFactory(nom="Pass 2024 clos", clos_le=timezone.now())
    lieu = lieu_avec_position(dispositif)
    qualifier(lieu, clos)
    url = reverse("structures_gestion:modifier", args=[lieu.pk])

    assert "Accepte le Pass numérique</dt>" in login(coord).get(url).content.decode()
    assert "non\n" in login(coord).get(url).content.decode().split("Accepte le Pass numérique</dt>")[1][:200]
    decider(coord, dispositif, lieu, "qualifie")

    page = login(coord).get(url).content.decode()
    assert "oui (qualifié pour « Pass 2026 Creuse »)" in page
    assert "Pass 2024 clos" not in page
    assert Qualification.objects.filter(lieu=lieu).count() == 2
