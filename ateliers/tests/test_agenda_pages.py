"""The agenda of a place: the week Monday to Sunday (any day of it in ?semaine=), previous/next
links, « mes séances », what each session shows, constant queries, who may open it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from beneficiaires.tests.factories import commune

from ..models import Inscription
from ..selectors.agenda import bornes_de_la_semaine, lundi_de
from .factories import AtelierFactory, inscrire, seance
from .test_ateliers_donnees import monde

pytestmark = pytest.mark.django_db
URL = reverse("ateliers:agenda")
LUNDI = datetime.date(2026, 3, 23)  # the week before the change to summer time (29 March)


@pytest.fixture
def m():
    return monde()


def mots(reponse) -> str:
    return " ".join(strip_tags(reponse.content.decode()).split())


def a(jour: datetime.date, heure: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure, minute)))


def test_lundi_de_et_bornes_en_heure_de_paris():
    assert lundi_de(datetime.date(2026, 3, 29)) == LUNDI
    debut, fin = bornes_de_la_semaine(datetime.date(2026, 3, 30))
    assert (debut.utcoffset(), fin.utcoffset()) == (datetime.timedelta(hours=2), datetime.timedelta(hours=2))
    debut, _ = bornes_de_la_semaine(LUNDI)
    assert debut.utcoffset() == datetime.timedelta(hours=1)


def test_la_semaine_demandee(login, m):
    dimanche_soir = seance(
        m.atelier, debut=a(LUNDI + datetime.timedelta(days=6), 23, 30), mediateurs=[m.mediateur.user]
    )
    mardi = seance(
        m.atelier,
        debut=a(LUNDI + datetime.timedelta(days=1), 14),
        itinerante=True,
        commune=commune(),
        mediateurs=[m.responsable.user],
        capacite=6,
    )
    for _ in range(2):
        inscrire(mardi)
    inscrire(mardi, statut=Inscription.Statut.ATTENTE)
    seance(m.atelier, debut=a(LUNDI - datetime.timedelta(days=1), 10))  # the Sunday before
    seance(m.atelier, debut=a(LUNDI + datetime.timedelta(days=7), 0, 0))  # next Monday
    seance(m.atelier_voisin, debut=a(LUNDI + datetime.timedelta(days=2), 10))  # another place
    client = login(m.mediateur)
    reponse = client.get(URL, {"semaine": "2026-03-26"})  # a Thursday
    assert reponse.status_code == 200
    assert reponse.context["lundi"] == LUNDI and reponse.context["nb_seances"] == 2
    texte = mots(reponse)
    assert "Semaine du lundi 23 mars au dimanche 29 mars 2026 (2 séances)" in texte
    assert "Mardi 24 mars 14 h 00 – 15 h 30 Passée Premiers pas sur smartphone" in texte
    assert "Itinérante à Guéret · Inscriptions : 2/6 · 1 en attente Rose Responsable" in texte
    assert "Dimanche 29 mars 23 h 30 – 01 h 00" in texte
    assert texte.count("Aucune séance.") == 5
    assert "Découvrir sa tablette" not in texte
    html = reponse.content.decode()
    assert f'href="{reverse("ateliers:seance", args=[mardi.pk])}"' in html
    assert 'href="?semaine=2026-03-16"' in html and 'href="?semaine=2026-03-30"' in html
    assert dimanche_soir.pk


def test_mes_seances_en_un_clic(login, m):
    seance(m.atelier, debut=a(LUNDI, 9), mediateurs=[m.mediateur.user])
    seance(AtelierFactory(lieu=m.lieu, titre="Café numérique"), debut=a(LUNDI, 14), mediateurs=[m.responsable.user])
    client = login(m.mediateur)
    html = client.get(URL, {"semaine": LUNDI.isoformat()}).content.decode()
    assert f'href="?semaine=2026-03-23&amp;mediateur={m.mediateur.user.pk}">Voir seulement mes séances</a>' in html
    reponse = client.get(URL, {"semaine": LUNDI.isoformat(), "mediateur": m.mediateur.user.pk})
    texte = mots(reponse)
    assert "séances animées par vous (1 séance)" in texte and "Café numérique" not in texte
    assert "Voir toutes les séances du lieu" in texte
    assert f'href="?semaine=2026-03-30&amp;mediateur={m.mediateur.user.pk}"' in reponse.content.decode()
    reponse = client.get(URL, {"semaine": LUNDI.isoformat(), "mediateur": m.responsable.user.pk})
    assert "séances animées par Rose Responsable (1 séance)" in mots(reponse)
    # Someone who is not a member of the place: ignored (everyone's sessions).
    reponse = client.get(URL, {"semaine": LUNDI.isoformat(), "mediateur": m.autre_mediateur.user.pk})
    assert reponse.context["mediateur"] is None and reponse.context["nb_seances"] == 2
    assert client.get(URL, {"mediateur": "abc"}).status_code == 200


def test_cette_semaine_par_defaut_et_date_invalide(login, m):
    client = login(m.responsable)
    reponse = client.get(URL)
    assert reponse.context["lundi"] == lundi_de(timezone.localdate()) and reponse.context["est_cette_semaine"]
    assert "Aujourd’hui" in mots(reponse)
    for mauvaise in ("demain", "2026-02-30", "0001-01-01", "9999-12-31"):
        reponse = client.get(URL, {"semaine": mauvaise})
        assert reponse.status_code == 200 and reponse.context["lundi"] == lundi_de(timezone.localdate())
        assert "La date demandée n’est pas valide" in mots(reponse)


@pytest.mark.parametrize("nombre", [1, 30])
def test_un_nombre_constant_de_requetes(login, m, django_assert_max_num_queries, nombre):
    gueret = commune()
    for i in range(nombre):
        s = seance(
            AtelierFactory(lieu=m.lieu),
            debut=a(LUNDI + datetime.timedelta(days=i % 7), 8 + i % 10),
            mediateurs=[m.mediateur.user, m.responsable.user],
            itinerante=bool(i % 2),
            commune=gueret if i % 2 else None,
        )
        inscrire(s)
    client = login(m.mediateur)
    for filtre in ({}, {"mediateur": m.mediateur.user.pk}):
        with django_assert_max_num_queries(6):
            reponse = client.get(URL, {"semaine": LUNDI.isoformat(), **filtre})
        assert reponse.context["nb_seances"] == nombre


@pytest.mark.parametrize("acteur", ["coordinateur", "lecteur", "referent", "agent"])
def test_les_autres_roles_n_ont_pas_d_agenda(login, m, acteur):
    assert login(m.acteur(acteur)).get(URL).status_code == 403


def test_un_visiteur_anonyme_va_a_la_connexion(client):
    assert client.get(URL).status_code == 302
