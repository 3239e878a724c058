"""Who manages which organisations: the département's coordinators all of them (closed ones
included), a référent·e their own, nobody else; out of scope is a 404."""

import pytest
from django.http import Http404
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from prescripteurs.selectors import get_organisme_gere, organismes_geres_par, rechercher_organismes

pytestmark = pytest.mark.django_db


def test_le_coordinateur_gere_les_organismes_de_son_departement(coord, organisme, creuse, haute_vienne):
    ferme = OrganismePrescripteurFactory(departement=creuse, ferme_le=timezone.now())
    OrganismePrescripteurFactory(departement=haute_vienne)
    assert set(organismes_geres_par(coord)) == {organisme, ferme}
    assert get_organisme_gere(coord, ferme.pk) == ferme


def test_le_referent_gere_le_sien_seulement(referent, organisme, creuse):
    autre = OrganismePrescripteurFactory(departement=creuse)
    assert list(organismes_geres_par(referent)) == [organisme]
    with pytest.raises(Http404):
        get_organisme_gere(referent, autre.pk)


@pytest.mark.parametrize("role", [Role.LECTEUR, Role.AGENT, Role.RESPONSABLE, Role.MEDIATEUR])
def test_les_autres_ne_gerent_rien(organisme, creuse, role):
    membre = make_member(role, organisation=organisme if role == Role.AGENT else None, departement=creuse)
    assert not organismes_geres_par(membre).exists()
    with pytest.raises(Http404):
        get_organisme_gere(membre, organisme.pk)


def test_un_acces_desactive_ne_gere_rien(referent, organisme):
    referent.is_active = False
    assert not organismes_geres_par(referent).exists()
    assert not organismes_geres_par(None).exists()


def test_statuts(coord, organisme, creuse):
    ferme = OrganismePrescripteurFactory(departement=creuse, nom="Ancien", ferme_le=timezone.now())
    tous = organismes_geres_par(coord)
    assert list(rechercher_organismes(tous)) == [organisme]
    assert list(rechercher_organismes(tous, statut="fermes")) == [ferme]
    assert list(rechercher_organismes(tous, statut="tous")) == [ferme, organisme]
