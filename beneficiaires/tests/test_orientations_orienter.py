"""The agent's pages: choose needs and a nearby place, orient, print the place's details."""

import re

import pytest
from django.urls import reverse

from beneficiaires.models import Orientation
from comptes.models import Role
from comptes.tests.factories import make_member
from journal.models import Action, Evenement

from .factories import BeneficiaireFactory, commune
from .test_orientations_donnees import LIMOGES, orientation, reseau

pytestmark = pytest.mark.django_db


@pytest.fixture
def r():
    return reseau()


def _url(r):
    return reverse("beneficiaires:orienter", args=[r.personne.pk])


def _noms_proposes(html: str) -> list[str]:
    return re.findall(r'class="form-check-label ei-choix-lieu__nom" for="lieu-\d+">\s*(.+?) — à', html)


def _lectures(vue: str) -> int:
    return Evenement.objects.filter(action=Action.BENEFICIAIRE_CONSULTE, details__vue=vue).count()


# --- GET: needs and places -------------------------------------------------------------------


def test_the_page_shows_the_nearest_open_places_for_the_diagnostic_needs(r, client, login):
    response = login(r.agent, client).get(_url(r))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Orienter Yvette Lachaud vers un lieu</h1>" in html
    # Pre-checked from the diagnostic: ordinateur and démarches, not the others.
    assert re.search(r'value="ordinateur"\s+id="besoin-ordinateur"\s+checked', html)
    assert re.search(r'value="demarches"\s+id="besoin-demarches"\s+checked', html)
    assert not re.search(r'value="scolarite"\s+id="besoin-scolarite"\s+checked', html)
    # Nearest first; closed, other département and non-matching places left out.
    assert _noms_proposes(html) == [
        "Médiathèque du Fil",
        "France Services de Saint-Fiel",
        "Espace numérique de La Souterraine",
    ]
    assert "Médiathèque du Fil — à 3,2 km" in html
    assert "Téléphone : 05 55 12 34 56" in html
    assert "Lundi au vendredi : 9 h – 12 h, 14 h – 18 h 30" in html
    assert "Accepte le Pass numérique." in html and "N’accepte pas le Pass numérique." in html
    assert re.search(r"1 place Bonnyaud,\s+23000 Guéret", html)
    assert "Aucune information de santé" in html
    assert _lectures("orientation") == 1


def test_the_agent_changes_the_needs_with_a_get_form(r, client, login):
    html = login(r.agent, client).get(_url(r), {"choix": "1", "besoins": "scolarite"}).content.decode()
    assert _noms_proposes(html) == ["Centre social des familles"]
    assert '<input type="hidden" name="besoins" value="scolarite">' in html
    # Nothing checked: every nearby open place, and a hint to check a need.
    html = client.get(_url(r), {"choix": "1"}).content.decode()
    assert len(_noms_proposes(html)) == 4
    assert "Aucun besoin n’est coché" in html


def test_an_unknown_need_in_the_query_is_reported_in_french(r, client, login):
    response = login(r.agent, client).get(_url(r), {"besoins": ["astrologie", "scolarite"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Besoin·s inconnu·s : « astrologie ». Choisissez dans la liste proposée." in html
    assert _noms_proposes(html) == ["Centre social des familles"]


def test_no_place_nearby_says_so(r, client, login):
    personne = BeneficiaireFactory(commune=commune(LIMOGES), organisme=None, besoins=["scolarite"])
    agent = make_member(Role.AGENT, organisation=personne.suivis.first().organisme)
    html = login(agent, client).get(reverse("beneficiaires:orienter", args=[personne.pk])).content.decode()
    assert "Aucun lieu trouvé" in html
    assert "Aucun lieu ouvert du département ne propose ces services" in html
    assert "à moins de 60 km de Limoges" in html
    assert "Orienter vers ce lieu" not in html


# --- POST: orient ----------------------------------------------------------------------------


def test_orienting_creates_the_orientation_and_goes_to_the_printable_slip(
    r, client, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(r.agent, client).post(
            _url(r), {"lieu": r.proche.pk, "besoins": ["ordinateur"], "message": "Préfère le matin"}
        )
    o = Orientation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaires:fiche_orientation", args=[o.pk])
    assert (o.lieu, o.besoins, o.message, o.cree_par) == (r.proche, ["ordinateur"], "Préfère le matin", r.agent.user)
    assert Evenement.objects.filter(action=Action.ORIENTATION_CREEE, target_id=str(r.personne.pk)).count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "Yvette Lachaud est orienté·e vers « Médiathèque du Fil » : le lieu est prévenu." in html
    assert "Imprimez cette fiche" in html


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"lieu": "999999"}, "Ce lieu est introuvable : choisissez un lieu dans la liste."),
        ({"lieu": ""}, "Choisissez le lieu vers lequel orienter la personne."),
        ("ferme", "Ce lieu n’est pas ouvert dans le département : choisissez-en un autre."),
        ("ailleurs", "Ce lieu n’est pas ouvert dans le département : choisissez-en un autre."),
        ({"besoins": ["ordinateur", "astrologie"]}, "Besoin·s inconnu·s : « astrologie »"),
        ({"besoins": []}, "Cochez au moins un besoin, puis mettez à jour la liste des lieux."),
        ({"message": "x" * 501}, "Le message ne doit pas dépasser 500 caractères."),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(r, client, login, donnees, message):
    if isinstance(donnees, str):
        donnees = {"lieu": getattr(r, donnees).pk}
    data = {"lieu": r.proche.pk, "besoins": ["ordinateur"], "message": ""} | donnees
    response = login(r.agent, client).post(_url(r), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Orientation.objects.exists()
    assert not Evenement.objects.filter(action=Action.ORIENTATION_CREEE).exists()


def test_orienting_twice_to_the_same_open_place_is_refused(r, client, login):
    orientation(r)
    response = login(r.agent, client).post(_url(r), {"lieu": r.proche.pk, "besoins": ["ordinateur"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cette personne est déjà orientée vers « Médiathèque du Fil » et attend d’être contactée." in html
    assert Orientation.objects.count() == 1
    # The chosen place stays selected.
    assert re.search(rf'id="lieu-{r.proche.pk}"\s+aria-describedby="lieu-{r.proche.pk}-details"\s+checked', html)


# --- permissions -----------------------------------------------------------------------------


def test_an_agent_of_an_organisation_that_does_not_follow_the_person_gets_404(r, client, login):
    voisin = make_member(Role.AGENT, departement=r.personne.departement)
    login(voisin, client)
    assert client.get(_url(r)).status_code == 404
    assert client.post(_url(r), {"lieu": r.proche.pk, "besoins": ["ordinateur"]}).status_code == 404
    assert not Orientation.objects.exists()
    assert _lectures("orientation") == 0


@pytest.mark.parametrize("role", [Role.LECTEUR, Role.COORDINATEUR, Role.RESPONSABLE, Role.MEDIATEUR])
def test_roles_that_do_not_orient_get_403(r, client, login, role):
    membre = r.mediateur if role == Role.MEDIATEUR else make_member(role, departement=r.personne.departement)
    login(membre, client)
    assert client.get(_url(r)).status_code == 403
    assert client.post(_url(r), {"lieu": r.proche.pk, "besoins": ["ordinateur"]}).status_code == 403
    assert not Orientation.objects.exists()


def test_a_referent_of_the_organisation_orients_too(r, client, login):
    referent = make_member(Role.REFERENT, organisation=r.organisme)
    response = login(referent, client).post(_url(r), {"lieu": r.loin.pk, "besoins": ["demarches"]})
    assert response.status_code == 302
    assert Orientation.objects.get().cree_par == referent.user


# --- the printable slip ----------------------------------------------------------------------


def test_the_slip_shows_the_place_for_the_person_and_is_journalled(r, client, login):
    o = orientation(r, besoins=["ordinateur", "demarches"])
    response = login(r.agent, client).get(reverse("beneficiaires:fiche_orientation", args=[o.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="titre-fiche">Fiche d’orientation vers Médiathèque du Fil</h1>' in html
    for attendu in (
        "Yvette Lachaud",
        "CCAS de Guéret",
        "05 55 00 00 00",
        "1 place Bonnyaud",
        "05 55 12 34 56",
        "Lundi au vendredi : 9 h – 12 h, 14 h – 18 h 30",
        "Bus ligne 2, arrêt Mairie. Accès en fauteuil.",
        "Se présenter",
        "une pièce d’identité",
        "vos chèques Pass numérique",
        "Allumer et utiliser un ordinateur",
    ):
        assert attendu in html, attendu
    assert "css/orientation.css" in html and "js/orientation.js" in html and "data-imprimer" in html
    assert "611223344" not in html  # the person's phone is not on the slip
    assert _lectures("fiche_orientation") == 1


def test_a_refused_orientation_warns_on_screen(r, client, login):
    o = orientation(r)
    Orientation.objects.filter(pk=o.pk).update(statut="refusee", motif_refus="Complet", repondu_le=o.cree_le)
    html = login(r.agent, client).get(reverse("beneficiaires:fiche_orientation", args=[o.pk])).content.decode()
    assert "Ce lieu a refusé cette orientation" in html and "« Complet »" in html


def test_who_sees_the_slip(r, client, login):
    o = orientation(r)
    url = reverse("beneficiaires:fiche_orientation", args=[o.pk])
    departement = r.personne.departement
    assert login(r.mediateur, client).get(url).status_code == 200
    assert login(make_member(Role.COORDINATEUR, departement=departement), client).get(url).status_code == 200
    assert login(make_member(Role.LECTEUR, departement=departement), client).get(url).status_code == 200
    # Another place, another organisation, another département: 404.
    assert login(make_member(Role.MEDIATEUR, organisation=r.loin), client).get(url).status_code == 404
    assert login(make_member(Role.AGENT, departement=departement), client).get(url).status_code == 404
    autre = commune(LIMOGES).departement
    assert login(make_member(Role.COORDINATEUR, departement=autre), client).get(url).status_code == 404
    # A place oriented another orientation of the same person sees only its own.
    orientation(r, lieu=r.loin)
    assert login(make_member(Role.MEDIATEUR, organisation=r.loin), client).get(url).status_code == 404
    assert _lectures("fiche_orientation") == 3
