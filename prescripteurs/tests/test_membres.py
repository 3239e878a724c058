"""A prescripteur's référent·e manages its agents with the members pages of `comptes`
(comptes:membres, comptes:inviter…); the coordinator invites the référent·e, the role chosen
in advance by `?role=referent`."""

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from comptes.models import Role
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement

pytestmark = pytest.mark.django_db


def test_le_referent_invite_un_agent_et_gere_les_acces(
    login, referent, agent, organisme, django_capture_on_commit_callbacks
):
    client = login(referent)
    membres = client.get(reverse("comptes:membres", args=[organisme.pk]))
    assertContains(membres, "Membres — Mission locale de la Creuse")
    assertContains(membres, agent.user.email)
    assertContains(membres, reverse("comptes:desactiver_membre", args=[agent.pk]))

    page = client.get(reverse("comptes:inviter", args=[organisme.pk]))
    assert [valeur for valeur, _ in page.context["form"].fields["role"].choices] == ["referent", "agent"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("comptes:inviter", args=[organisme.pk]), {"email": "nouvel.agent@exemple.test", "role": "agent"}
        )
    assert response.status_code == 302
    invitation = organisme.invitations.get()
    assert (invitation.role, invitation.created_by) == (Role.AGENT, referent.user)
    assert mail.outbox[-1].to == ["nouvel.agent@exemple.test"]
    assert Evenement.objects.filter(action=Action.INVITATION_ENVOYEE, target_id=str(invitation.pk)).exists()

    client.post(reverse("comptes:desactiver_membre", args=[agent.pk]))
    agent.refresh_from_db()
    assert not agent.is_active
    client.post(reverse("comptes:reactiver_membre", args=[agent.pk]))
    agent.refresh_from_db()
    assert agent.is_active


def test_un_role_d_une_autre_sorte_d_organisation_est_refuse(login, referent, organisme):
    response = login(referent).post(
        reverse("comptes:inviter", args=[organisme.pk]), {"email": "x@exemple.test", "role": "mediateur"}
    )
    assertContains(response, "Ce rôle n’existe pas pour ce type d’organisation.")
    assert not organisme.invitations.exists()


def test_le_referent_ne_gere_pas_un_autre_organisme(login, referent, creuse):
    autre = OrganismePrescripteurFactory(departement=creuse)
    client = login(referent)
    assert client.get(reverse("comptes:membres", args=[autre.pk])).status_code == 404
    response = client.post(reverse("comptes:inviter", args=[autre.pk]), {"email": "x@exemple.test", "role": "agent"})
    assert response.status_code == 404
    assert not autre.invitations.exists()


def test_l_agent_ne_gere_pas_les_membres(login, agent, organisme):
    assert login(agent).get(reverse("comptes:membres", args=[organisme.pk])).status_code == 403


@pytest.mark.parametrize(("parametre", "choisi"), [("referent", "referent"), ("agent", "agent"), ("pirate", "agent")])
def test_le_role_propose_par_l_adresse(login, coord, organisme, parametre, choisi):
    page = login(coord).get(reverse("comptes:inviter", args=[organisme.pk]), {"role": parametre})
    assertContains(page, f'<option value="{choisi}" selected>')
    assertNotContains(page, "pirate")


def test_le_role_propose_ne_sort_pas_des_roles_de_l_organisation(login, creuse):
    responsable = make_member(Role.RESPONSABLE, departement=creuse)
    page = login(responsable).get(reverse("comptes:inviter", args=[responsable.organisation_id]), {"role": "referent"})
    assertContains(page, '<option value="mediateur" selected>')  # least privilege by default
    assertNotContains(page, 'value="referent"')
