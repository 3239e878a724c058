"""The activity page (`ateliers:activite`): the figures of the hand-computed data set, the
mediator filter, the period validated with French messages, who may open it (the place's
members; the département's staff with ?lieu=; prescribers 403; another place or département
404), constant queries, and the « Ce mois-ci » block of the place's home page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comptes.models import Role
from comptes.tests.factories import DepartementFactory, LieuFactory, make_member
from pass_numerique.models import Encaissement

from ..models import Inscription
from .factories import AtelierFactory, inscrire, seance
from .test_activite_chiffres import jeu, le

pytestmark = pytest.mark.django_db
URL = reverse("ateliers:activite")
PERIODE = {"du": "2025-01", "au": "2025-03"}
# Seen from today, S8 (25 March 2025, 1 h, B, 5 walk-ins, P2 registered but not marked) has
# started too: March holds S7 and S8 (2 sessions, 2 h, 5 walk-ins), the period 7 sessions, 7 h 45
# and 12 walk-ins; B runs 4 sessions.


@pytest.fixture
def m():
    m = jeu()
    m.coordinateur = make_member(Role.COORDINATEUR, departement=m.lieu.departement)
    m.lecteur = make_member(Role.LECTEUR, organisation=m.coordinateur.organisation)
    return m


def cellules(response) -> str:
    """The page's text with blanks squeezed, to look for a table row."""
    return " ".join(response.content.decode().split())


def test_le_lieu_voit_ses_chiffres(client, login, m):
    response = login(m.responsable).get(URL, PERIODE)
    assert response.status_code == 200
    texte = cellules(response)
    assert "Activité du lieu" in texte and "de janvier 2025 à mars 2025" in texte
    # Month rows: sessions, hours, participants, walk-ins, presences, cheques (roll-call, place).
    for ligne in (
        'Janvier 2025</th> <td class="text-end">3</td> <td class="text-end text-nowrap">3 h</td> '
        '<td class="text-end">2</td> <td class="text-end">1</td> <td class="text-end">3</td> '
        '<td class="text-end">1</td> <td class="text-end">1</td>',
        'Février 2025</th> <td class="text-end">2</td> <td class="text-end text-nowrap">2 h 45</td> '
        '<td class="text-end">2</td> <td class="text-end">6</td>',
        'Mars 2025</th> <td class="text-end">2</td> <td class="text-end text-nowrap">2 h</td> '
        '<td class="text-end">1</td> <td class="text-end">5</td> <td class="text-end">1</td> '
        '<td class="text-end">0</td> <td class="text-end">1</td>',
        'Total</th> <td class="text-end">7</td> <td class="text-end text-nowrap">7 h 45</td> '
        '<td class="text-end">3</td> <td class="text-end">12</td> <td class="text-end">6</td> '
        '<td class="text-end">2</td> <td class="text-end">4</td>',
    ):
        assert ligne in texte, ligne
    assertContains(response, "Prise en main (ordinateur, smartphone, tablette)")
    assertContains(response, f"{reverse('ateliers:activite_csv')}?du=2025-01&amp;au=2025-03")
    assertContains(response, "Voir seulement mes séances")
    assertNotContains(response, 'name="lieu"')


def test_la_periode_par_defaut_est_montree_dans_les_champs(client, login, m):
    response = login(m.a).get(URL)
    courant = timezone.localdate().replace(day=1)
    assertContains(response, f'value="{courant:%Y-%m}"')
    assert len(response.context["figures"].mois) == 12


def test_filtre_par_mediateur(client, login, m):
    response = login(m.a).get(URL, {**PERIODE, "mediateur": m.a.user_id})
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.mediateur == m.a.user
    assert (figures.total.seances, figures.total.minutes, figures.total.participants) == (3, 240, 3)
    assertContains(response, f"Activité de {m.a.user}")
    assertContains(response, "Voir toute l’équipe du lieu")
    # A médiateur may see a colleague's figures and the whole place.
    assert login(m.a).get(URL, {**PERIODE, "mediateur": m.b.user_id}).context["figures"].total.seances == 4
    assert login(m.a).get(URL, PERIODE).context["figures"].total.seances == 7


@pytest.mark.parametrize("valeur", ["abc", "999999", "-1"])
def test_un_mediateur_qui_n_est_pas_du_lieu(client, login, m, valeur):
    if valeur == "999999":
        valeur = str(make_member(Role.MEDIATEUR, organisation=m.autre_lieu).user_id)
    response = login(m.responsable).get(URL, {**PERIODE, "mediateur": valeur})
    assert response.status_code == 200
    assert response.context["figures"] is None
    assertContains(response, "Choisissez un·e membre du lieu dans la liste.")


@pytest.mark.parametrize(
    ("parametres", "message"),
    [
        ({"du": "2025-13"}, "Le mois 13 n’existe pas : indiquez un mois entre 01 et 12."),
        ({"du": "abc"}, "Indiquez un mois sous la forme AAAA-MM, par exemple 2025-03."),
        ({"du": "2025-03", "au": "2025-01"}, "Le mois de fin doit venir après le mois de début (ou être le même)."),
        ({"du": "2020-01", "au": "2025-01"}, "La période compte 61 mois : 36 mois au plus. Réduisez-la."),
        ({"du": "2025-01-01"}, "Assurez-vous que cette valeur comporte au plus 7 caractères"),
    ],
)
def test_periode_invalide(client, login, m, parametres, message):
    response = login(m.responsable).get(URL, parametres)
    assert response.status_code == 200
    assert response.context["figures"] is None
    assertContains(response, message)
    assertContains(response, 'aria-invalid="true"')
    assertNotContains(response, "Mois par mois")


def test_la_coordination_choisit_un_lieu_du_departement(client, login, m):
    for par in (m.coordinateur, m.lecteur):
        c = login(par)
        response = c.get(URL, {**PERIODE, "lieu": m.lieu.pk})
        assert response.status_code == 200
        assert response.context["figures"].total.seances == 7
        assertContains(response, f'<input type="hidden" name="lieu" value="{m.lieu.pk}">', html=False)
        assertNotContains(response, "Voir seulement mes séances")
        assert c.get(URL, PERIODE).status_code == 404  # no place named
        assert c.get(URL, {"lieu": "abc"}).status_code == 404
        etranger = LieuFactory(departement=DepartementFactory(code="87"))
        assert c.get(URL, {"lieu": etranger.pk}).status_code == 404
        assert c.get(reverse("ateliers:activite_csv"), {"lieu": etranger.pk}).status_code == 404


def test_un_membre_ne_voit_pas_un_autre_lieu(client, login, m):
    c = login(m.a)
    assert c.get(URL, {"lieu": m.autre_lieu.pk}).status_code == 404
    assert c.get(reverse("ateliers:activite_csv"), {"lieu": m.autre_lieu.pk}).status_code == 404
    assert c.get(URL, {"lieu": m.lieu.pk, **PERIODE}).status_code == 200
    # The other place's members see their own figures only.
    autre = make_member(Role.RESPONSABLE, organisation=m.autre_lieu)
    response = login(autre).get(URL, PERIODE)
    assert (response.context["figures"].total.seances, response.context["figures"].total.anonymes) == (1, 7)


@pytest.mark.parametrize("role", [Role.AGENT, Role.REFERENT])
def test_les_prescripteurs_n_ont_pas_acces(client, login, m, role):
    c = login(make_member(role, departement=m.lieu.departement))
    assert c.get(URL).status_code == 403
    assert c.get(URL, {"lieu": m.lieu.pk}).status_code == 403
    assert c.get(reverse("ateliers:activite_csv"), {"lieu": m.lieu.pk}).status_code == 403


def test_anonyme(client):
    for nom in ("ateliers:activite", "ateliers:activite_csv"):
        response = client.get(reverse(nom))
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_nombre_de_requetes_constant(client, login, m, django_assert_max_num_queries):
    c = login(m.responsable)
    with django_assert_max_num_queries(20) as avant:
        c.get(URL, PERIODE)
    atelier = AtelierFactory(lieu=m.lieu)
    for jour in range(1, 29):
        s = seance(atelier, debut=le(f"2025-02-{jour:02d}", "09:00"), mediateurs=[m.a.user], participants_anonymes=1)
        inscrire(s, m.personnes[jour % 5], presence=Inscription.Presence.PRESENT)
    with django_assert_max_num_queries(20) as apres:
        response = c.get(URL, {**PERIODE, "mediateur": m.a.user_id})
    assert response.context["figures"].mois[1].seances == 29
    assert len(apres.captured_queries) == len(avant.captured_queries)


# --- « Ce mois-ci » on the place's home page -----------------------------------------------------


def test_le_bloc_ce_mois_ci_de_l_accueil(client, login, m, django_assert_max_num_queries):
    atelier = AtelierFactory(lieu=m.lieu, duree_minutes=90)
    maintenant = timezone.now()
    s = seance(atelier, debut=maintenant - datetime.timedelta(minutes=1), participants_anonymes=2)
    inscrire(s, m.personnes[0], presence=Inscription.Presence.PRESENT)
    Encaissement.objects.create(cheque=m.cheques.pop(), lieu=m.lieu, source=Encaissement.Source.PAGE, le=maintenant)
    # Ended a week ago, one person registered and no sheet: it waits for its signed sheet.
    passee = seance(atelier, debut=maintenant - datetime.timedelta(days=40))
    inscrire(passee, m.personnes[1])
    c = login(m.a)
    with django_assert_max_num_queries(30):
        response = c.get(reverse("accueil"))
    texte = cellules(response)
    assert "<h2>Ce mois-ci</h2>" in texte
    assert '<p class="ei-figure mb-1">1</p> <p class="mb-0">séance tenue</p>' in texte
    assert '<p class="ei-figure mb-1">1 h 30</p>' in texte
    assert '<p class="ei-figure mb-1">1</p> <p class="mb-0">participant·e</p>' in texte
    assert '<p class="ei-figure mb-1">1</p> <p class="mb-0"> chèque encaissé </p>' in texte
    assertContains(response, reverse("ateliers:sans_feuille"))
    assertContains(response, f'href="{URL}"')


def test_pas_de_bloc_ce_mois_ci_hors_des_lieux(client, login, m):
    response = login(m.coordinateur).get(reverse("accueil"))
    assertNotContains(response, "Ce mois-ci")
