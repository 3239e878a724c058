"""Shared test data for the remise, PDF, reimbursement and history tests (no test here).

`Monde`: a dispositif of Creuse, a participating prescriber with an agent and a booklet stock, a
person it follows (senior, in Guéret), two qualified places near Guéret, a coordinator.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from beneficiaires.tests.factories import BeneficiaireFactory
from comptes.models import Membership, Role
from comptes.tests.factories import EquipeDepartementaleFactory, OrganismePrescripteurFactory, make_member
from journal.models import Action
from journal.services import record

from ..models import Carnet, Cheque, Dispositif, Encaissement, Participation
from ..services.remboursement import PARIS, mois_precedent
from .factories import DispositifFactory, carnet, lieu_qualifie

HORAIRES = "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00"
M1 = mois_precedent()  # the month just ended
M2 = mois_precedent(M1)


def dans(mois: datetime.date, jour: int = 10) -> datetime.datetime:
    """Noon (Paris) on a day of `mois`."""
    return datetime.datetime.combine(mois.replace(day=jour), datetime.time(12), tzinfo=PARIS)


@dataclass
class Monde:
    dispositif: Dispositif
    organisme: object
    agent: Membership
    beneficiaire: object
    stock: list[Carnet]
    lieux: list
    coordinateur: Membership
    autres: dict = field(default_factory=dict)


def monde(*, stock: int = 2, taille: int = 10, publics_personne=("senior",), **dispositif) -> Monde:
    d = DispositifFactory(**dispositif)
    organisme = OrganismePrescripteurFactory(departement=d.departement, nom="CCAS de Guéret", telephone="+33555520000")
    Participation.objects.create(dispositif=d, organisme=organisme)
    agent = make_member(Role.AGENT, organisation=organisme)
    beneficiaire = BeneficiaireFactory(
        organisme=organisme, publics=list(publics_personne), nom="Martin", prenom="Odette"
    )
    carnets = [carnet(d, taille=taille, statut=Carnet.Statut.DOTE, organisme=organisme) for _ in range(stock)]
    lieux = [
        lieu_qualifie(
            d,
            nom="Médiathèque de Guéret",
            adresse="2 rue Eugène France",
            code_postal="23000",
            commune="Guéret",
            telephone="+33555510000",
            horaires=HORAIRES,
            latitude=46.171,
            longitude=1.871,
            est_actif=True,
        ),
        lieu_qualifie(
            d,
            nom="Tiers-lieu de Saint-Fiel",
            adresse="1 place de l’Église",
            code_postal="23000",
            commune="Saint-Fiel",
            telephone="",
            horaires="",
            latitude=46.215,
            longitude=1.903,
            est_actif=True,
        ),
    ]
    coordinateur = make_member(Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=d.departement))
    return Monde(d, organisme, agent, beneficiaire, carnets, lieux, coordinateur)


def encaisser(cheque: Cheque, lieu, *, le=None, par=None) -> Encaissement:
    """A redemption, written directly (the redemption service belongs to another module)."""
    le = le or timezone.now()
    encaissement = Encaissement.objects.create(
        cheque=cheque, lieu=lieu, par=par.user if par else None, source="page", le=le
    )
    Cheque.objects.filter(pk=cheque.pk).update(
        statut=Cheque.Statut.ENCAISSE, encaisse_le=le, lieu_encaissement=lieu, modifie_le=le
    )
    record(
        action=Action.CHEQUE_ENCAISSE,
        actor=par.user if par else None,
        organisation=lieu,
        departement=cheque.departement,
        target=cheque,
        target_repr=f"Chèque n° {cheque.numero_serie}",
        details={"numero_serie": cheque.numero_serie, "lieu": lieu.pk},
    )
    cheque.refresh_from_db()
    return encaissement


def il_y_a(jours: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=jours)
