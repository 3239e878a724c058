"""Cost lines of a dispositif: the coordinateur adds, changes and deletes them (journalled), the
lecteur reads, anyone else gets a 404; bad inputs are refused in French with nothing saved."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from comptes.models import Role
from comptes.tests.factories import make_member
from journal.models import Action, Evenement
from rapports.models import LigneCout

pytestmark = pytest.mark.django_db


@pytest.fixture
def ligne(equipe):
    return LigneCout.objects.create(
        dispositif=equipe.dispositif,
        libelle="Coordination",
        montant=Decimal("1000.00"),
        date=equipe.dispositif.debut,
        cree_par=equipe.coordinatrice.user,
    )


def _donnees(equipe, **champs):
    return {"libelle": "Ingénierie", "montant": "1 250,50", "date": f"{equipe.dispositif.debut:%d/%m/%Y}", **champs}


def test_le_coordinateur_ajoute_une_ligne(equipe, login):
    client = login(equipe.coordinatrice)
    url = reverse("rapports:couts", args=[equipe.dispositif.pk])
    assert "Ajouter une ligne de coût" in client.get(url).content.decode()
    response = client.post(url, _donnees(equipe, montant="1250,50"))
    assert response.status_code == 302
    ligne = LigneCout.objects.get()
    assert (ligne.libelle, ligne.montant, ligne.cree_par) == (
        "Ingénierie",
        Decimal("1250.50"),
        equipe.coordinatrice.user,
    )
    evenement = Evenement.objects.get(action=Action.COUT_AJOUTE)
    assert evenement.details["montant"] == "1250.50" and evenement.departement == equipe.departement
    page = client.get(url).content.decode()
    assert "Ingénierie" in page and "1 250,50" in page.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"montant": "0"}, "supérieur à zéro"),
        ({"montant": "-5"}, "supérieur à zéro"),
        ({"montant": "douze"}, "Indiquez un montant en euros"),
        ({"montant": ""}, "Indiquez un montant en euros"),
        ({"montant": "12,345"}, "deux chiffres après la virgule"),
        ({"montant": "NaN"}, "Indiquez un montant en euros"),
        ({"montant": "1e30"}, "trop élevé"),
        ({"libelle": "   "}, "Indiquez un libellé"),
        ({"libelle": "x" * 201}, "200 caractères"),
        ({"date": "32/13/2026"}, "Indiquez une date valide"),
        ({"date": ""}, "Indiquez la date de la dépense"),
        ({"date": "01/01/1990"}, "pendant l’opération"),
    ],
)
def test_une_saisie_invalide_est_refusee(equipe, login, champs, message):
    client = login(equipe.coordinatrice)
    response = client.post(reverse("rapports:couts", args=[equipe.dispositif.pk]), _donnees(equipe, **champs))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "La ligne n’a pas été ajoutée" in response.content.decode()
    assert not LigneCout.objects.exists()
    assert not Evenement.objects.filter(action=Action.COUT_AJOUTE).exists()


def test_modifier_puis_supprimer_avec_confirmation(equipe, ligne, login):
    client = login(equipe.coordinatrice)
    url = reverse("rapports:cout_modifier", args=[ligne.pk])
    assert 'value="1000,00"' in client.get(url).content.decode()
    assert client.post(url, _donnees(equipe, montant="abc")).status_code == 200
    response = client.post(url, _donnees(equipe, libelle="Coordination 2026", montant="900"))
    assert response.status_code == 302
    ligne.refresh_from_db()
    assert (ligne.libelle, ligne.montant) == ("Coordination 2026", Decimal("900.00"))
    modif = Evenement.objects.get(action=Action.COUT_MODIFIE)
    assert modif.details["avant"]["montant"] == "1000.00"

    url = reverse("rapports:cout_supprimer", args=[ligne.pk])
    confirmation = client.get(url)
    assert confirmation.status_code == 200 and "Supprimer « Coordination 2026 » ?" in confirmation.content.decode()
    assert LigneCout.objects.exists()
    assert client.post(url).status_code == 302
    assert not LigneCout.objects.exists()
    assert Evenement.objects.get(action=Action.COUT_SUPPRIME).details["libelle"] == "Coordination 2026"


def test_le_lecteur_lit_sans_pouvoir_ecrire(equipe, ligne, login):
    client = login(equipe.lecteur)
    page = client.get(reverse("rapports:couts", args=[equipe.dispositif.pk])).content.decode()
    assert "Coordination" in page and "Ajouter une ligne" not in page and "Modifier" not in page
    assert client.post(reverse("rapports:couts", args=[equipe.dispositif.pk]), _donnees(equipe)).status_code == 403
    assert client.get(reverse("rapports:cout_modifier", args=[ligne.pk])).status_code == 403
    assert client.post(reverse("rapports:cout_supprimer", args=[ligne.pk])).status_code == 403
    assert LigneCout.objects.count() == 1


@pytest.mark.parametrize("qui", ["autre_coordinatrice", Role.REFERENT, Role.AGENT, Role.RESPONSABLE, Role.MEDIATEUR])
def test_les_autres_ont_404(equipe, ligne, login, qui):
    par = getattr(equipe, qui) if qui == "autre_coordinatrice" else make_member(qui, departement=equipe.departement)
    client = login(par)
    assert client.get(reverse("rapports:couts", args=[equipe.dispositif.pk])).status_code == 404
    assert client.post(reverse("rapports:couts", args=[equipe.dispositif.pk]), _donnees(equipe)).status_code == 404
    assert client.get(reverse("rapports:cout_modifier", args=[ligne.pk])).status_code == 404
    assert client.post(reverse("rapports:cout_supprimer", args=[ligne.pk])).status_code == 404
    assert LigneCout.objects.get() == ligne


def test_la_page_du_dispositif_mene_aux_rapports_et_aux_couts(equipe, login):
    page = login(equipe.lecteur).get(reverse("pass_dispositifs:detail", args=[equipe.dispositif.pk])).content.decode()
    assert f"{reverse('rapports:liste')}?dispositif={equipe.dispositif.pk}" in page
    assert reverse("rapports:couts", args=[equipe.dispositif.pk]) in page


def test_les_bornes_de_date_acceptent_six_mois_autour_de_l_operation(equipe, login):
    client = login(equipe.coordinatrice)
    url = reverse("rapports:couts", args=[equipe.dispositif.pk])
    avant = equipe.dispositif.debut - datetime.timedelta(days=100)
    assert client.post(url, _donnees(equipe, date=f"{avant:%Y-%m-%d}")).status_code == 302
