"""Invitations: send, resend, cancel, accept (with or without an existing account)."""

import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comptes import evenements
from comptes.models import Invitation, Membership, Organisation, User, hash_token
from comptes.rules import can_manage
from comptes.services.memberships import ajouter_membre


class InvitationInvalide(Exception):
    """The link cannot be used; `code` says why, `message` says it in French."""

    MESSAGES = {
        "unknown": "Ce lien d’invitation n’existe pas ou a été remplacé par un envoi plus récent.",
        "expired": "Ce lien d’invitation a expiré. Demandez à la personne qui vous a invité·e de vous le renvoyer.",
        "accepted": "Cette invitation a déjà été utilisée.",
        "cancelled": "Cette invitation a été annulée.",
        "foreign": "Cette invitation a été envoyée à une autre adresse e-mail que celle de votre compte.",
        "account_exists": "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l’invitation.",
    }

    def __init__(self, code: str):
        self.code = code
        self.message = self.MESSAGES[code]
        super().__init__(self.message)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("comptes:accepter_invitation", kwargs={"token": token})


def _send(invitation: Invitation, token: str) -> None:
    context = {"invitation": invitation, "url": invitation_url(token), "site_name": settings.SITE_NAME}
    subject = render_to_string("comptes/email/invitation_subject.txt", context).strip()
    body = render_to_string("comptes/email/invitation_message.txt", context)
    # Sent after commit: no e-mail for an invitation that was rolled back.
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email], fail_silently=False)
    )


@transaction.atomic
def inviter(*, par: Membership, organisation: Organisation, email: str, role: str, request=None) -> Invitation:
    if not can_manage(par, organisation):
        raise PermissionDenied
    email = normalise_email(email)
    if role not in organisation.roles:
        raise ValidationError({"role": "Ce rôle n’existe pas pour ce type d’organisation."}, code="invalid_role")
    if Membership.objects.active().filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": "Cette personne est déjà membre de l’organisation."}, code="already_member")
    if Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True, cancelled_at__isnull=True
    ).exists():
        raise ValidationError(
            {"email": "Une invitation est déjà en attente pour cette adresse : renvoyez-la depuis la liste."},
            code="already_invited",
        )
    token = _new_token()
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=email,
                role=role,
                token_hash=hash_token(token),
                created_by=par.user,
                created_at=now,
                sent_at=now,
                expires_at=now + settings.INVITATION_VALIDITY,
            )
    except IntegrityError as exc:  # a concurrent request invited the same address
        raise ValidationError(
            {"email": "Une invitation est déjà en attente pour cette adresse : renvoyez-la depuis la liste."},
            code="already_invited",
        ) from exc
    evenements.invitation_envoyee(par=par, invitation=invitation, request=request)
    _send(invitation, token)
    return invitation


@transaction.atomic
def renvoyer_invitation(*, par: Membership, invitation: Invitation, request=None) -> Invitation:
    """New token, new expiry date; the previous link stops working."""
    if not can_manage(par, invitation.organisation):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError("Cette invitation est close : elle ne peut plus être renvoyée.", code="closed")
    token = _new_token()
    now = timezone.now()
    invitation.token_hash = hash_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + settings.INVITATION_VALIDITY
    invitation.send_count += 1
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "send_count"])
    evenements.invitation_renvoyee(par=par, invitation=invitation, request=request)
    _send(invitation, token)
    return invitation


@transaction.atomic
def annuler_invitation(*, par: Membership, invitation: Invitation, request=None) -> Invitation:
    if not can_manage(par, invitation.organisation):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError("Cette invitation est déjà close.", code="closed")
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    evenements.invitation_annulee(par=par, invitation=invitation, request=request)
    return invitation


def trouver_invitation(token: str) -> Invitation:
    """The invitation behind a link, if the link can still be used; raises InvitationInvalide."""
    invitation = (
        Invitation.objects.select_related("organisation__departement", "created_by")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if invitation is None:
        raise InvitationInvalide("unknown")
    status = invitation.status
    if status != Invitation.Status.PENDING:
        raise InvitationInvalide(status.value)
    return invitation


def _lock_pending(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    status = invitation.status
    if status != Invitation.Status.PENDING:
        raise InvitationInvalide(status.value)
    return invitation


@transaction.atomic
def accepter_invitation(*, invitation: Invitation, user: User, request=None, compte_cree: bool = False) -> Membership:
    invitation = _lock_pending(invitation)
    if normalise_email(user.email) != normalise_email(invitation.email):
        raise InvitationInvalide("foreign")
    membre = ajouter_membre(
        par=None,
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        via_invitation=invitation,
        request=request,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    evenements.invitation_acceptee(invitation=invitation, compte_cree=compte_cree, request=request)
    return membre


@dataclass(frozen=True)
class NouveauCompte:
    first_name: str
    last_name: str
    password: str


@transaction.atomic
def creer_compte_et_accepter(*, invitation: Invitation, compte: NouveauCompte, request=None) -> Membership:
    """Create the invitee's account (e-mail verified by the link itself) and accept."""
    invitation = _lock_pending(invitation)
    email = normalise_email(invitation.email)
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationInvalide("account_exists")
    user = User(email=email, first_name=compte.first_name.strip(), last_name=compte.last_name.strip())
    validate_password(compte.password, user)  # raises ValidationError with French messages
    user.set_password(compte.password)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return accepter_invitation(invitation=invitation, user=user, request=request, compte_cree=True)
