"""Invitations: sending, resending, cancelling, and every way of opening the link."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects, assertTemplateUsed

from comptes.middleware import SESSION_KEY
from comptes.models import Invitation, Membership, Role, User, hash_token
from comptes.services import invitations as services
from comptes.tests.factories import (
    InvitationFactory,
    OrganismePrescripteurFactory,
    UserFactory,
    make_member,
)
from journal.models import Action, Evenement

NEW_PASSWORD = "un-mot-de-passe-solide-2026"
LINK_RE = re.compile(r"https?://\S+/invitation/([^/\s]+)/")


def invitation_link(token: str) -> str:
    return reverse("comptes:accepter_invitation", kwargs={"token": token})


def token_from_mail(message) -> str:
    match = LINK_RE.search(message.body)
    assert match, message.body
    return match.group(1)


def new_account_data(**overrides) -> dict:
    return {
        "first_name": "Camille",
        "last_name": "Martin",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    } | overrides


@pytest.fixture
def referent():
    return make_member(Role.REFERENT, first_name="Rose", last_name="Dupont")


# --- Sending ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinateur_invite_le_referent_d_un_prescripteur_de_son_departement(
    login, mailoutbox, django_capture_on_commit_callbacks
):
    coord = make_member(Role.COORDINATEUR, first_name="Claire", last_name="Coordinatrice")
    org = OrganismePrescripteurFactory(departement=coord.organisation.departement, nom="CCAS de Guéret")
    client = login(coord)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("comptes:inviter", args=[org.pk]),
            {"email": " Nouvelle.Referente@Exemple.TEST ", "role": Role.REFERENT},
        )

    assertRedirects(response, reverse("comptes:membres", args=[org.pk]))
    invitation = Invitation.objects.get()
    assert invitation.organisation_id == org.pk
    assert invitation.email == "nouvelle.referente@exemple.test"
    assert invitation.role == Role.REFERENT
    assert invitation.created_by == coord.user
    assert invitation.send_count == 1
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.expires_at - invitation.sent_at == settings.INVITATION_VALIDITY

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nouvelle.referente@exemple.test"]
    assert "CCAS de Guéret" in mail.subject
    assert "\n" not in mail.subject
    assert "Référent·e" in mail.body
    assert "Claire Coordinatrice" in mail.body
    token = token_from_mail(mail)
    assert hash_token(token) == invitation.token_hash
    assert settings.SITE_URL + invitation_link(token) in mail.body
    paris = invitation.expires_at.astimezone(ZoneInfo("Europe/Paris"))
    assert f"{paris:%H:%M}" in mail.body

    entry = Evenement.objects.get(action=Action.INVITATION_ENVOYEE)
    assert entry.actor == coord.user
    assert entry.organisation_id == coord.organisation_id
    assert entry.departement_id == org.departement_id
    assert entry.target_id == str(invitation.pk)
    assert entry.details["email"] == "nouvelle.referente@exemple.test"
    assert entry.ip == "127.0.0.1"

    # The members page lists the open invitation with its status.
    page = client.get(reverse("comptes:membres", args=[org.pk]))
    assertContains(page, "nouvelle.referente@exemple.test")
    assertContains(page, "En attente")


@pytest.mark.django_db
def test_le_lien_de_l_e_mail_ouvre_la_creation_de_compte(client, mailoutbox, django_capture_on_commit_callbacks):
    ref = make_member(Role.REFERENT)
    with django_capture_on_commit_callbacks(execute=True):
        services.inviter(par=ref, organisation=ref.organisation, email="agent@exemple.test", role=Role.AGENT)

    response = client.get(invitation_link(token_from_mail(mailoutbox[0])))

    assert response.status_code == 200
    assertTemplateUsed(response, "comptes/invitation_creer_compte.html")
    assertContains(response, "agent@exemple.test")


@pytest.mark.django_db
def test_e_mail_date_d_expiration_a_l_heure_de_paris():
    invitation = Invitation(
        organisation=OrganismePrescripteurFactory(nom="MSA & Co"),
        email="x@exemple.test",
        role=Role.AGENT,
        created_by=UserFactory(first_name="Jean", last_name="L'Hermite"),
        expires_at=datetime(2026, 1, 15, 23, 30, tzinfo=UTC),
    )
    context = {"invitation": invitation, "url": "https://exemple.test/invitation/abc/", "site_name": "einclusion"}

    body = render_to_string("comptes/email/invitation_message.txt", context)
    subject = render_to_string("comptes/email/invitation_subject.txt", context).strip()

    assert "16 janvier 2026 à 00:30" in body  # 23:30 UTC is the next day in Paris
    assert "https://exemple.test/invitation/abc/" in body
    assert "Jean L'Hermite" in body
    assert "Agent prescripteur" in body
    assert subject == "Invitation à rejoindre MSA & Co sur einclusion"


@pytest.mark.django_db
def test_referent_invite_un_agent_dans_sa_propre_organisation(
    login, referent, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(referent)
    form = client.get(reverse("comptes:inviter", args=[referent.organisation_id]))
    assert form.status_code == 200
    assertTemplateUsed(form, "comptes/inviter.html")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("comptes:inviter", args=[referent.organisation_id]),
            {"email": "agent@exemple.test", "role": Role.AGENT},
        )

    assertRedirects(response, reverse("comptes:membres", args=[referent.organisation_id]))
    invitation = Invitation.objects.get()
    assert (invitation.organisation_id, invitation.role, invitation.created_by) == (
        referent.organisation_id,
        Role.AGENT,
        referent.user,
    )
    assert len(mailoutbox) == 1
    assert Evenement.objects.filter(action=Action.INVITATION_ENVOYEE, actor=referent.user).count() == 1


@pytest.mark.django_db
def test_un_agent_ne_peut_pas_inviter(login, mailoutbox):
    agent = make_member(Role.AGENT)
    client = login(agent)
    url = reverse("comptes:inviter", args=[agent.organisation_id])

    assert client.get(url).status_code == 403
    assert client.post(url, {"email": "x@exemple.test", "role": Role.AGENT}).status_code == 403

    assert not Invitation.objects.exists()
    assert mailoutbox == []
    with pytest.raises(PermissionDenied):
        services.inviter(par=agent, organisation=agent.organisation, email="x@exemple.test", role=Role.AGENT)


@pytest.mark.django_db
def test_un_referent_ne_peut_pas_inviter_dans_une_autre_organisation(login, referent, mailoutbox):
    autre = OrganismePrescripteurFactory(departement=referent.organisation.departement)
    client = login(referent)
    url = reverse("comptes:inviter", args=[autre.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "x@exemple.test", "role": Role.AGENT}).status_code == 404

    assert not Invitation.objects.exists()
    assert mailoutbox == []
    with pytest.raises(PermissionDenied):
        services.inviter(par=referent, organisation=autre, email="x@exemple.test", role=Role.AGENT)


@pytest.mark.django_db
def test_role_qui_n_existe_pas_pour_ce_type_d_organisation(login, mailoutbox):
    coord = make_member(Role.COORDINATEUR)
    org = OrganismePrescripteurFactory(departement=coord.organisation.departement)
    client = login(coord)

    response = client.post(
        reverse("comptes:inviter", args=[org.pk]), {"email": "x@exemple.test", "role": Role.MEDIATEUR}
    )

    assert response.status_code == 200
    assertContains(response, "Ce rôle n’existe pas pour ce type d’organisation.")
    assertContains(response, 'aria-invalid="true"')
    assert not Invitation.objects.exists()
    assert not Evenement.objects.exists()
    assert mailoutbox == []
    # The service refuses it too, whoever calls it.
    with pytest.raises(ValidationError) as exc:
        services.inviter(par=coord, organisation=org, email="x@exemple.test", role=Role.MEDIATEUR)
    assert exc.value.message_dict == {"role": ["Ce rôle n’existe pas pour ce type d’organisation."]}
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_inviter_un_membre_deja_actif_est_refuse(login, referent, mailoutbox):
    make_member(Role.AGENT, organisation=referent.organisation, email="agent@exemple.test")
    client = login(referent)

    response = client.post(
        reverse("comptes:inviter", args=[referent.organisation_id]),
        {"email": "AGENT@Exemple.test", "role": Role.AGENT},
    )

    assert response.status_code == 200
    assertContains(response, "Cette personne est déjà membre de l’organisation.")
    assert not Invitation.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_inviter_un_ancien_membre_desactive_est_possible(referent, django_capture_on_commit_callbacks, mailoutbox):
    ancien = make_member(Role.AGENT, organisation=referent.organisation, email="ancien@exemple.test")
    Membership.objects.filter(pk=ancien.pk).update(is_active=False, deactivated_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.inviter(
            par=referent, organisation=referent.organisation, email="ancien@exemple.test", role=Role.REFERENT
        )

    assert invitation.status == Invitation.Status.PENDING
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_une_seule_invitation_ouverte_par_adresse(login, referent, mailoutbox):
    InvitationFactory(organisation=referent.organisation, email="agent@exemple.test", role=Role.AGENT)
    client = login(referent)

    response = client.post(
        reverse("comptes:inviter", args=[referent.organisation_id]),
        {"email": "Agent@Exemple.test", "role": Role.AGENT},
    )

    assert response.status_code == 200
    assertContains(response, "Une invitation est déjà en attente pour cette adresse")
    assert Invitation.objects.count() == 1
    assert mailoutbox == []


@pytest.mark.django_db
def test_une_invitation_annulee_n_empeche_pas_d_inviter_de_nouveau(referent, django_capture_on_commit_callbacks):
    InvitationFactory(organisation=referent.organisation, email="agent@exemple.test", cancelled_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        services.inviter(par=referent, organisation=referent.organisation, email="agent@exemple.test", role="agent")

    assert Invitation.objects.filter(email="agent@exemple.test").count() == 2


@pytest.mark.django_db
def test_duree_de_validite_reglable(settings, referent, django_capture_on_commit_callbacks):
    settings.INVITATION_VALIDITY = timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.inviter(
            par=referent, organisation=referent.organisation, email="a@exemple.test", role=Role.AGENT
        )
    assert invitation.expires_at - invitation.sent_at == timedelta(days=3)

    settings.INVITATION_VALIDITY = timedelta(hours=6)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.renvoyer_invitation(par=referent, invitation=invitation)
    assert invitation.expires_at - invitation.sent_at == timedelta(hours=6)


# --- Accepting -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_acceptation_par_une_nouvelle_personne(client, referent):
    invitation = InvitationFactory(
        organisation=referent.organisation,
        email="nouvelle.agente@exemple.test",
        role=Role.AGENT,
        created_by=referent.user,
        token="jeton-nouvelle",
    )
    url = invitation_link("jeton-nouvelle")

    form = client.get(url)
    assert form.status_code == 200
    assertTemplateUsed(form, "comptes/invitation_creer_compte.html")
    assertContains(form, "nouvelle.agente@exemple.test")
    assertContains(form, referent.organisation.nom)
    assertContains(form, "Rose Dupont")

    response = client.post(url, new_account_data())

    assertRedirects(response, reverse("accueil"), fetch_redirect_response=False)
    user = User.objects.get(email="nouvelle.agente@exemple.test")
    assert (user.first_name, user.last_name) == ("Camille", "Martin")
    assert user.check_password(NEW_PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("nouvelle.agente@exemple.test", True, True)
    membre = Membership.objects.get(user=user)
    assert (membre.organisation_id, membre.role, membre.is_active) == (referent.organisation_id, Role.AGENT, True)
    assert membre.invited_by == referent.user
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == user
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[SESSION_KEY] == membre.pk

    ajoute = Evenement.objects.get(action=Action.MEMBRE_AJOUTE)
    assert (ajoute.target_id, ajoute.details["invitation_id"]) == (str(membre.pk), invitation.pk)
    acceptee = Evenement.objects.get(action=Action.INVITATION_ACCEPTEE)
    assert (acceptee.actor, acceptee.target_id, acceptee.details["compte_cree"]) == (user, str(invitation.pk), True)

    home = client.get(reverse("accueil"))
    assertTemplateUsed(home, "accueil/prescripteur.html")
    assert home.wsgi_request.membership == membre


@pytest.mark.django_db
def test_mot_de_passe_trop_court_rien_n_est_cree(client):
    invitation = InvitationFactory(email="nouvelle@exemple.test", token="jeton")

    response = client.post(invitation_link("jeton"), new_account_data(password1="court1", password2="court1"))

    assert response.status_code == 200
    assertTemplateUsed(response, "comptes/invitation_creer_compte.html")
    assertContains(response, "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères.")
    assert not User.objects.filter(email="nouvelle@exemple.test").exists()
    assert not EmailAddress.objects.filter(email="nouvelle@exemple.test").exists()
    assert not Evenement.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_mots_de_passe_differents(client):
    InvitationFactory(email="nouvelle@exemple.test", token="jeton")

    response = client.post(invitation_link("jeton"), new_account_data(password2="un-autre-mot-de-passe-2026"))

    assert response.status_code == 200
    assertContains(response, "Les deux mots de passe ne sont pas identiques.")
    assert not User.objects.filter(email="nouvelle@exemple.test").exists()


@pytest.mark.django_db
def test_champs_obligatoires_en_francais(client):
    InvitationFactory(email="nouvelle@exemple.test", token="jeton")

    response = client.post(invitation_link("jeton"), dict.fromkeys(new_account_data(), ""))

    assertContains(response, "Indiquez votre prénom.")
    assertContains(response, "Indiquez votre nom.")
    assertContains(response, "Choisissez un mot de passe.")
    assert not User.objects.filter(email="nouvelle@exemple.test").exists()


@pytest.mark.django_db
def test_acceptation_par_un_compte_existant_connecte(login, referent):
    lieu = make_member(Role.MEDIATEUR, email="deja@exemple.test")
    invitation = InvitationFactory(
        organisation=referent.organisation,
        email="Deja@Exemple.test",
        role=Role.AGENT,
        created_by=referent.user,
        token="jeton",
    )
    client = login(lieu)

    page = client.get(invitation_link("jeton"))
    assert page.status_code == 200
    assertTemplateUsed(page, "comptes/invitation_confirmer.html")
    assertContains(page, referent.organisation.nom)
    assertContains(page, "Agent prescripteur")
    assertContains(page, "Rose Dupont")
    assert not Membership.objects.filter(user=lieu.user, organisation=referent.organisation).exists()

    response = client.post(invitation_link("jeton"))

    assertRedirects(response, reverse("accueil"), fetch_redirect_response=False)
    membre = Membership.objects.get(user=lieu.user, organisation=referent.organisation)
    assert (membre.role, membre.is_active, membre.invited_by) == (Role.AGENT, True, referent.user)
    lieu.refresh_from_db()
    assert lieu.is_active  # the other membership is untouched
    assert client.session[SESSION_KEY] == membre.pk
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == (Invitation.Status.ACCEPTED, lieu.user)
    assert Evenement.objects.filter(action=Action.MEMBRE_AJOUTE, target_id=str(membre.pk)).exists()
    assert Evenement.objects.get(action=Action.INVITATION_ACCEPTEE).details["compte_cree"] is False
    assertTemplateUsed(client.get(reverse("accueil")), "accueil/prescripteur.html")


@pytest.mark.django_db
def test_acceptation_reactive_un_ancien_acces_avec_le_role_propose(client, referent):
    ancien = make_member(Role.AGENT, organisation=referent.organisation, email="ancien@exemple.test")
    Membership.objects.filter(pk=ancien.pk).update(is_active=False, deactivated_at=timezone.now())
    InvitationFactory(organisation=referent.organisation, email=ancien.user.email, role=Role.REFERENT, token="jeton")
    client.force_login(ancien.user)

    response = client.post(invitation_link("jeton"))

    assertRedirects(response, reverse("accueil"), fetch_redirect_response=False)
    assert Membership.objects.filter(user=ancien.user, organisation=referent.organisation).count() == 1
    ancien.refresh_from_db()
    assert (ancien.is_active, ancien.role, ancien.deactivated_at) == (True, Role.REFERENT, None)
    entry = Evenement.objects.get(action=Action.MEMBRE_REACTIVE)
    assert entry.target_id == str(ancien.pk)
    assert (entry.details["role"], entry.details["ancien_role"]) == (Role.REFERENT, Role.AGENT)
    assert not Evenement.objects.filter(action=Action.MEMBRE_AJOUTE).exists()


@pytest.mark.django_db
def test_compte_existant_non_connecte_doit_se_connecter(client):
    existant = UserFactory(email="deja@exemple.test")
    invitation = InvitationFactory(email="deja@exemple.test", token="jeton")
    url = invitation_link("jeton")

    for response in (client.get(url), client.post(url, new_account_data())):
        assert response.status_code == 200
        assertTemplateUsed(response, "comptes/invitation_se_connecter.html")
        login_url = response.context["login_url"]
        assert login_url.startswith(reverse("account_login") + "?next=")
        assertContains(response, f'href="{login_url}"')

    assert not Membership.objects.filter(user=existant).exists()
    assert User.objects.filter(email="deja@exemple.test").count() == 1
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def _assert_invalid_page(response, status: int, code: str, text: str):
    assert response.status_code == status
    assertTemplateUsed(response, "comptes/invitation_invalide.html")
    assert response.context["code"] == code
    assertContains(response, text, status_code=status)
    assertContains(response, "<h1", count=1, status_code=status)


@pytest.mark.django_db
def test_lien_expire(client):
    invitation = InvitationFactory(
        email="nouvelle@exemple.test", token="jeton", expires_at=timezone.now() - timedelta(minutes=1)
    )
    url = invitation_link("jeton")

    _assert_invalid_page(client.get(url), 410, "expired", "Cette invitation a expiré")
    _assert_invalid_page(client.post(url, new_account_data()), 410, "expired", "renvoyer l’invitation")

    assert not User.objects.filter(email="nouvelle@exemple.test").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Evenement.objects.exists()


@pytest.mark.django_db
def test_lien_deja_utilise(client):
    InvitationFactory(email="nouvelle@exemple.test", token="jeton")
    url = invitation_link("jeton")
    client.post(url, new_account_data())
    assert Membership.objects.filter(user__email="nouvelle@exemple.test").count() == 1

    # Same person, still logged in, then logged out; and a second account creation attempt.
    _assert_invalid_page(client.get(url), 410, "accepted", "Cette invitation a déjà été utilisée")
    client.logout()
    _assert_invalid_page(client.get(url), 410, "accepted", "Mot de passe oublié ?")
    _assert_invalid_page(client.post(url, new_account_data()), 410, "accepted", "déjà été utilisée")

    assert User.objects.filter(email="nouvelle@exemple.test").count() == 1
    assert Evenement.objects.filter(action=Action.INVITATION_ACCEPTEE).count() == 1


@pytest.mark.django_db
def test_lien_annule(client):
    InvitationFactory(email="nouvelle@exemple.test", token="jeton", cancelled_at=timezone.now())
    url = invitation_link("jeton")

    _assert_invalid_page(client.get(url), 410, "cancelled", "Cette invitation a été annulée")
    _assert_invalid_page(client.post(url, new_account_data()), 410, "cancelled", "annulée")

    assert not User.objects.filter(email="nouvelle@exemple.test").exists()


@pytest.mark.django_db
def test_jeton_inconnu(client):
    InvitationFactory(token="le-bon-jeton")

    _assert_invalid_page(client.get(invitation_link("un-autre-jeton")), 404, "unknown", "le plus récent")


@pytest.mark.django_db
def test_connecte_avec_une_autre_adresse(login, referent):
    autre = make_member(Role.MEDIATEUR, email="autre@exemple.test")
    invitation = InvitationFactory(organisation=referent.organisation, email="invitee@exemple.test", token="jeton")
    client = login(autre)
    url = invitation_link("jeton")

    page = client.get(url)
    _assert_invalid_page(page, 403, "foreign", "autre adresse e-mail")
    assertContains(page, "autre@exemple.test", status_code=403)
    assertContains(page, "Se déconnecter et rouvrir l’invitation", status_code=403)
    assertContains(page, f'name="next" value="{url}"', status_code=403)
    _assert_invalid_page(client.post(url), 403, "foreign", "autre adresse e-mail")

    assert not Membership.objects.filter(user=autre.user, organisation=referent.organisation).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not Evenement.objects.exists()
    with pytest.raises(services.InvitationInvalide) as exc:
        services.accepter_invitation(invitation=invitation, user=autre.user)
    assert exc.value.code == "foreign"


# --- Resending and cancelling ----------------------------------------------------------------


@pytest.mark.django_db
def test_renvoyer_une_invitation(login, referent, mailoutbox, django_capture_on_commit_callbacks):
    avant = timezone.now() - timedelta(days=10)
    invitation = InvitationFactory(
        organisation=referent.organisation,
        email="invitee@exemple.test",
        token="ancien-jeton",
        sent_at=avant,
        expires_at=avant + timedelta(days=14),
    )
    client = login(referent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("comptes:renvoyer_invitation", args=[invitation.pk]))

    assertRedirects(
        response, reverse("comptes:membres", args=[referent.organisation_id]), fetch_redirect_response=False
    )
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    assert invitation.sent_at > avant
    assert invitation.expires_at == invitation.sent_at + settings.INVITATION_VALIDITY
    assert invitation.token_hash != hash_token("ancien-jeton")
    assert len(mailoutbox) == 1
    nouveau = token_from_mail(mailoutbox[0])
    assert hash_token(nouveau) == invitation.token_hash
    entry = Evenement.objects.get(action=Action.INVITATION_RENVOYEE)
    assert (entry.actor, entry.target_id, entry.details["envois"]) == (referent.user, str(invitation.pk), 2)
    assertContains(client.get(reverse("comptes:membres", args=[referent.organisation_id])), "Invitation renvoyée")

    client.logout()
    _assert_invalid_page(client.get(invitation_link("ancien-jeton")), 404, "unknown", "le plus récent")
    assertTemplateUsed(client.get(invitation_link(nouveau)), "comptes/invitation_creer_compte.html")


@pytest.mark.django_db
def test_renvoyer_rend_utilisable_une_invitation_expiree(login, referent, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(
        organisation=referent.organisation, token="jeton", expires_at=timezone.now() - timedelta(days=1)
    )
    client = login(referent)
    assertContains(client.get(reverse("comptes:membres", args=[referent.organisation_id])), "Expirée")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("comptes:renvoyer_invitation", args=[invitation.pk]))

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


@pytest.mark.django_db
def test_renvoyer_une_invitation_annulee_est_refuse(login, referent, mailoutbox, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(organisation=referent.organisation, token="jeton", cancelled_at=timezone.now())
    client = login(referent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("comptes:renvoyer_invitation", args=[invitation.pk]), follow=True)

    assertContains(response, "Cette invitation est close : elle ne peut plus être renvoyée.")
    invitation.refresh_from_db()
    assert (invitation.send_count, invitation.token_hash) == (1, hash_token("jeton"))
    assert mailoutbox == []
    assert not Evenement.objects.exists()


@pytest.mark.django_db
def test_annuler_une_invitation_demande_confirmation(login, referent):
    invitation = InvitationFactory(organisation=referent.organisation, email="invitee@exemple.test", token="jeton")
    client = login(referent)
    url = reverse("comptes:annuler_invitation", args=[invitation.pk])

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assertTemplateUsed(confirmation, "comptes/annuler_invitation.html")
    assertContains(confirmation, "invitee@exemple.test")
    assertContains(confirmation, f'href="{reverse("comptes:membres", args=[referent.organisation_id])}"')
    assertContains(confirmation, '<form method="post">')
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not Evenement.objects.exists()

    response = client.post(url, follow=True)

    assertRedirects(response, reverse("comptes:membres", args=[referent.organisation_id]))
    assertContains(response, "L’invitation de invitee@exemple.test est annulée.")
    assertNotContains(response, 'href="' + url)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CANCELLED
    entry = Evenement.objects.get(action=Action.INVITATION_ANNULEE)
    assert (entry.actor, entry.target_id) == (referent.user, str(invitation.pk))

    client.logout()
    _assert_invalid_page(client.get(invitation_link("jeton")), 410, "cancelled", "annulée")


@pytest.mark.django_db
def test_renvoyer_et_annuler_les_invitations_d_une_autre_organisation(login, referent):
    invitation = InvitationFactory(token="jeton")  # another prescriber of the same département
    client = login(referent)

    assert client.post(reverse("comptes:renvoyer_invitation", args=[invitation.pk])).status_code == 404
    assert client.get(reverse("comptes:annuler_invitation", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("comptes:annuler_invitation", args=[invitation.pk])).status_code == 404

    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_count) == (Invitation.Status.PENDING, 1)
