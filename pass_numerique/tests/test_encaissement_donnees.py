"""Shared test data for redemption, API, tokens, opposition and expiry (no test here).

`monde()`: an active dispositif of Creuse, a qualified place with a responsable and a médiateur,
a second qualified place of the same département, ten handed-out cheques, and a prescriber
organisation (the one that handed the booklet out) with a référent and an agent."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import EquipeDepartementaleFactory, OrganismePrescripteurFactory, make_member

from ..models import Carnet, Cheque, Dispositif
from ..services import jetons
from .factories import DispositifFactory, carnet, cheques_remis, lieu_qualifie


@dataclass
class Monde:
    dispositif: Dispositif
    lieu: object
    responsable: object
    mediateur: object
    autre_lieu: object
    autre_mediateur: object
    organisme: object
    referent: object
    agent: object
    coordinateur: object
    cheques: list[Cheque]

    @property
    def carnet(self) -> Carnet:
        return self.cheques[0].carnet

    def code(self, i: int = 0) -> str:
        return self.cheques[i].code


def monde(**dispositif) -> Monde:
    d = DispositifFactory(**dispositif)
    lieu = lieu_qualifie(d, nom="Tiers-lieu La Quincaillerie")
    autre = lieu_qualifie(d, nom="Médiathèque de Bourganeuf")
    organisme = OrganismePrescripteurFactory(departement=d.departement, nom="CCAS de Guéret")
    return Monde(
        dispositif=d,
        lieu=lieu,
        responsable=make_member(Role.RESPONSABLE, organisation=lieu),
        mediateur=make_member(Role.MEDIATEUR, organisation=lieu),
        autre_lieu=autre,
        autre_mediateur=make_member(Role.MEDIATEUR, organisation=autre),
        organisme=organisme,
        referent=make_member(Role.REFERENT, organisation=organisme),
        agent=make_member(Role.AGENT, organisation=organisme),
        coordinateur=make_member(
            Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=d.departement)
        ),
        cheques=cheques_remis(d, organisme=organisme),
    )


def dispositif_expire(**kwargs) -> Dispositif:
    """A dispositif whose last redemption day was yesterday."""
    hier = timezone.localdate() - datetime.timedelta(days=1)
    return DispositifFactory(
        debut=hier - datetime.timedelta(days=400),
        fin=hier - datetime.timedelta(days=30),
        validite_fin=hier - datetime.timedelta(days=30),
        tolerance_jours=30,
        **kwargs,
    )


def carnet_en_stock(dispositif, organisme=None, statut=Carnet.Statut.DOTE) -> Carnet:
    return carnet(dispositif, statut=statut, organisme=organisme if statut == Carnet.Statut.DOTE else None)


def jeton_de(membre) -> tuple:
    """(JetonAPI, clear token) for the place of a responsable."""
    from structures.models import Lieu

    return jetons.creer_jeton(par=membre, lieu=Lieu.objects.get(pk=membre.organisation_id), nom="Caisse")
