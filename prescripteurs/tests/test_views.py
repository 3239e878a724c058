"""Pages of the organismes prescripteurs: the directory (search, filters, pagination, constant
queries), create then invite the référent·e, edit (also the référent·e), close, reopen; who may
open what (404 out of scope, 403 for a role without access)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comptes.models import Role
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement
from prescripteurs.models import OrganismePrescripteur

from .conftest import SIRET, saisie

pytestmark = pytest.mark.django_db


def url(nom: str, organisme=None) -> str:
    return reverse(f"prescripteurs:{nom}", args=[organisme.pk] if organisme is not None else [])


# --- Directory ---------------------------------------------------------------------------------


def test_l_annuaire_du_departement(login, coord, organisme, referent, agent, creuse, haute_vienne, gueret):
    make_member(Role.REFERENT, organisation=organisme, first_name="Zoé", last_name="Zeller")
    ferme = OrganismePrescripteurFactory(departement=creuse, nom="Ancien CCAS", ferme_le=timezone.now())
    OrganismePrescripteurFactory(departement=haute_vienne, nom="CCAS de Limoges")
    client = login(coord)

    response = client.get(url("liste"))

    assertContains(response, "Mission locale de la Creuse")
    assertContains(response, "Mission locale")  # its type
    assertContains(response, organisme.siret)
    assertContains(response, "Guéret")
    assertContains(response, referent.user.get_full_name())
    assertContains(response, "Zoé Zeller")
    assertNotContains(response, agent.user.get_full_name())  # an agent is counted, not named
    assert response.context["page"].object_list[0].nb_membres == 3
    assertContains(response, reverse("comptes:membres", args=[organisme.pk]))
    assertContains(response, reverse("comptes:inviter", args=[organisme.pk]) + "?role=referent")
    assertContains(response, url("modifier", organisme))
    assertNotContains(response, ferme.nom)  # open ones by default
    assertNotContains(response, "CCAS de Limoges")  # another département

    fermes = client.get(url("liste"), {"statut": "fermes"})
    assertContains(fermes, "Ancien CCAS")
    assertContains(fermes, "Fermé le")
    assertNotContains(fermes, "Mission locale de la Creuse")
    tous = client.get(url("liste"), {"statut": "tous"})
    assert [o.nom for o in tous.context["page"].object_list] == ["Ancien CCAS", "Mission locale de la Creuse"]


@pytest.mark.parametrize(
    ("params", "attendus"),
    [
        ({"q": "mission"}, ["Mission locale de la Creuse"]),
        ({"q": "gueret"}, ["Mission locale de la Creuse"]),  # the commune, accents ignored
        ({"q": "sainte feyre"}, ["CCAS de Sainte-Feyre"]),
        ({"q": "000 000 023 00028"}, ["Mission locale de la Creuse"]),  # SIRET, spaces ignored
        ({"q": "23000"}, ["CCAS de Sainte-Feyre", "Mission locale de la Creuse"]),  # postal code
        ({"type": "ccas"}, ["CCAS de Sainte-Feyre"]),
        ({"type": "inconnu"}, ["CCAS de Sainte-Feyre", "Mission locale de la Creuse"]),  # ignored
        ({"q": "introuvable"}, []),
    ],
)
def test_rechercher_et_filtrer(login, coord, organisme, creuse, params, attendus):
    from territoires.models import Commune

    OrganismePrescripteurFactory(
        departement=creuse,
        nom="CCAS de Sainte-Feyre",
        type_organisme="ccas",
        code_postal="23000",
        commune=Commune.objects.get(code_insee="23193"),
    )
    response = login(coord).get(url("liste"), params)
    assert [o.nom for o in response.context["page"].object_list] == attendus
    if not attendus:
        assertContains(response, "Aucun organisme ne correspond à votre recherche.")


def test_l_annuaire_est_pagine_en_un_nombre_constant_de_requetes(
    login, coord, creuse, gueret, django_assert_max_num_queries
):
    for n in range(30):
        organisme = OrganismePrescripteurFactory(departement=creuse, nom=f"Organisme {n:02d}", commune=gueret)
        make_member(Role.REFERENT, organisation=organisme)
        make_member(Role.AGENT, organisation=organisme)
    client = login(coord)
    client.get(url("liste"))  # warm the session and the caches

    with django_assert_max_num_queries(7):
        premiere = client.get(url("liste"))
    with django_assert_max_num_queries(7):
        seconde = client.get(url("liste"), {"page": 2})
    assert len(premiere.context["page"].object_list) == 25
    assert len(seconde.context["page"].object_list) == 5
    assertContains(premiere, "Page 1 sur 2")
    assert all(o.nb_membres == 2 and len(o.referents) == 1 for o in premiere.context["page"].object_list)


# --- Create ------------------------------------------------------------------------------------


def test_creer_puis_inviter_le_referent(login, coord, creuse, gueret):
    client = login(coord)
    assertContains(client.get(url("creer")), "js/recherche-commune.js")

    response = client.post(url("creer"), saisie())

    organisme = OrganismePrescripteur.objects.get(nom="CCAS de Guéret")
    assert (organisme.departement, organisme.commune, organisme.siret) == (creuse, gueret, SIRET)
    inviter = reverse("comptes:inviter", args=[organisme.pk]) + "?role=referent"
    assertRedirects(response, inviter, fetch_redirect_response=False)
    page = client.get(inviter)
    assertContains(page, "L’organisme « CCAS de Guéret » est créé. Invitez maintenant son ou sa référent·e")
    assertContains(page, '<option value="referent" selected>', html=False)
    assert Evenement.objects.filter(action=Action.ORGANISME_CREE, target_id=str(organisme.pk)).count() == 1

    client.post(inviter, {"email": "referente@ccas.example", "role": "referent"})
    assert organisme.invitations.get().role == Role.REFERENT


def test_une_saisie_invalide_montre_les_erreurs_et_ne_cree_rien(login, coord):
    response = login(coord).post(
        url("creer"), saisie(nom="", siret="123", commune_texte="Atlantide", telephone="12", courriel="x@")
    )
    assert response.status_code == 200
    assertContains(response, "L’organisme n’a pas été créé")
    assertContains(response, "Corrigez 5 champs")
    for message in (
        "Indiquez le nom de l’organisme",
        "Un SIRET compte 14 chiffres",
        "Aucune commune ne correspond à « Atlantide »",
        "Numéro de téléphone invalide",
        "Adresse e-mail invalide",
    ):
        assertContains(response, message)
    assertContains(response, 'aria-invalid="true"')
    assert not OrganismePrescripteur.objects.exists()
    assert not Evenement.objects.exists()


def test_un_doublon_est_signale_sur_le_champ(login, coord, organisme):
    response = login(coord).post(url("creer"), saisie(nom="Mission locale de la Creuse"))
    assertContains(response, "Un organisme du département porte déjà ce nom")
    assert OrganismePrescripteur.objects.count() == 1


# --- Edit --------------------------------------------------------------------------------------


@pytest.mark.parametrize("qui", ["coord", "referent"])
def test_modifier_par_le_coordinateur_ou_le_referent(request, login, organisme, qui):
    client = login(request.getfixturevalue(qui))
    page = client.get(url("modifier", organisme))
    assertContains(page, "Modifier «&nbsp;Mission locale de la Creuse&nbsp;»")
    assertContains(page, 'value="05 36 49 01 02"')
    assertContains(page, reverse("comptes:membres", args=[organisme.pk]))
    if qui == "coord":
        assertContains(page, url("fermer", organisme))
    else:
        assertNotContains(page, url("fermer", organisme))
        assertNotContains(page, f'href="{url("liste")}"')

    data = saisie(
        nom="Mission locale de la Creuse",
        type_organisme="mission_locale",
        siret=organisme.siret,
        adresse="3 rue Neuve",
        commune="23096",
        commune_texte="Guéret (23000)",
        telephone="05 36 49 01 02",
        courriel="contact@mission-locale.example",
    )
    response = client.post(url("modifier", organisme), data)
    assertRedirects(response, url("modifier", organisme), fetch_redirect_response=False)
    assertContains(client.get(url("modifier", organisme)), "Modifications enregistrées (adresse).")
    organisme.refresh_from_db()
    assert organisme.adresse == "3 rue Neuve"

    client.post(url("modifier", organisme), data)
    assertContains(client.get(url("modifier", organisme)), "Aucune modification : l’organisme est inchangé.")
    assert Evenement.objects.filter(action=Action.ORGANISME_MODIFIE).count() == 1


def test_une_modification_invalide_ne_change_rien(login, coord, organisme):
    response = login(coord).post(url("modifier", organisme), saisie(siret="00000002300011"))
    assertContains(response, "Les modifications n’ont pas été enregistrées")
    assertContains(response, "sa clé de contrôle ne correspond pas")
    organisme.refresh_from_db()
    assert organisme.nom == "Mission locale de la Creuse"


def test_hors_perimetre(login, organisme, creuse, coord_87, agent):
    """Another organisation or département: 404; a role without access: 403. Nothing changes."""
    autre_referent = make_member(Role.REFERENT, departement=creuse)
    for membre, attendu in ((autre_referent, 404), (coord_87, 404), (agent, 403)):
        client = login(membre)
        assert client.get(url("modifier", organisme)).status_code == attendu
        assert client.post(url("modifier", organisme), saisie(nom="Intrusion")).status_code == attendu
    for membre in (autre_referent, agent):
        assert login(membre).get(url("liste")).status_code == 403
        assert login(membre).get(url("creer")).status_code == 403
    organisme.refresh_from_db()
    assert organisme.nom == "Mission locale de la Creuse"
    assert not Evenement.objects.filter(action__startswith="prescripteurs.").exists()


# --- Close and reopen --------------------------------------------------------------------------


def test_fermer_avec_confirmation_puis_rouvrir(login, coord, organisme):
    client = login(coord)
    page = client.get(url("fermer", organisme))
    assertContains(page, "Fermer l’organisme «&nbsp;Mission locale de la Creuse&nbsp;»&nbsp;?")
    assertContains(page, "Ses membres gardent leur accès")

    sans_motif = client.post(url("fermer", organisme), {"motif": ""})
    assertContains(sans_motif, "Indiquez le motif de la fermeture.")
    organisme.refresh_from_db()
    assert organisme.est_actif

    response = client.post(url("fermer", organisme), {"motif": "Fusion avec le CCAS"})
    assertRedirects(response, url("liste"), fetch_redirect_response=False)
    organisme.refresh_from_db()
    assert not organisme.est_actif
    assert Evenement.objects.get(action=Action.ORGANISME_FERME).details["motif"] == "Fusion avec le CCAS"
    assertContains(client.get(url("liste"), {"statut": "fermes"}), "Mission locale de la Creuse")
    deja = client.get(url("fermer", organisme))
    assertRedirects(deja, url("modifier", organisme), fetch_redirect_response=False)

    page = client.get(url("modifier", organisme))
    assertContains(page, "Fermé depuis le")
    assertContains(page, "Rouvrir cet organisme")
    assert client.get(url("rouvrir", organisme)).status_code == 405
    assertRedirects(client.post(url("rouvrir", organisme)), url("modifier", organisme), fetch_redirect_response=False)
    organisme.refresh_from_db()
    assert organisme.est_actif
    assertContains(client.get(url("modifier", organisme)), "est rouvert")
    client.post(url("rouvrir", organisme))
    assertContains(client.get(url("modifier", organisme)), "Cet organisme est déjà ouvert.")


def test_fermer_et_rouvrir_hors_perimetre(login, organisme, referent, coord_87):
    for membre, attendu in ((referent, 403), (coord_87, 404)):
        client = login(membre)
        assert client.get(url("fermer", organisme)).status_code == attendu
        assert client.post(url("fermer", organisme), {"motif": "Intrusion"}).status_code == attendu
        assert client.post(url("rouvrir", organisme)).status_code == attendu
    organisme.refresh_from_db()
    assert organisme.est_actif
    assert not Evenement.objects.exists()
