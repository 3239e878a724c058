"""Users, organisations, memberships and invitations.

An `Organisation` is anything people belong to: the département's team, an organisme
prescripteur, a lieu de médiation. The last two are subclasses living in their own apps
(`structures.Lieu`, `prescripteurs.OrganismePrescripteur`) through multi-table inheritance, so
memberships, invitations, the current-organisation switch and the journal work the same way for
all three (docs/adr/0002-organisations-and-memberships.md).
"""

import hashlib

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L’adresse e-mail est obligatoire.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A professional who logs in. Identified by e-mail; never deleted, only deactivated."""

    username = None
    email = models.EmailField("adresse e-mail", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    COORDINATEUR = "coordinateur", "Coordinateur·rice"
    LECTEUR = "lecteur", "Lecteur·rice"
    REFERENT = "referent", "Référent·e"
    AGENT = "agent", "Agent prescripteur"
    RESPONSABLE = "responsable", "Responsable de lieu"
    MEDIATEUR = "mediateur", "Médiateur·rice numérique"


class Organisation(models.Model):
    class Type(models.TextChoices):
        DEPARTEMENT = "departement", "Équipe départementale"
        PRESCRIPTEUR = "prescripteur", "Organisme prescripteur"
        LIEU = "lieu", "Lieu de médiation numérique"

    # Which roles exist in each kind of organisation, and which of them manage its members.
    ROLES = {
        Type.DEPARTEMENT: (Role.COORDINATEUR, Role.LECTEUR),
        Type.PRESCRIPTEUR: (Role.REFERENT, Role.AGENT),
        Type.LIEU: (Role.RESPONSABLE, Role.MEDIATEUR),
    }
    MANAGER_ROLE = {
        Type.DEPARTEMENT: Role.COORDINATEUR,
        Type.PRESCRIPTEUR: Role.REFERENT,
        Type.LIEU: Role.RESPONSABLE,
    }

    type = models.CharField("type", max_length=20, choices=Type.choices, editable=False)
    nom = models.CharField("nom", max_length=255)
    departement = models.ForeignKey(
        "territoires.Departement",
        verbose_name="département",
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    # Subclasses set this; the base class is only instantiated for the département's team.
    organisation_type = Type.DEPARTEMENT

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement"],
                condition=models.Q(type="departement"),
                name="one_team_per_departement",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=["departement", "prescripteur", "lieu"]),
                name="organisation_type_valid",
            ),
        ]
        indexes = [models.Index(fields=["departement", "type"], name="organisation_dep_type")]

    def __str__(self) -> str:
        return self.nom

    def save(self, *args, **kwargs):
        self.type = self.organisation_type
        super().save(*args, **kwargs)

    @property
    def roles(self) -> tuple[Role, ...]:
        return self.ROLES[self.Type(self.type)]

    @property
    def manager_role(self) -> Role:
        return self.MANAGER_ROLE[self.Type(self.type)]


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A user's role in one organisation. Deactivated, never deleted."""

    user = models.ForeignKey(User, verbose_name="utilisateur", on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField("ajouté le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    deactivated_at = models.DateTimeField("désactivé le", null=True, blank=True)
    invited_by = models.ForeignKey(
        User,
        verbose_name="invité par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "adhésion"
        verbose_name_plural = "adhésions"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
            models.CheckConstraint(
                condition=models.Q(is_active=True, deactivated_at__isnull=True)
                | models.Q(is_active=False, deactivated_at__isnull=False),
                name="membership_deactivation_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.email} — {self.get_role_display()} — {self.organisation}"

    @property
    def departement(self):
        return self.organisation.departement

    @property
    def is_coordinateur(self) -> bool:
        return self.role == Role.COORDINATEUR

    @property
    def is_departement(self) -> bool:
        return self.role in (Role.COORDINATEUR, Role.LECTEUR)

    @property
    def is_manager(self) -> bool:
        """Manages its organisation's members (coordinateur, référent, responsable)."""
        return self.role in (Role.COORDINATEUR, Role.REFERENT, Role.RESPONSABLE)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An e-mailed link that creates an account or adds a membership to an existing one.

    Only the SHA-256 of the link's token is stored. Resending issues a new token (the old link
    stops working) and a new expiry date.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        EXPIRED = "expired", "Expirée"
        ACCEPTED = "accepted", "Acceptée"
        CANCELLED = "cancelled", "Annulée"

    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField("adresse e-mail")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(User, verbose_name="invité par", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)
    sent_at = models.DateTimeField("envoyée le", default=timezone.now)
    send_count = models.PositiveSmallIntegerField("envois", default=1)
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, verbose_name="acceptée par", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=~models.Q(accepted_at__isnull=False, cancelled_at__isnull=False),
                name="invitation_not_accepted_and_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()} — {self.organisation}"

    @property
    def status(self) -> "Invitation.Status":
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.cancelled_at:
            return self.Status.CANCELLED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def is_open(self) -> bool:
        """Not accepted nor cancelled (it may be expired, and can then be resent)."""
        return self.accepted_at is None and self.cancelled_at is None
