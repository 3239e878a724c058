"""`manage.py seed_demo`: one fictional département with a login for every role, its public
places (with the national standard's data: address, position, services, opening hours…), its
organismes prescripteurs and a few dozen people (bénéficiaires) at various stages, the Pass
numérique (demo/pass_demo.py) and the workshops with their sessions (demo/ateliers_demo.py).

Idempotent: records are looked up by their natural key (département code, organisation name,
e-mail address, a person's duplicate key) and only written when something differs, memberships
go through `ajouter_membre` (which does nothing for an active membership with the same role) and
the invitation is only sent when none is open for its address. Running it twice gives the same
state and the same journal.

People are recorded, linked, oriented and answered through the bénéficiaires services (so the
journal tells their story); only their dates are moved back afterwards, with `.update()`. They
need the communes reference (`manage.py charger_territoires`): without it they are skipped,
with a notice.
"""

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from beneficiaires.identite import age_le, cle_doublon
from beneficiaires.models import Beneficiaire, Orientation, Suivi
from beneficiaires.selectors import doublon_de
from beneficiaires.services.anonymisation import MOTIF_CONSERVATION, anonymiser
from beneficiaires.services.fiches import creer_beneficiaire, rattacher
from beneficiaires.services.orientations import orienter, prendre_en_charge, refuser
from comptes.mfa import activate_totp
from comptes.models import Invitation, Membership, Organisation, Role, User
from comptes.services.invitations import inviter
from comptes.services.memberships import ajouter_membre
from demo import data
from demo.ateliers_demo import resume, seed_ateliers
from demo.pass_demo import seed_pass
from demo.rapports_demo import seed_rapports
from prescripteurs.models import OrganismePrescripteur
from structures.models import Lieu, SourcePosition
from territoires.models import Commune, Departement
from territoires.validators import validate_accent_color, validate_code_departement

# The demo's orientations would e-mail the places' members (the console backend prints them).
SANS_COURRIEL = "django.core.mail.backends.dummy.EmailBackend"


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
        self._hash_demo = None
        self._mots_de_passe_verifies: dict[str, bool] = {}
        with transaction.atomic():
            organisations, comptes = self.seed()
        with override_settings(EMAIL_BACKEND=SANS_COURRIEL), transaction.atomic():
            bilan = self.seed_beneficiaires(organisations, comptes)
        pass_numerique = ateliers = None
        if bilan["referentiel"]:  # booklets are handed to demo people
            with override_settings(EMAIL_BACKEND=SANS_COURRIEL), transaction.atomic():
                pass_numerique = seed_pass(organisations, comptes)
                ateliers = seed_ateliers(organisations, comptes, pass_numerique)
                seed_rapports(comptes, pass_numerique)
        self.print_logins(organisations, comptes)
        self.print_beneficiaires(bilan)
        self.print_pass(pass_numerique)
        if ateliers is not None:
            self.stdout.write(resume(ateliers))

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
        communes_prescripteurs = {
            c.code_insee: c for c in Commune.objects.filter(code_insee__in=[p.code_insee for p in data.PRESCRIPTEURS])
        }
        for p in data.PRESCRIPTEURS:
            organisations[p.cle] = upsert(
                OrganismePrescripteur,
                {"departement": departement, "nom": p.nom},
                {
                    "type_organisme": p.type_organisme,
                    "siret": p.siret,
                    "adresse": p.adresse,
                    "code_postal": p.code_postal,
                    "commune": communes_prescripteurs.get(p.code_insee),
                    "telephone": p.telephone,
                    "courriel": p.courriel,
                },
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
        if not self.mot_de_passe_de_demo(user):
            user.password = self.hash_demo()
            user.save(update_fields=["password"])
        upsert(EmailAddress, {"user": user, "email": personne.email}, {"verified": True, "primary": True})
        if personne.totp:
            totp = activate_totp(user, data.TOTP_SECRET)
            if decrypt(totp.data["secret"]) != data.TOTP_SECRET:  # someone re-enrolled with a phone
                totp.delete()
                activate_totp(user, data.TOTP_SECRET)
            RecoveryCodes.activate(user)
        return user

    def hash_demo(self) -> str:
        """One hash of the demo password for every new account: hashing is slow on purpose."""
        if self._hash_demo is None:
            self._hash_demo = make_password(data.PASSWORD)
        return self._hash_demo

    def mot_de_passe_de_demo(self, user: User) -> bool:
        """check_password, once per distinct stored hash (the accounts share one)."""
        if user.password not in self._mots_de_passe_verifies:
            self._mots_de_passe_verifies[user.password] = user.check_password(data.PASSWORD)
        return self._mots_de_passe_verifies[user.password]

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

    # --- bénéficiaires ----------------------------------------------------------------------

    def seed_beneficiaires(self, organisations: dict[str, Organisation], comptes: dict[str, list[Membership]]) -> dict:
        """The demo people, each once (found again by their duplicate key). Returns a summary."""
        departement = organisations["equipe"].departement
        codes = {personne.code_insee for personne in data.BENEFICIAIRES}
        communes = {c.code_insee: c for c in Commune.objects.filter(code_insee__in=codes)}
        bilan = {"referentiel": bool(communes), "crees": 0, "presents": 0, "sans_commune": []}
        if not communes:
            return bilan
        membres_des_lieux: dict[int, Membership] = {}
        for memberships in comptes.values():
            for membership in memberships:
                if membership.role in (Role.RESPONSABLE, Role.MEDIATEUR):
                    membres_des_lieux.setdefault(membership.organisation_id, membership)
        maintenant = timezone.now()
        for personne in data.BENEFICIAIRES:
            commune = communes.get(personne.code_insee)
            if commune is None:
                bilan["sans_commune"].append(personne.code_insee)
            elif self.deja_enregistree(personne, departement, commune, comptes):
                bilan["presents"] += 1
            else:
                self.seed_beneficiaire(personne, commune, organisations, comptes, membres_des_lieux, maintenant)
                bilan["crees"] += 1
        return bilan

    @staticmethod
    def prescripteur(comptes: dict[str, list[Membership]], cle: str) -> Membership:
        return next(m for m in comptes[cle] if m.role in (Role.AGENT, Role.REFERENT))

    def deja_enregistree(self, personne: data.BeneficiaireDemo, departement, commune, comptes) -> bool:
        if personne.etape != data.ANONYMISEE:
            naissance = datetime.date.fromisoformat(personne.naissance)
            cle = cle_doublon(nom=personne.nom, prenom=personne.prenom, date_naissance=naissance)
            return doublon_de(departement_id=departement.pk, cle=cle) is not None
        # An anonymised record has no identity left: found by who recorded it, where, and its answers.
        return Beneficiaire.objects.filter(
            departement=departement,
            anonymise_le__isnull=False,
            cree_par=self.prescripteur(comptes, personne.par).user,
            commune=commune,
            **personne.donnees_fse(),
        ).exists()

    def seed_beneficiaire(self, personne, commune, organisations, comptes, membres_des_lieux, maintenant) -> None:
        par = self.prescripteur(comptes, personne.par)
        naissance = datetime.date.fromisoformat(personne.naissance)
        debut = maintenant - datetime.timedelta(days=personne.il_y_a, hours=2)
        besoins = personne.besoins.split()
        beneficiaire = creer_beneficiaire(
            par=par,
            donnees={
                "nom": personne.nom,
                "prenom": personne.prenom,
                "date_naissance": naissance,
                "commune": commune,
                "telephone": personne.telephone,
                "email": personne.email,
                "publics": personne.publics.split(),
                **personne.donnees_fse(),
                "besoins": besoins,
                "niveau_autonomie": personne.niveau_autonomie,
                "information_rgpd_le": timezone.localdate(debut),
                "notes": personne.notes,
            },
        )
        Suivi.objects.filter(beneficiaire=beneficiaire).update(cree_le=debut)
        activite = debut
        if personne.aussi_suivi_par:
            suivi = rattacher(
                par=self.prescripteur(comptes, personne.aussi_suivi_par),
                nom=personne.nom,
                prenom=personne.prenom,
                date_naissance=naissance,
            )
            activite = min(debut + datetime.timedelta(days=1), maintenant)
            Suivi.objects.filter(pk=suivi.pk).update(cree_le=activite)
        lieu = organisations[personne.lieu] if personne.lieu else None
        if lieu is not None and lieu.est_actif:
            orientation = orienter(
                par=par, beneficiaire=beneficiaire, lieu=lieu, besoins=besoins, message=personne.message
            )
            oriente_le = debut + datetime.timedelta(hours=1)
            Orientation.objects.filter(pk=orientation.pk).update(cree_le=oriente_le)
            activite = max(activite, oriente_le)
            if personne.etape in (data.PRISE_EN_CHARGE, data.REFUSEE, data.ANONYMISEE):
                membre = membres_des_lieux.get(lieu.pk)
                if membre is None:
                    raise ValueError(f"Aucun compte de démonstration ne répond pour {lieu.nom} ({personne.prenom}).")
                if personne.etape == data.REFUSEE:
                    refuser(par=membre, orientation=orientation, motif=personne.motif_refus)
                else:
                    prendre_en_charge(par=membre, orientation=orientation)
                repondu_le = min(oriente_le + datetime.timedelta(days=2), maintenant)
                Orientation.objects.filter(pk=orientation.pk).update(repondu_le=repondu_le)
                activite = max(activite, repondu_le)
        Beneficiaire.objects.filter(pk=beneficiaire.pk).update(
            cree_le=debut, derniere_activite_le=activite, age_a_l_entree=age_le(naissance, timezone.localdate(debut))
        )
        if personne.etape == data.ANONYMISEE:  # past the retention period, as the daily task would do
            anonymiser(par=None, beneficiaire=beneficiaire, motif=MOTIF_CONSERVATION)

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

    def print_pass(self, pass_numerique: dict | None) -> None:
        if pass_numerique is None:
            return
        self.stdout.write("")
        self.stdout.write(f"Pass numérique de démonstration : « {pass_numerique['dispositif'].nom} ».")
        self.stdout.write(f"Jeton d’API de La Quincaillerie (démo) : {pass_numerique['api_token']}")
        codes = ", ".join(pass_numerique["cheques_remis"]) or "aucun"
        self.stdout.write(f"Chèques remis, à encaisser : {codes} (aussi dans var/demo.json).")

    def print_beneficiaires(self, bilan: dict) -> None:
        self.stdout.write("")
        if not bilan["referentiel"]:
            self.stdout.write(
                self.style.WARNING(
                    "Bénéficiaires de démonstration non créés : le référentiel des communes n’est pas chargé. "
                    "Lancez « manage.py charger_territoires », puis relancez « manage.py seed_demo »."
                )
            )
            return
        self.stdout.write(
            f"Bénéficiaires de démonstration : {bilan['crees']} créé·e·s, {bilan['presents']} déjà présent·e·s "
            f"(sur {len(data.BENEFICIAIRES)}). Les agents les voient dans « Bénéficiaires », les lieux dans "
            "« Orientations reçues »."
        )
        if bilan["sans_commune"]:
            codes = ", ".join(sorted(set(bilan["sans_commune"])))
            self.stdout.write(
                self.style.WARNING(
                    f"{len(bilan['sans_commune'])} bénéficiaire(s) ignoré·e·s : commune absente du référentiel "
                    f"(codes INSEE {codes}). Lancez « manage.py charger_territoires », puis relancez seed_demo."
                )
            )
