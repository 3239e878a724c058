"""Who may open and post every URL of the registrations and the roll-call: the place's members
on their own sessions only (another place's or département's session is a 404), every other
role a 403 whatever the session (a 403 says nothing about the session), anonymous visitors to
the login page. Writes refused change nothing and journal nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from journal.models import Evenement

from ..models import Inscription
from .factories import inscrire, personne_du_lieu
from .test_emargement_donnees import monde

pytestmark = pytest.mark.django_db
ACTEURS = ("anonyme", "coordinateur", "lecteur", "referent", "agent", "responsable", "mediateur")
SANS_DROIT = ("coordinateur", "lecteur", "referent", "agent")
# name: (GET answered by the view, POST data)
URLS = {
    "inscrire": (True, {"beneficiaire": "{personne}"}),
    "nouvelle_personne": (True, {"nom": "X"}),
    "desinscrire": (True, {}),
    "anonymes": (False, {"nombre": "3"}),
    "emargement": (True, None),
    "pointer": (False, {"presence": "present"}),
    "encaisser": (False, {"code": "ABCDE-FGHJK"}),
}
AVEC_INSCRIPTION = ("desinscrire", "pointer", "encaisser")


@pytest.fixture(scope="module")
def attendus():
    """Expected GET status per URL and actor: (own session, another place's, another département's)."""
    table = {}
    for nom, (get, _) in URLS.items():
        lieu = (200, 404, 404) if get else (405, 405, 405)
        table[nom] = {"anonyme": ("login",) * 3, **dict.fromkeys(SANS_DROIT, (403,) * 3)}
        table[nom].update(responsable=lieu, mediateur=lieu)
    return table


@pytest.fixture
def m():
    m = monde()
    m.inscriptions = {}
    for nom, s in (("propre", m.seance), ("voisine", m.autre_seance), ("etrangere", m.seance_etrangere)):
        m.inscriptions[nom] = inscrire(s, personne_du_lieu(s.lieu))
    return m


def chemin(nom, seance, inscription):
    args = [seance.pk, inscription.pk] if nom in AVEC_INSCRIPTION else [seance.pk]
    return reverse(f"ateliers:{nom}", args=args)


def client_de(login, m, acteur):
    return Client() if acteur == "anonyme" else login(getattr(m, acteur), Client())


@pytest.mark.parametrize("acteur", ACTEURS)
def test_get_par_acteur(login, m, attendus, acteur):
    client = client_de(login, m, acteur)
    seances = (m.seance, m.autre_seance, m.seance_etrangere)
    for nom in URLS:
        obtenus = []
        for s, portee in zip(seances, ("propre", "voisine", "etrangere"), strict=True):
            reponse = client.get(chemin(nom, s, m.inscriptions[portee]))
            statut = reponse.status_code
            if statut == 302 and reverse("account_login") in reponse["Location"]:
                statut = "login"
            obtenus.append(statut)
        assert tuple(obtenus) == attendus[nom][acteur], (nom, acteur, obtenus)


@pytest.mark.parametrize("acteur", [*SANS_DROIT, "voisin", "etranger"])
def test_les_ecritures_refusees_ne_changent_rien(login, m, acteur):
    client = login(getattr(m, acteur))
    inscription = m.inscriptions["propre"]
    attendu = 403 if acteur in SANS_DROIT else 404
    for nom, (_, donnees) in URLS.items():
        if donnees is None:
            continue
        donnees = {k: v.format(personne=m.personne(cheques=0).pk) for k, v in donnees.items()}
        reponse = client.post(chemin(nom, m.seance, inscription), donnees)
        assert reponse.status_code == attendu, (nom, acteur)
    inscription.refresh_from_db()
    m.seance.refresh_from_db()
    assert inscription.statut == "inscrit" and inscription.presence == ""
    assert Inscription.objects.filter(seance=m.seance).count() == 1
    assert m.seance.participants_anonymes == 0
    assert not Evenement.objects.exists()


def test_une_inscription_d_une_autre_seance_du_lieu_est_introuvable(login, m):
    from .factories import seance

    autre = inscrire(seance(m.atelier, dans_jours=0, heure=10), personne_du_lieu(m.lieu))
    client = login(m.mediateur)
    for nom in AVEC_INSCRIPTION:
        assert client.post(chemin(nom, m.seance, autre), {"presence": "present"}).status_code == 404
    assert client.get(chemin("desinscrire", m.seance, autre)).status_code == 404
    autre.refresh_from_db()
    assert autre.statut == "inscrit" and autre.presence == ""
