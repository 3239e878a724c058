"""Factories for bénéficiaires and orientations. Communes come from the territoires test set,
loaded on first use (Guéret 23096, 12,955 inhabitants; Saint-Fiel 23195, 1,087: rural)."""

import datetime

import factory
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import LieuFactory, OrganismePrescripteurFactory, UserFactory, make_member
from territoires.models import Commune

from ..fse import est_zone_rurale
from ..identite import age_le, cle_doublon, nouveau_pseudonyme, texte_recherche
from ..models import Beneficiaire, Orientation, Suivi

GUERET = "23096"
SAINT_FIEL = "23195"


def commune(code_insee: str = GUERET) -> Commune:
    found = Commune.objects.filter(code_insee=code_insee).first()
    if found is None:
        from territoires.tests.jeu_de_test import charger_jeu_de_test

        charger_jeu_de_test()
        found = Commune.objects.get(code_insee=code_insee)
    return found


class BeneficiaireFactory(factory.django.DjangoModelFactory):
    """A live record. Pass `organisme=` to have it followed (else a new CCAS of its département)."""

    class Meta:
        model = Beneficiaire
        skip_postgeneration_save = True

    departement = factory.LazyAttribute(lambda o: o.commune.departement)
    pseudonyme = factory.LazyFunction(nouveau_pseudonyme)
    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name", locale="fr_FR")
    date_naissance = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)
    commune = factory.LazyFunction(commune)
    publics = factory.LazyFunction(lambda: ["senior"])
    sexe = "femme"
    situation_emploi = "inactif"
    niveau_etudes = "cite_0_2"
    handicap = "non"
    pays_tiers = "non"
    origine_etrangere = "nsp"
    minorite = "nsp"
    sans_abri = "non"
    besoins = factory.LazyFunction(lambda: ["ordinateur", "demarches"])
    niveau_autonomie = 2
    information_rgpd_le = factory.LazyFunction(timezone.localdate)
    cle_doublon = factory.LazyAttribute(
        lambda o: cle_doublon(nom=o.nom, prenom=o.prenom, date_naissance=o.date_naissance)
    )
    texte_recherche = factory.LazyAttribute(lambda o: texte_recherche(nom=o.nom, prenom=o.prenom))
    age_a_l_entree = factory.LazyAttribute(lambda o: age_le(o.date_naissance, timezone.localdate()))
    zone_rurale = factory.LazyAttribute(lambda o: est_zone_rurale(o.commune))

    @factory.post_generation
    def organisme(obj, create, extracted, **kwargs):
        if not create:
            return
        organisme = extracted or OrganismePrescripteurFactory(departement=obj.departement)
        Suivi.objects.create(beneficiaire=obj, organisme=organisme, origine=Suivi.Origine.CREATION)


class OrientationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Orientation

    beneficiaire = factory.SubFactory(BeneficiaireFactory)
    lieu = factory.LazyAttribute(
        lambda o: LieuFactory(departement=o.beneficiaire.departement, latitude=46.17, longitude=1.87, est_actif=True)
    )
    organisme = factory.LazyAttribute(lambda o: o.beneficiaire.suivis.first().organisme)
    cree_par = factory.SubFactory(UserFactory)
    besoins = factory.LazyFunction(lambda: ["ordinateur"])


def agent_qui_suit(beneficiaire: Beneficiaire, role: Role = Role.AGENT):
    """A membership in the (first) organisation that follows the person."""
    return make_member(role, organisation=beneficiaire.suivis.first().organisme)


def ne_le(age: int) -> datetime.date:
    """A birth date giving this age today."""
    today = timezone.localdate()
    return (
        today.replace(year=today.year - age)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - age, day=28)
    )
