"""« Séances passées sans feuille d’émargement »: which sessions are listed (ended, maintained,
someone registered or walked in, no sheet), for the place and for the département's
coordinators (with a filter by place), constant SQL queries, and the count for home pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from comptes.models import Membership

from ..models import Inscription
from ..selectors.feuilles import nombre_sans_feuille, seances_sans_feuille
from ..services.feuilles import deposer_feuille
from .factories import AtelierFactory, inscrire, seance
from .test_feuilles_depot import fichier_pdf, monde, televerse

pytestmark = pytest.mark.django_db
URL = reverse("ateliers:sans_feuille")


@pytest.fixture
def m():
    """On top of `monde` (yesterday's session with two people, listed): sessions that must not be
    listed, one of the neighbouring place (listed for the coordinator), and Haute-Vienne's."""
    m = monde()
    atelier = m.seance.atelier
    m.ancienne = seance(atelier, dans_jours=-10)  # walk-ins only: listed, and first
    m.ancienne.participants_anonymes = 3
    m.ancienne.save()
    m.exclues = {
        "personne": seance(atelier, dans_jours=-2),
        "liste_d_attente": seance(atelier, dans_jours=-3),
        "annulee": seance(atelier, dans_jours=-4, annulee_le=timezone.now()),
        "deposee": seance(atelier, dans_jours=-5),
        "en_cours": seance(atelier, debut=timezone.now() - datetime.timedelta(minutes=30)),
        "a_venir": seance(atelier, dans_jours=1),
    }
    inscrire(m.exclues["liste_d_attente"], statut=Inscription.Statut.ATTENTE)
    inscrire(m.exclues["liste_d_attente"], statut=Inscription.Statut.DESINSCRIT)
    for cle in ("annulee", "deposee", "en_cours", "a_venir"):
        inscrire(m.exclues[cle])
    deposer_feuille(par=m.mediateur, seance=m.exclues["deposee"], fichier=televerse("f.pdf", fichier_pdf()))
    m.voisine = seance(AtelierFactory(lieu=m.voisin, titre="Atelier du tiers-lieu"), dans_jours=-1)
    inscrire(m.voisine)
    inscrire(m.seance_87)
    return m


def test_les_seances_du_lieu_sans_feuille(m, login):
    assert list(seances_sans_feuille(m.mediateur)) == [m.ancienne, m.seance]
    assert list(seances_sans_feuille(m.mediateur_voisin)) == [m.voisine]

    reponse = login(m.mediateur).get(URL)

    assert reponse.status_code == 200
    html = " ".join(reponse.content.decode().split())
    assert "<h1>Séances passées sans feuille d’émargement</h1>" in html
    assert "<strong>2 séances sans feuille d’émargement</strong>, de la plus ancienne à la plus récente." in html
    assert html.index(reverse("ateliers:seance", args=[m.ancienne.pk])) < html.index(
        reverse("ateliers:seance", args=[m.seance.pk])
    )
    assert reverse("ateliers:feuille_deposer", args=[m.seance.pk]) in html
    assert "Inès Moreau" in html
    assert (
        "<td> 2 inscrit·es </td>" in html
        and '<td> 0 inscrit·es <span class="d-block">3 sans inscription</span> </td>' in html
    )
    assert "Atelier du tiers-lieu" not in html and 'name="lieu"' not in html


def test_une_seance_est_listee_des_qu_elle_est_finie(m):
    """The end is computed by the database (start + duration), to the minute."""
    maintenant = timezone.now()
    finie = seance(m.seance.atelier, debut=maintenant - datetime.timedelta(minutes=121), duree_minutes=120)
    presque = seance(m.seance.atelier, debut=maintenant - datetime.timedelta(minutes=119), duree_minutes=120)
    longue = seance(m.seance.atelier, debut=maintenant - datetime.timedelta(hours=7), duree_minutes=480)
    for s in (finie, presque, longue):
        inscrire(s)
    listees = set(seances_sans_feuille(m.mediateur))
    assert finie in listees
    assert presque not in listees and longue not in listees


def test_la_coordination_voit_tout_le_departement_et_filtre_par_lieu(m, login):
    client = login(m.coordinateur)
    html = " ".join(client.get(URL).content.decode().split())
    assert "3 séances sans feuille" in html
    assert "<td>Tiers-lieu de Saint-Fiel</td>" in html and "<td>Médiathèque de Guéret</td>" in html
    assert reverse("ateliers:seance", args=[m.seance_87.pk]) not in html
    assert reverse("ateliers:feuille_deposer", args=[m.seance.pk]) not in html  # uploads are the place's
    assert f'<option value="{m.voisin.pk}" >Tiers-lieu de Saint-Fiel</option>' in html

    filtre = " ".join(client.get(URL, {"lieu": m.voisin.pk}).content.decode().split())
    assert "1 séance sans feuille" in filtre
    assert f'<option value="{m.voisin.pk}" selected>' in filtre
    assert "Afficher les séances de tous les lieux" in filtre
    # Another département's place, nonsense values: nothing leaks, nothing breaks.
    assert "Ce lieu n’a aucune séance passée" in client.get(URL, {"lieu": m.seance_87.lieu_id}).content.decode()
    for valeur in ("abc", "-1", "9" * 30):
        assert client.get(URL, {"lieu": valeur}).status_code == 200

    assert list(seances_sans_feuille(m.coordinateur_87)) == [m.seance_87]


@pytest.mark.parametrize("qui", ["lecteur", "referent", "agent"])
def test_les_autres_roles_n_y_ont_pas_acces(m, login, qui):
    assert login(getattr(m, qui)).get(URL).status_code == 403
    assert nombre_sans_feuille(getattr(m, qui)) == 0
    assert not seances_sans_feuille(getattr(m, qui)).exists()


def test_anonyme(m, client):
    assert client.get(URL).status_code == 302


def test_liste_vide(m, login):
    html = login(m.mediateur_voisin).get(URL, {"page": 99}).content.decode()
    assert "1 séance sans feuille" in " ".join(html.split())
    deposer_feuille(par=m.mediateur_voisin, seance=m.voisine, fichier=televerse("f.pdf", fichier_pdf()))
    html = login(m.mediateur_voisin).get(URL).content.decode()
    assert "Aucune séance passée n’attend sa feuille d’émargement : tout est à jour." in html


def test_nombre_sans_feuille_en_une_requete(m, django_assert_num_queries):
    for membership, attendu in ((m.mediateur, 2), (m.responsable, 2), (m.coordinateur, 3), (m.coordinateur_87, 1)):
        par = Membership.objects.select_related("organisation").get(pk=membership.pk)
        with django_assert_num_queries(1):
            assert nombre_sans_feuille(par) == attendu
    with django_assert_num_queries(0):
        assert nombre_sans_feuille(None) == 0


def _seances_en_plus(m, nombre: int) -> None:
    for n in range(nombre):
        s = seance(AtelierFactory(lieu=m.lieu), dans_jours=-(n + 20))
        s.mediateurs.add(m.mediateur.user)
        inscrire(s)


@pytest.mark.parametrize("qui", ["mediateur", "coordinateur"])
def test_requetes_constantes_pour_1_et_30_seances(login, django_assert_max_num_queries, qui):
    m = monde()  # one session without its sheet in the département
    client = login(getattr(m, qui))
    client.get(URL)  # warm the session and the membership cache
    with django_assert_max_num_queries(12) as une:
        assert client.get(URL).context["page"].paginator.count == 1
    _seances_en_plus(m, 29)
    with django_assert_max_num_queries(len(une.captured_queries)):
        reponse = client.get(URL)
    paginator = reponse.context["page"].paginator
    assert paginator.count == 30 and len(reponse.context["page"].object_list) == 25
