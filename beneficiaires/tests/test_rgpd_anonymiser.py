"""The right to erasure (coordinators of the département only): a confirmation page that says
what is erased and what is kept, a required checkbox, then the anonymisation."""

import pytest
from django.urls import reverse

from beneficiaires.models import Beneficiaire
from beneficiaires.services import fusion
from beneficiaires.services.anonymisation import MOTIF_EFFACEMENT
from comptes.models import Role
from comptes.tests.factories import DepartementFactory, make_member
from journal.models import Action, Evenement

from .factories import BeneficiaireFactory, OrientationFactory, agent_qui_suit

pytestmark = pytest.mark.django_db


@pytest.fixture
def b():
    return BeneficiaireFactory(nom="Chaumette", prenom="Gisèle", telephone="+33555121212")


@pytest.fixture
def coordination(b):
    return make_member(Role.COORDINATEUR, departement=b.departement)


def url(b) -> str:
    return reverse("beneficiaires:anonymiser", args=[b.pk])


def test_la_page_explique_ce_qui_est_efface_et_conserve(client, login, b, coordination):
    login(coordination)
    reponse = client.get(url(b))
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Anonymiser la fiche de Gisèle Chaumette ?" in page
    for efface in ("Nom", "Prénom", "Date de naissance", "Téléphone", "Adresse e-mail", "Notes", "Besoins"):
        assert f"<li>{efface}</li>" in page, efface
    assert "Dans ses orientations : message au lieu, motif du refus, besoins" in page
    assert "Les indicateurs du Fonds social européen" in page and "situation vis-à-vis de l’emploi" in page
    assert "âge à l’entrée" in page and "zone rurale" in page
    assert "Les publics d’éligibilité et la commune." in page
    assert 'type="checkbox"' in page and "définitive" in page
    assert not Beneficiaire.objects.filter(anonymise_le__isnull=False).exists()


def test_sans_la_case_rien_n_est_efface(client, login, b, coordination):
    login(coordination)
    reponse = client.post(url(b), {})
    assert reponse.status_code == 200
    assert "Cochez la case pour confirmer l’anonymisation" in reponse.content.decode()
    b.refresh_from_db()
    assert b.nom == "Chaumette" and not b.est_anonymise
    assert not Evenement.objects.filter(action=Action.BENEFICIAIRE_ANONYMISE).exists()


def test_anonymisation_confirmee(client, login, b, coordination):
    orientation = OrientationFactory(beneficiaire=b, message="Rappeler Gisèle")
    login(coordination)
    reponse = client.post(url(b), {"confirmation": "on"})
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("beneficiaires:fiche", args=[b.pk])
    b.refresh_from_db()
    assert b.est_anonymise and (b.nom, b.prenom, b.telephone) == ("", "", "")
    assert str(b) == f"Personne anonymisée ({b.pseudonyme})"
    orientation.refresh_from_db()
    assert orientation.message == ""
    entree = Evenement.objects.get(action=Action.BENEFICIAIRE_ANONYMISE)
    assert (entree.actor, entree.details, entree.target_repr) == (
        coordination.user,
        {"motif": MOTIF_EFFACEMENT},
        b.pseudonyme,
    )
    [message] = [str(m) for m in reponse.wsgi_request._messages]
    assert message.startswith(f"La fiche {b.pseudonyme} est anonymisée")
    assert "Chaumette" not in message


def test_les_fiches_fusionnees_sont_annoncees_et_effacees(client, login, b, coordination):
    doublon = BeneficiaireFactory(nom="Chaumete", prenom="Gisèle")
    fusion.fusionner(par=coordination, conservee=b, absorbee=doublon)
    login(coordination)
    page = " ".join(client.get(url(b)).content.decode().split())
    assert f"Les mêmes informations dans l’ancienne fiche fusionnée dans celle-ci : {doublon.pseudonyme}" in page
    client.post(url(b), {"confirmation": "on"})
    doublon.refresh_from_db()
    assert doublon.est_anonymise and doublon.nom == ""


def test_une_fiche_deja_anonymisee(client, login, b, coordination):
    login(coordination)
    client.post(url(b), {"confirmation": "on"})
    reponse = client.get(url(b))
    assert reponse.status_code == 302
    [_, message] = [str(m) for m in reponse.wsgi_request._messages]
    assert message == f"La fiche {b.pseudonyme} est déjà anonymisée."
    assert client.post(url(b), {"confirmation": "on"}).status_code == 302
    assert Evenement.objects.filter(action=Action.BENEFICIAIRE_ANONYMISE).count() == 1


@pytest.mark.parametrize("role", [Role.AGENT, Role.REFERENT, Role.LECTEUR, Role.RESPONSABLE, Role.MEDIATEUR])
def test_seule_la_coordination_anonymise(client, login, b, role):
    if role in (Role.AGENT, Role.REFERENT):
        membre = agent_qui_suit(b, role)
    else:
        membre = make_member(role, departement=b.departement)
    login(membre)
    assert client.get(url(b)).status_code == 403
    assert client.post(url(b), {"confirmation": "on"}).status_code == 403
    b.refresh_from_db()
    assert not b.est_anonymise


def test_coordination_d_un_autre_departement_404(client, login, b):
    login(make_member(Role.COORDINATEUR, departement=DepartementFactory(code="87")))
    assert client.get(url(b)).status_code == 404
    assert client.post(url(b), {"confirmation": "on"}).status_code == 404
    b.refresh_from_db()
    assert not b.est_anonymise


def test_anonyme_vers_la_connexion(client, b):
    reponse = client.post(url(b), {"confirmation": "on"})
    assert reponse.status_code == 302 and reverse("account_login") in reponse["Location"]
    b.refresh_from_db()
    assert not b.est_anonymise
