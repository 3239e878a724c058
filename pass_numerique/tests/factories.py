"""Test data for the Pass numérique. `cheques_remis(...)` gives handed-out cheques in one call,
without going through the services (tests of the services build their own way)."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.utils import timezone

from beneficiaires.tests.factories import BeneficiaireFactory
from comptes.tests.factories import DepartementFactory, LieuFactory, OrganismePrescripteurFactory

from .. import codes
from ..models import Carnet, Cheque, Dispositif, Financeur, Qualification

_numeros = itertools.count(1)


class DispositifFactory(factory.django.DjangoModelFactory):
    """An active dispositif (started a month ago, valid for a year), FSE 60 / État 20 /
    Département 20, open to every public."""

    class Meta:
        model = Dispositif
        skip_postgeneration_save = True

    departement = factory.SubFactory(DepartementFactory, code="23")
    nom = factory.Sequence(lambda n: f"Pass numérique 2026 — réseau n°{n}")
    reseau = "Réseau Tela"
    debut = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    fin = factory.LazyAttribute(lambda o: o.debut + datetime.timedelta(days=365))
    validite_fin = factory.LazyAttribute(lambda o: o.fin)
    tolerance_jours = 30
    valeur_faciale = Decimal("10.00")
    tailles_carnet = factory.LazyFunction(lambda: ["5", "10"])
    publics = factory.LazyFunction(
        lambda: [
            "rsa",
            "aah",
            "demandeur_emploi",
            "jeune_mission_locale",
            "senior",
            "aide_domicile",
            "quotient_familial",
            "autre",
        ]
    )
    budget = Decimal("100000.00")

    @factory.post_generation
    def financeurs(obj, create, extracted, **kwargs):
        if not create:
            return
        parts = extracted or [("FSE+", "60"), ("État", "20"), ("Département", "20")]
        for ordre, (nom, pourcentage) in enumerate(parts):
            Financeur.objects.create(dispositif=obj, nom=nom, pourcentage=Decimal(pourcentage), ordre=ordre)


def qualifier(lieu, dispositif, statut=Qualification.Statut.QUALIFIE) -> Qualification:
    return Qualification.objects.create(dispositif=dispositif, lieu=lieu, statut=statut)


def lieu_qualifie(dispositif, **kwargs):
    lieu = LieuFactory(departement=dispositif.departement, **kwargs)
    qualifier(lieu, dispositif)
    return lieu


def carnet(dispositif, *, taille=10, statut=Carnet.Statut.GENERE, organisme=None, beneficiaire=None) -> Carnet:
    """A booklet and its cheques, in the given state (serials from a test counter)."""
    maintenant = timezone.now()
    c = Carnet.objects.create(
        dispositif=dispositif,
        departement=dispositif.departement,
        numero=next(_numeros),
        taille=taille,
        statut=statut,
        lot="test",
        organisme=organisme,
        dote_le=maintenant if organisme else None,
        beneficiaire=beneficiaire,
        remis_le=maintenant if beneficiaire else None,
    )
    statut_cheque = {
        Carnet.Statut.GENERE: Cheque.Statut.GENERE,
        Carnet.Statut.DOTE: Cheque.Statut.DOTE,
        Carnet.Statut.REMIS: Cheque.Statut.REMIS,
        Carnet.Statut.ANNULE: Cheque.Statut.ANNULE,
    }[statut]
    Cheque.objects.bulk_create(
        Cheque(
            carnet=c,
            dispositif=dispositif,
            departement=dispositif.departement,
            code=codes.nouveau_code(),
            numero_serie=c.numero * 100 + rang,
            rang=rang,
            valeur=dispositif.valeur_faciale,
            statut=statut_cheque,
        )
        for rang in range(1, taille + 1)
    )
    return c


def cheques_remis(dispositif=None, *, taille=10, beneficiaire=None, organisme=None) -> list[Cheque]:
    """Handed-out cheques of a booklet given to a person followed by a prescriber."""
    dispositif = dispositif or DispositifFactory()
    organisme = organisme or OrganismePrescripteurFactory(departement=dispositif.departement)
    beneficiaire = beneficiaire or BeneficiaireFactory(organisme=organisme)
    c = carnet(dispositif, taille=taille, statut=Carnet.Statut.REMIS, organisme=organisme, beneficiaire=beneficiaire)
    return list(c.cheques.order_by("rang"))
