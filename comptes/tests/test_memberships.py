"""Deactivating and reactivating memberships: confirmed, journalled, never deleted."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models.deletion import ProtectedError
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects, assertTemplateUsed

from comptes.models import Invitation, Membership, MembershipQuerySet, Organisation, Role, User
from comptes.services import memberships as services
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement


@pytest.fixture
def referent():
    return make_member(Role.REFERENT)


@pytest.fixture
def agent(referent):
    return make_member(Role.AGENT, organisation=referent.organisation, email="agent@exemple.test")


def membre_du_departement(role: Role, departement) -> Membership:
    """A coordinateur or lecteur of `departement`'s team, whatever other organisations exist there.

    (EquipeDepartementaleFactory's get_or_create on `departement` alone would pick any organisation.)
    """
    equipe, _ = Organisation.objects.get_or_create(
        departement=departement, type=Organisation.Type.DEPARTEMENT, defaults={"nom": "Équipe départementale"}
    )
    return make_member(role, organisation=equipe)


def membres_url(membership: Membership) -> str:
    return reverse("comptes:membres", args=[membership.organisation_id])


@pytest.mark.django_db
def test_desactiver_demande_confirmation_puis_desactive(login, referent, agent):
    client = login(referent)
    url = reverse("comptes:desactiver_membre", args=[agent.pk])

    confirmation = client.get(url)

    assert confirmation.status_code == 200
    assertTemplateUsed(confirmation, "comptes/desactiver_membre.html")
    assertContains(confirmation, "agent@exemple.test")
    assertContains(confirmation, "Ce qui va se passer")
    assertContains(confirmation, f'<a href="{membres_url(agent)}">Annuler, revenir à la liste</a>', html=True)
    assertContains(confirmation, "<h1", count=1)
    agent.refresh_from_db()
    assert agent.is_active
    assert not Evenement.objects.exists()

    response = client.post(url, follow=True)

    assertRedirects(response, membres_url(agent))
    assertContains(response, "L’accès de agent@exemple.test à")
    agent.refresh_from_db()
    assert agent.is_active is False
    assert agent.deactivated_at is not None
    entry = Evenement.objects.get(action=Action.MEMBRE_DESACTIVE)
    assert (entry.actor, entry.organisation_id, entry.target_id) == (
        referent.user,
        referent.organisation_id,
        str(agent.pk),
    )
    assert entry.details["email"] == "agent@exemple.test"
    # The members page now lists them under "Accès désactivés", with a reactivation button.
    assertContains(response, reverse("comptes:reactiver_membre", args=[agent.pk]))
    assert reverse("comptes:desactiver_membre", args=[agent.pk]) not in response.content.decode()


@pytest.mark.django_db
def test_on_ne_peut_pas_desactiver_son_propre_acces(login, referent):
    client = login(referent)

    response = client.post(reverse("comptes:desactiver_membre", args=[referent.pk]), follow=True)

    assertContains(response, "Vous ne pouvez pas désactiver votre propre accès")
    referent.refresh_from_db()
    assert referent.is_active
    assert not Evenement.objects.exists()
    # and the members page offers no such link
    assert reverse("comptes:desactiver_membre", args=[referent.pk]) not in response.content.decode()


@pytest.mark.django_db
def test_desactiver_un_membre_deja_desactive(login, referent, agent):
    services.desactiver_membre(par=referent, membre=agent)
    client = login(referent)

    response = client.post(reverse("comptes:desactiver_membre", args=[agent.pk]), follow=True)

    assertContains(response, "Ce membre est déjà désactivé.")
    assert Evenement.objects.filter(action=Action.MEMBRE_DESACTIVE).count() == 1


@pytest.mark.django_db
def test_reactiver(login, referent, agent):
    services.desactiver_membre(par=referent, membre=agent)
    client = login(referent)
    url = reverse("comptes:reactiver_membre", args=[agent.pk])

    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)

    assertRedirects(response, membres_url(agent))
    assertContains(response, "L’accès de agent@exemple.test à")
    agent.refresh_from_db()
    assert (agent.is_active, agent.deactivated_at, agent.role) == (True, None, Role.AGENT)
    entry = Evenement.objects.get(action=Action.MEMBRE_REACTIVE)
    assert (entry.actor, entry.target_id) == (referent.user, str(agent.pk))

    again = client.post(url, follow=True)
    assertContains(again, "Ce membre est déjà actif.")
    assert Evenement.objects.filter(action=Action.MEMBRE_REACTIVE).count() == 1


@pytest.mark.django_db
def test_coordinateur_gere_les_membres_des_organisations_de_son_departement(login, agent):
    coord = membre_du_departement(Role.COORDINATEUR, agent.organisation.departement)
    client = login(coord)

    client.post(reverse("comptes:desactiver_membre", args=[agent.pk]))

    agent.refresh_from_db()
    assert agent.is_active is False
    assert Evenement.objects.get(action=Action.MEMBRE_DESACTIVE).actor == coord.user


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AGENT, Role.LECTEUR, Role.MEDIATEUR])
def test_ceux_qui_ne_gerent_pas_n_ont_pas_acces(login, referent, agent, role):
    if role == Role.AGENT:
        other = make_member(Role.AGENT, organisation=referent.organisation)
    elif role == Role.LECTEUR:
        other = membre_du_departement(Role.LECTEUR, referent.organisation.departement)
    else:
        other = make_member(role, departement=referent.organisation.departement)
    client = login(other)

    assert client.get(reverse("comptes:desactiver_membre", args=[agent.pk])).status_code == 403
    assert client.post(reverse("comptes:desactiver_membre", args=[agent.pk])).status_code == 403
    assert client.post(reverse("comptes:reactiver_membre", args=[agent.pk])).status_code == 403
    agent.refresh_from_db()
    assert agent.is_active


@pytest.mark.django_db
def test_membre_d_une_autre_organisation_ou_d_un_autre_departement_404(login, referent):
    autre_org = make_member(Role.AGENT, departement=referent.organisation.departement)
    autre_dep = make_member(Role.AGENT, organisation=OrganismePrescripteurFactory(departement__code="87"))
    coord = membre_du_departement(Role.COORDINATEUR, referent.organisation.departement)

    for acting, target in ((referent, autre_org), (referent, autre_dep), (coord, autre_dep)):
        client = login(acting, Client())
        assert client.get(reverse("comptes:desactiver_membre", args=[target.pk])).status_code == 404
        assert client.post(reverse("comptes:desactiver_membre", args=[target.pk])).status_code == 404
        assert client.post(reverse("comptes:reactiver_membre", args=[target.pk])).status_code == 404
    assert Membership.objects.filter(is_active=False).count() == 0


@pytest.mark.django_db
def test_la_personne_desactivee_perd_l_acces_des_sa_prochaine_page(login, referent, agent):
    agent_client = login(agent, Client())
    assertTemplateUsed(agent_client.get(reverse("accueil")), "accueil/prescripteur.html")

    services.desactiver_membre(par=referent, membre=agent)

    home = agent_client.get(reverse("accueil"))
    assertTemplateUsed(home, "accueil/sans_organisation.html")
    assert home.wsgi_request.membership is None
    assertContains(home, "<h1", count=1)
    assert agent_client.get(reverse("comptes:mon_compte")).status_code == 200


@pytest.mark.django_db
def test_la_personne_desactivee_bascule_sur_son_autre_organisation(login):
    gestionnaire = make_member(Role.REFERENT, email="double@exemple.test")
    lieu = make_member(Role.RESPONSABLE, user=gestionnaire.user)
    client = login(gestionnaire, Client())
    assert client.get(membres_url(gestionnaire)).status_code == 200

    coord = membre_du_departement(Role.COORDINATEUR, gestionnaire.organisation.departement)
    services.desactiver_membre(par=coord, membre=gestionnaire)

    home = client.get(reverse("accueil"))
    assertTemplateUsed(home, "accueil/lieu.html")
    assert home.wsgi_request.membership == lieu
    assertContains(home, lieu.organisation.nom)
    # The former organisation's pages are closed to them now.
    assert client.get(membres_url(gestionnaire)).status_code == 404
    compte = client.get(reverse("comptes:mon_compte"))
    assertContains(compte, "Anciennes organisations")
    assert compte.context["anciennes_adhesions"][0] == gestionnaire


@pytest.mark.django_db
def test_une_adhesion_n_est_jamais_supprimee(login, referent, agent, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("Une adhésion ne doit jamais être supprimée.")

    monkeypatch.setattr(Membership, "delete", refuse)
    monkeypatch.setattr(MembershipQuerySet, "delete", refuse)
    client = login(referent)

    client.post(reverse("comptes:desactiver_membre", args=[agent.pk]))
    client.post(reverse("comptes:reactiver_membre", args=[agent.pk]))
    client.post(reverse("comptes:desactiver_membre", args=[agent.pk]))

    assert Membership.objects.filter(pk=agent.pk).exists()
    actions = list(Evenement.objects.order_by("id").values_list("action", flat=True))
    assert actions == [Action.MEMBRE_DESACTIVE, Action.MEMBRE_REACTIVE, Action.MEMBRE_DESACTIVE]


@pytest.mark.django_db
def test_l_admin_ne_permet_ni_de_supprimer_ni_de_modifier_une_adhesion(agent):
    superuser = User.objects.create_superuser(email="admin@exemple.test", password="x")
    request = RequestFactory().get("/admin/")
    request.user = superuser

    for model in (Membership, Invitation):
        model_admin = admin.site._registry[model]
        assert model_admin.has_delete_permission(request) is False
        assert model_admin.has_delete_permission(request, obj=None) is False
        assert model_admin.has_add_permission(request) is False
        assert model_admin.has_change_permission(request) is False
        assert "delete_selected" not in model_admin.get_actions(request)
    for model in (User, Organisation):
        assert admin.site._registry[model].has_delete_permission(request) is False


@pytest.mark.django_db
def test_la_base_protege_les_adhesions(agent):
    with pytest.raises(ProtectedError):
        agent.user.delete()
    assert Membership.objects.filter(pk=agent.pk).exists()


@pytest.mark.django_db
def test_service_desactiver_refuse_soi_meme(referent):
    with pytest.raises(ValidationError) as exc:
        services.desactiver_membre(par=referent, membre=referent)
    assert exc.value.code == "self"
