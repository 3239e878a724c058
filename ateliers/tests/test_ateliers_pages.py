"""The workshop pages of a place: list (search, archived filter, pagination, constant queries),
create, show, edit, archive and restore; who may open what."""

import pytest
from django.urls import reverse

from journal.models import Action, Evenement

from ..models import Atelier
from .factories import AtelierFactory, seance
from .test_ateliers_donnees import donnees_atelier, monde

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    return monde()


def texte(reponse) -> str:
    return reponse.content.decode()


def test_creer_un_atelier(login, m):
    client = login(m.mediateur)
    assert client.get(reverse("ateliers:creer")).status_code == 200
    reponse = client.post(
        reverse("ateliers:creer"),
        donnees_atelier(accepte_pass="on", cheques_par_seance="2", dispositif=str(m.dispositif.pk)),
    )
    atelier = Atelier.objects.get(titre="Premiers pas sur ordinateur")
    assert reponse.status_code == 302 and reponse.url == reverse("ateliers:detail", args=[atelier.pk])
    assert atelier.lieu_id == m.lieu.pk and atelier.cree_par == m.mediateur.user
    assert atelier.themes == ["prise_en_main", "navigation"]
    assert (atelier.accepte_pass, atelier.cheques_par_seance, atelier.dispositif) == (True, 2, m.dispositif)
    evenement = Evenement.objects.get(action=Action.ATELIER_CREE)
    assert evenement.target_id == str(atelier.pk) and evenement.organisation.pk == m.lieu.pk
    page = texte(client.get(reponse.url))
    assert "Premiers pas sur ordinateur" in page and "Programmer des séances" in page
    assert "Prise en main (ordinateur, smartphone, tablette), Navigation internet" in page


def test_un_atelier_individuel_a_une_capacite_de_1(login, m):
    login(m.responsable).post(reverse("ateliers:creer"), donnees_atelier(format="individuel", capacite="6"))
    assert Atelier.objects.get(titre="Premiers pas sur ordinateur").capacite == 1


MAUVAIS = [
    ({"titre": ""}, "titre", "Indiquez le titre de l’atelier"),
    ({"titre": "x" * 151}, "titre", "Le titre compte au plus 150 caractères."),
    ({"themes": None}, "themes", "Cochez au moins un thème de la liste nationale."),
    ({"themes": ["astrologie"]}, "themes", "Cochez au moins un thème de la liste nationale."),
    ({"niveau": "expert"}, "niveau", "Choisissez le niveau : débutant, intermédiaire ou avancé."),
    ({"format": "webinaire"}, "format", "Choisissez le format : collectif ou individuel."),
    ({"duree_minutes": "4"}, "duree_minutes", "La durée se compte en minutes, entre 5 et 480"),
    ({"duree_minutes": "481"}, "duree_minutes", "La durée se compte en minutes, entre 5 et 480"),
    ({"duree_minutes": "deux heures"}, "duree_minutes", "La durée se compte en minutes"),
    ({"capacite": "0"}, "capacite", "La capacité se compte en personnes, entre 1 et 200."),
    ({"capacite": "201"}, "capacite", "La capacité se compte en personnes, entre 1 et 200."),
    ({"cheques_par_seance": "0"}, "cheques_par_seance", "Le nombre de chèques par séance et par personne va de 1"),
    ({"cheques_par_seance": "11"}, "cheques_par_seance", "Le nombre de chèques par séance et par personne va de 1"),
    ({"cheques_par_seance": ""}, "cheques_par_seance", "Le nombre de chèques par séance et par personne va de 1"),
    ({"dispositif": "999999"}, "dispositif", "Ce dispositif n’est pas ouvert à votre lieu"),
    ({"description": "x" * 5001}, "description", "La description compte au plus 5000 caractères."),
]


@pytest.mark.parametrize(("changement", "champ", "message"), MAUVAIS)
def test_une_mauvaise_valeur_ne_cree_rien(login, m, changement, champ, message):
    reponse = login(m.mediateur).post(reverse("ateliers:creer"), donnees_atelier(**changement))
    assert reponse.status_code == 200
    assert any(message in e for e in reponse.context["form"].errors[champ]), reponse.context["form"].errors
    assert message in texte(reponse) or message.replace("’", "&#x27;") in texte(reponse)
    assert "L’atelier n’a pas été créé" in texte(reponse)
    assert not Atelier.objects.filter(titre="Premiers pas sur ordinateur").exists()
    assert not Evenement.objects.filter(action=Action.ATELIER_CREE).exists()


def test_un_dispositif_auquel_le_lieu_n_est_pas_qualifie_est_refuse(login, m):
    from pass_numerique.tests.factories import DispositifFactory

    autre = DispositifFactory(departement=m.lieu.departement)
    reponse = login(m.mediateur).post(reverse("ateliers:creer"), donnees_atelier(dispositif=str(autre.pk)))
    assert "Ce dispositif n’est pas ouvert à votre lieu" in reponse.context["form"].errors["dispositif"][0]
    assert f'value="{autre.pk}"' not in texte(reponse)  # not even offered
    assert not Atelier.objects.filter(titre="Premiers pas sur ordinateur").exists()


def test_accepter_le_pass_demande_une_qualification(login, m):
    reponse = login(m.autre_mediateur).post(reverse("ateliers:creer"), donnees_atelier(accepte_pass="on"))
    assert "n’est qualifié pour aucun dispositif" in reponse.context["form"].errors["accepte_pass"][0]
    assert not Atelier.objects.filter(titre="Premiers pas sur ordinateur").exists()


def test_modifier_journalise_les_champs_changes(login, m):
    client = login(m.responsable)
    url = reverse("ateliers:modifier", args=[m.atelier.pk])
    assert client.get(url).status_code == 200
    donnees = donnees_atelier(titre="Premiers pas sur smartphone", duree_minutes="90", capacite="12")
    donnees["themes"] = m.atelier.themes
    reponse = client.post(url, donnees, follow=True)
    assert "Modifications enregistrées (capacité (personnes), description)." in texte(reponse)
    m.atelier.refresh_from_db()
    assert m.atelier.capacite == 12
    evenement = Evenement.objects.get(action=Action.ATELIER_MODIFIE)
    assert evenement.details == {"champs": ["capacite", "description"]}
    # Saving again changes nothing and writes nothing.
    reponse = client.post(url, donnees, follow=True)
    assert "Aucune modification : l’atelier est inchangé." in texte(reponse)
    assert Evenement.objects.filter(action=Action.ATELIER_MODIFIE).count() == 1


def test_modifier_avec_une_mauvaise_valeur_ne_change_rien(login, m):
    url = reverse("ateliers:modifier", args=[m.atelier.pk])
    reponse = login(m.responsable).post(url, donnees_atelier(titre="Nouveau titre", capacite="500"))
    assert reponse.status_code == 200 and "Les modifications n’ont pas été enregistrées" in texte(reponse)
    m.atelier.refresh_from_db()
    assert (m.atelier.titre, m.atelier.capacite) == ("Premiers pas sur smartphone", 8)
    assert not Evenement.objects.filter(action=Action.ATELIER_MODIFIE).exists()


def test_archiver_puis_restaurer(login, m):
    client = login(m.mediateur)
    url = reverse("ateliers:archiver", args=[m.atelier.pk])
    seance(m.atelier, dans_jours=3)
    page = texte(client.get(url))
    assert "Archiver l’atelier « Premiers pas sur smartphone » ?" in page
    assert "Ses 1 séance à venir reste programmée" in page
    reponse = client.post(url, follow=True)
    assert "est archivé" in texte(reponse) and "Restaurer l’atelier" in texte(reponse)
    m.atelier.refresh_from_db()
    assert m.atelier.archive_le is not None
    assert Evenement.objects.filter(action=Action.ATELIER_ARCHIVE).count() == 1
    # Archived: no longer in the default list, no new session, GET of archiver says so.
    assert "Premiers pas sur smartphone" not in texte(client.get(reverse("ateliers:liste")))
    assert "Premiers pas sur smartphone" in texte(client.get(reverse("ateliers:liste"), {"archives": "on"}))
    reponse = client.get(reverse("ateliers:programmer", args=[m.atelier.pk]), follow=True)
    assert "Cet atelier est archivé : restaurez-le" in texte(reponse)
    assert "est déjà archivé" in texte(client.get(url, follow=True))
    # Archiving twice: a message, nothing journalled.
    client.post(url)
    assert Evenement.objects.filter(action=Action.ATELIER_ARCHIVE).count() == 1

    reponse = client.post(url, {"restaurer": "1"}, follow=True)
    assert "est restauré" in texte(reponse)
    m.atelier.refresh_from_db()
    assert m.atelier.archive_le is None
    evenement = Evenement.objects.get(action=Action.ATELIER_MODIFIE)
    assert evenement.details == {"champs": ["archive_le"], "restaure": True}


def test_la_liste_cherche_par_titre_et_pagine(login, m):
    for i in range(30):
        AtelierFactory(lieu=m.lieu, titre=f"Atelier de test {i:02d}")
    client = login(m.mediateur)
    page = texte(client.get(reverse("ateliers:liste")))
    assert "31 ateliers" in page and "Page 1 sur 2" in page
    assert "Atelier de test 00" in page and "Découvrir sa tablette" not in page  # another place's
    page = texte(client.get(reverse("ateliers:liste"), {"q": "smartph"}))
    assert "1 atelier" in page and "Premiers pas sur smartphone" in page and "Atelier de test" not in page
    assert "Aucun atelier ne correspond" in texte(client.get(reverse("ateliers:liste"), {"q": "zzz"}))


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_liste_a_un_nombre_constant_de_requetes(login, m, django_assert_max_num_queries, nombre):
    for i in range(nombre):
        atelier = AtelierFactory(lieu=m.lieu, dispositif=m.dispositif, accepte_pass=True)
        seance(atelier, dans_jours=i + 1)
    client = login(m.mediateur)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("ateliers:liste")).status_code == 200


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_page_de_l_atelier_a_un_nombre_constant_de_requetes(login, m, django_assert_max_num_queries, nombre):
    for i in range(nombre):
        seance(m.atelier, dans_jours=i + 1, itinerante=True, commune=_commune())
    client = login(m.mediateur)
    with django_assert_max_num_queries(6):
        reponse = client.get(reverse("ateliers:detail", args=[m.atelier.pk]))
    assert reponse.status_code == 200 and "Itinérante : Guéret" in texte(reponse)


def _commune():
    from beneficiaires.tests.factories import commune

    return commune()


URLS = ("ateliers:detail", "ateliers:modifier", "ateliers:archiver", "ateliers:programmer")


@pytest.mark.parametrize("nom", URLS)
def test_l_atelier_d_un_autre_lieu_est_introuvable(login, m, nom):
    for membre in (m.responsable, m.mediateur):
        client = login(membre)
        for atelier in (m.atelier_voisin, m.atelier_87):
            assert client.get(reverse(nom, args=[atelier.pk])).status_code == 404
            assert client.post(reverse(nom, args=[atelier.pk]), {"restaurer": "1"}).status_code == 404
        assert client.get(reverse(nom, args=[m.atelier.pk])).status_code == 200


@pytest.mark.parametrize("acteur", ["coordinateur", "lecteur", "referent", "agent"])
def test_les_autres_roles_n_ont_pas_acces(login, m, acteur):
    client = login(m.acteur(acteur))
    assert client.get(reverse("ateliers:liste")).status_code == 403
    assert client.get(reverse("ateliers:creer")).status_code == 403
    assert client.post(reverse("ateliers:creer"), donnees_atelier()).status_code == 403
    for nom in URLS:
        assert client.get(reverse(nom, args=[m.atelier.pk])).status_code == 403
    assert client.post(reverse("ateliers:archiver", args=[m.atelier.pk])).status_code == 403
    assert not Atelier.objects.filter(titre="Premiers pas sur ordinateur").exists()
    m.atelier.refresh_from_db()
    assert m.atelier.archive_le is None


def test_un_visiteur_anonyme_va_a_la_connexion(client, m):
    reponse = client.get(reverse("ateliers:liste"))
    assert reponse.status_code == 302 and reverse("account_login") in reponse.url
