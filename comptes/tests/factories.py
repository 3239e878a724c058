"""Factories shared by every app's tests."""

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from comptes.mfa import activate_totp
from comptes.models import Invitation, Membership, Organisation, Role, User, hash_token
from prescripteurs.models import OrganismePrescripteur, TypeOrganisme
from structures.models import Lieu
from territoires.models import Departement

PASSWORD = "mot-de-passe-de-test-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = factory.Iterator(["23", "87", "19", "2A", "974", "01"])
    nom = factory.LazyAttribute(
        lambda o: {"23": "Creuse", "87": "Haute-Vienne", "19": "Corrèze"}.get(o.code, f"Département {o.code}")
    )
    couleur = "#005a9c"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class EquipeDepartementaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("departement", "type")

    type = Organisation.Type.DEPARTEMENT
    departement = factory.SubFactory(DepartementFactory)
    nom = factory.LazyAttribute(lambda o: f"Département {o.departement.nom} — équipe inclusion numérique")


class LieuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lieu

    departement = factory.SubFactory(DepartementFactory)
    nom = factory.Sequence(lambda n: f"Tiers-lieu numérique n°{n}")
    commune = "Guéret"


class OrganismePrescripteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganismePrescripteur

    departement = factory.SubFactory(DepartementFactory)
    nom = factory.Sequence(lambda n: f"CCAS n°{n}")
    type_organisme = TypeOrganisme.CCAS


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(EquipeDepartementaleFactory)
    role = Role.COORDINATEUR


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation
        exclude = ("token",)

    token = factory.Sequence(lambda n: f"jeton-de-test-{n}")
    organisation = factory.SubFactory(OrganismePrescripteurFactory)
    email = factory.Sequence(lambda n: f"invite{n}@exemple.test")
    role = Role.REFERENT
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    created_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + settings.INVITATION_VALIDITY)


ORGANISATION_FOR_ROLE = {
    Role.COORDINATEUR: EquipeDepartementaleFactory,
    Role.LECTEUR: EquipeDepartementaleFactory,
    Role.REFERENT: OrganismePrescripteurFactory,
    Role.AGENT: OrganismePrescripteurFactory,
    Role.RESPONSABLE: LieuFactory,
    Role.MEDIATEUR: LieuFactory,
}


def make_member(role: Role, *, organisation=None, departement=None, user=None, **user_kwargs) -> Membership:
    """A user holding `role` in `organisation` (created in `departement` if not given).

    Coordinators get a TOTP authenticator (secret TOTP_SECRET) so the MFA gate lets them in.
    """
    role = Role(role)
    if organisation is None:
        departement = departement or DepartementFactory(code="23")
        organisation = ORGANISATION_FOR_ROLE[role](departement=departement)
    user = user or UserFactory(**user_kwargs)
    membership = MembershipFactory(user=user, organisation=organisation, role=role)
    if role == Role.COORDINATEUR:
        activate_totp(user, TOTP_SECRET)
    return membership
