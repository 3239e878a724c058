"""Expiry: handed-out cheques past validity + tolerance become « expiré » (one journal entry per
dispositif with the count and serial ranges); stock and redeemed cheques stay as they are; the
daily task; the unused value per dispositif and its page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import LieuFactory, make_member
from einclusion.celery import app
from journal.models import Action, Evenement

from ..models import Carnet, Cheque
from ..selectors.cheques import valeur_par_dispositif
from ..services.expiration import expirer, plages
from ..tasks_expiration import expirer_cheques
from .factories import DispositifFactory, carnet, cheques_remis
from .test_encaissement_donnees import dispositif_expire

pytestmark = pytest.mark.django_db
S = Cheque.Statut


def test_plages():
    assert plages([]) == []
    assert plages([9, 1, 2, 3, 7, 10]) == [(1, 3), (7, 7), (9, 10)]


def test_expirer_les_cheques_remis_apres_la_tolerance():
    d = dispositif_expire()
    actif = DispositifFactory()
    remis = cheques_remis(d, taille=5)
    autres = cheques_remis(d, taille=5)
    stock_dote = carnet(d, statut=Carnet.Statut.DOTE, organisme=remis[0].carnet.organisme)
    stock_genere = carnet(d)
    encore_valables = cheques_remis(actif, taille=5)
    Cheque.objects.filter(pk=remis[0].pk).update(
        statut=S.ENCAISSE,
        encaisse_le=timezone.now() - datetime.timedelta(days=40),
        lieu_encaissement=LieuFactory(departement=d.departement),
    )
    Cheque.objects.filter(pk=autres[4].pk).update(statut=S.ANNULE, annule_le=timezone.now())

    bilans = expirer()

    assert len(bilans) == 1 and bilans[0].dispositif == d and bilans[0].nombre == 8
    assert bilans[0].valeur == Decimal("80.00")
    assert (
        list(Cheque.objects.filter(carnet=remis[0].carnet).order_by("rang").values_list("statut", flat=True))
        == [S.ENCAISSE] + [S.EXPIRE] * 4
    )
    assert Cheque.objects.get(pk=autres[4].pk).statut == S.ANNULE
    assert set(stock_dote.cheques.values_list("statut", flat=True)) == {S.DOTE}
    assert set(stock_genere.cheques.values_list("statut", flat=True)) == {S.GENERE}
    assert set(Cheque.objects.filter(pk__in=[c.pk for c in encore_valables]).values_list("statut", flat=True)) == {
        S.REMIS
    }
    assert Cheque.objects.filter(statut=S.EXPIRE, expire_le__isnull=False).count() == 8

    entree = Evenement.objects.get(action=Action.CHEQUES_EXPIRES)
    assert entree.target_type == "pass_numerique.dispositif" and entree.target_id == str(d.pk)
    assert entree.actor is None and entree.departement_id == d.departement_id
    assert entree.details["nombre"] == 8 and entree.details["valeur"] == "80.00"
    attendu = plages([c.numero_serie for c in remis[1:]] + [c.numero_serie for c in autres[:4]])
    assert entree.details["plages"] == [list(p) for p in attendu]
    assert entree.details["plages_tronquees"] is False
    assert entree.target_repr == f"8 chèques expirés — {d.nom}"

    # A second run changes nothing and writes nothing.
    assert expirer() == []
    assert Evenement.objects.filter(action=Action.CHEQUES_EXPIRES).count() == 1


def test_le_dernier_jour_d_encaissement_n_est_pas_encore_expire():
    aujourd_hui = timezone.localdate()
    d = DispositifFactory(
        debut=aujourd_hui - datetime.timedelta(days=60),
        fin=aujourd_hui - datetime.timedelta(days=30),
        validite_fin=aujourd_hui - datetime.timedelta(days=30),
        tolerance_jours=30,
    )
    cheques_remis(d, taille=5)
    assert expirer() == []
    bilans = expirer(jour=aujourd_hui + datetime.timedelta(days=1))
    assert [b.nombre for b in bilans] == [5]


def test_la_tache_quotidienne():
    d = dispositif_expire()
    cheques_remis(d, taille=5)
    assert expirer_cheques.delay().get() == {str(d.pk): 5}
    assert app.conf.beat_schedule["expirer-cheques"]["task"] == "pass_numerique.tasks_expiration.expirer_cheques"
    assert "pass_numerique.tasks_expiration.expirer_cheques" in app.tasks


def test_valeur_par_dispositif(django_assert_num_queries):
    d = dispositif_expire()
    remis = cheques_remis(d, taille=10)
    carnet(d, taille=5)
    Cheque.objects.filter(pk__in=[c.pk for c in remis[:2]]).update(statut=S.ANNULE)
    expirer()
    vide = DispositifFactory(departement=d.departement)
    with django_assert_num_queries(2):
        valeurs = {v.dispositif.pk: v for v in valeur_par_dispositif(d.departement_id)}
    v = valeurs[d.pk]
    assert (v.expiree.nombre, v.expiree.valeur) == (8, Decimal("80.00"))
    assert (v.annulee.nombre, v.annulee.valeur) == (2, Decimal("20.00"))
    assert (v.non_utilisee.nombre, v.non_utilisee.valeur) == (10, Decimal("100.00"))
    assert (v.jamais_distribuee.nombre, v.total.nombre, v.total.valeur) == (5, 15, Decimal("150.00"))
    assert valeurs[vide.pk].total.nombre == 0


def test_la_page_des_cheques_non_utilises(login):
    d = dispositif_expire()
    cheques_remis(d, taille=5)
    expirer()
    url = reverse("pass_encaissement:valeur_non_utilisee")
    for role in (Role.COORDINATEUR, Role.LECTEUR):
        html = login(make_member(role, departement=d.departement)).get(url).content.decode()
        assert d.nom in html and "<strong>5 — 50,00 €</strong>" in html
    for role in (Role.AGENT, Role.RESPONSABLE, Role.MEDIATEUR, Role.REFERENT):
        assert login(make_member(role, departement=d.departement)).get(url).status_code == 403
    # Another département's dispositifs are not shown.
    autre = DispositifFactory(departement__code="87")
    html = login(make_member(Role.COORDINATEUR, departement=d.departement)).get(url).content.decode()
    assert autre.nom not in html
