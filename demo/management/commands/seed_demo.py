"""`manage.py seed_demo`: one fictional département with a login for every role, and its public
places (with the national standard's data: address, position, services, opening hours…).

Idempotent: records are looked up by their natural key (département code, organisation name,
e-mail address) and only written when something differs, memberships go through
`ajouter_membre` (which does nothing for an active membership with the same role) and the
invitation is only sent when none is open for its address. Running it twice gives the same
state and the same journal.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.urls import reverse

from comptes.mfa import activate_totp
from comptes.models import Invitation, Membership, Organisation, Role, User
from comptes.services.invitations import inviter
from comptes.services.memberships import ajouter_membre
from demo import data
from prescripteurs.models import OrganismePrescripteur
from structures.models import Lieu, SourcePosition
from territoires.models import Commune, Departement
from territoires.validators import validate_accent_color, validate_code_departement


def upsert(model: type[models.Model], lookup: dict, values: dict) -> models.Model:
    """get_or_create on `lookup`, then save `values` only if one of them differs.

    Unlike update_or_create, an unchanged record is not saved again, so `auto_now` dates stay put.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save()
    return obj


class Command(BaseCommand):
    help = "Crée (ou remet en état) le département de démonstration et ses comptes de test."

    def handle(self, *args, **options):
        with transaction.atomic():
            organisations, comptes = self.seed()
        self.print_logins(organisations, comptes)

    # --- building --------------------------------------------------------------------------

    def seed(self):
        validate_code_departement(data.DEPARTEMENT["code"])
        validate_accent_color(data.DEPARTEMENT["couleur"])
        departement = upsert(
            Departement,
            {"code": data.DEPARTEMENT["code"]},
            {"nom": data.DEPARTEMENT["nom"], "couleur": data.DEPARTEMENT["couleur"]},
        )
        organisations: dict[str, Organisation] = {
            "equipe": upsert(
                Organisation,
                {"departement": departement, "type": Organisation.Type.DEPARTEMENT},
                {"nom": data.EQUIPE["nom"]},
            )
        }
        for p in data.PRESCRIPTEURS:
            organisations[p.cle] = upsert(
                OrganismePrescripteur,
                {"departement": departement, "nom": p.nom},
                {"type_organisme": p.type_organisme, "commune": None},
            )
        # Places carry literal positions: the communes reference is optional here (linked when loaded).
        communes = dict(
            Commune.objects.filter(code_insee__in=[lieu.champs.get("code_insee") for lieu in data.LIEUX]).values_list(
                "code_insee", "pk"
            )
        )
        for lieu in data.LIEUX:
            organisations[lieu.cle] = upsert(
                Lieu,
                {"departement": departement, "nom": lieu.nom},
                {
                    "commune": lieu.commune,
                    "commune_ref_id": communes.get(lieu.champs.get("code_insee")),
                    "source_position": SourcePosition.CARTE,
                    **lieu.champs,
                },
            )

        comptes: dict[str, list[Membership]] = {}
        for personne in data.PERSONNES:
            user = self.seed_user(personne)
            comptes[personne.cle] = [
                ajouter_membre(par=None, user=user, organisation=organisations[cle], role=role)
                for cle, role in personne.adhesions
            ]

        for invitation in data.INVITATIONS:
            self.seed_invitation(invitation, organisations[invitation.organisation], comptes[invitation.par][0])
        return organisations, comptes

    def seed_user(self, personne: data.Personne) -> User:
        user = upsert(
            User,
            {"email": personne.email},
            {"first_name": personne.prenom, "last_name": personne.nom, "is_active": True},
        )
        if not user.check_password(data.PASSWORD):
            user.set_password(data.PASSWORD)
            user.save(update_fields=["password"])
        upsert(EmailAddress, {"user": user, "email": personne.email}, {"verified": True, "primary": True})
        if personne.totp:
            totp = activate_totp(user, data.TOTP_SECRET)
            if decrypt(totp.data["secret"]) != data.TOTP_SECRET:  # someone re-enrolled with a phone
                totp.delete()
                activate_totp(user, data.TOTP_SECRET)
            RecoveryCodes.activate(user)
        return user

    def seed_invitation(self, invitation: data.InvitationDemo, organisation: Organisation, par: Membership) -> None:
        email = invitation.email.lower()
        already_open = Invitation.objects.filter(
            organisation=organisation, email__iexact=email, accepted_at__isnull=True, cancelled_at__isnull=True
        ).exists()
        already_member = (
            Membership.objects.active().filter(organisation=organisation, user__email__iexact=email).exists()
        )
        if not (already_open or already_member):
            inviter(par=par, organisation=organisation, email=email, role=invitation.role)

    # --- output ----------------------------------------------------------------------------

    def print_logins(self, organisations: dict[str, Organisation], comptes: dict[str, list[Membership]]) -> None:
        rows = [("Rôle", "E-mail", "Mot de passe", "Organisation")]
        for personne in data.PERSONNES:
            for i, (cle, role) in enumerate(personne.adhesions):
                first = i == 0
                rows.append(
                    (
                        Role(role).label,
                        personne.email if first else "  (même compte)",
                        data.PASSWORD if first else "",
                        organisations[cle].nom,
                    )
                )
        widths = [max(len(row[col]) for row in rows) for col in range(4)]

        def line(row):
            return " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()

        departement = organisations["equipe"].departement
        self.stdout.write(self.style.SUCCESS(f"Département de démonstration prêt : {departement}."))
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration (connexion sur {reverse('account_login')}) :")
        self.stdout.write(line(rows[0]))
        self.stdout.write("-+-".join("-" * width for width in widths))
        for row in rows[1:]:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write(
            f"La coordinatrice ({data.COORDINATRICE.email}) a la double authentification : après le mot "
            "de passe, saisissez le code à 6 chiffres donné par :"
        )
        self.stdout.write("    make totp   (ou : DEBUG=true .venv/bin/python manage.py demo_totp)")
        self.stdout.write(f"Le compte « {data.PERSONNES[-1].email} » montre le sélecteur d’organisation.")
        pending = Invitation.objects.filter(
            organisation__departement=departement, accepted_at__isnull=True, cancelled_at__isnull=True
        ).select_related("organisation")
        for invitation in pending:
            self.stdout.write(
                f"Invitation en attente : {invitation.email} ({invitation.get_role_display()}, "
                f"{invitation.organisation.nom})."
            )
        self.stdout.write(f"Secret TOTP de démonstration (à ne jamais réutiliser) : {data.TOTP_SECRET}")
