"""Shared test data of the workshop and session pages (no test here).

`monde()`: Creuse with an active dispositif, a qualified place (responsable, médiateur), a second
place of Creuse (médiateur), a place of Haute-Vienne (responsable), a prescriber organisation
(référent, agent), the département's team (coordinateur, lecteur) and Haute-Vienne's
coordinateur; one workshop per place. `donnees_seance(...)` is a valid POST of the session form."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import (
    DepartementFactory,
    EquipeDepartementaleFactory,
    LieuFactory,
    OrganismePrescripteurFactory,
    make_member,
)
from pass_numerique.tests.factories import DispositifFactory, lieu_qualifie

from .factories import AtelierFactory


@dataclass
class Monde:
    dispositif: object
    lieu: object
    responsable: object
    mediateur: object
    autre_lieu: object
    autre_mediateur: object
    lieu_87: object
    responsable_87: object
    coordinateur_87: object
    referent: object
    agent: object
    coordinateur: object
    lecteur: object
    atelier: object
    atelier_voisin: object
    atelier_87: object

    def acteur(self, nom: str):
        return getattr(self, nom)


def monde() -> Monde:
    d = DispositifFactory(departement=DepartementFactory(code="23"))
    lieu = lieu_qualifie(d, nom="Tiers-lieu La Quincaillerie", commune="Guéret")
    autre = LieuFactory(departement=d.departement, nom="Médiathèque de Bourganeuf")
    haute_vienne = DepartementFactory(code="87")
    lieu_87 = LieuFactory(departement=haute_vienne, nom="EPN de Limoges")
    equipe = EquipeDepartementaleFactory(departement=d.departement)
    organisme = OrganismePrescripteurFactory(departement=d.departement, nom="CCAS de Guéret")
    return Monde(
        dispositif=d,
        lieu=lieu,
        responsable=make_member(Role.RESPONSABLE, organisation=lieu, first_name="Rose", last_name="Responsable"),
        mediateur=make_member(Role.MEDIATEUR, organisation=lieu, first_name="Malik", last_name="Médiateur"),
        autre_lieu=autre,
        autre_mediateur=make_member(Role.MEDIATEUR, organisation=autre),
        lieu_87=lieu_87,
        responsable_87=make_member(Role.RESPONSABLE, organisation=lieu_87),
        coordinateur_87=make_member(
            Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=haute_vienne)
        ),
        referent=make_member(Role.REFERENT, organisation=organisme),
        agent=make_member(Role.AGENT, organisation=organisme),
        coordinateur=make_member(Role.COORDINATEUR, organisation=equipe),
        lecteur=make_member(Role.LECTEUR, organisation=equipe),
        atelier=AtelierFactory(lieu=lieu, titre="Premiers pas sur smartphone", duree_minutes=90, capacite=8),
        atelier_voisin=AtelierFactory(lieu=autre, titre="Découvrir sa tablette"),
        atelier_87=AtelierFactory(lieu=lieu_87, titre="Faire ses démarches en ligne"),
    )


def prochain(jour_semaine: int, *, semaines: int = 1) -> datetime.date:
    """A date `semaines` weeks ahead on that weekday (0 = Monday)."""
    aujourd_hui = timezone.localdate()
    return aujourd_hui + datetime.timedelta(days=(jour_semaine - aujourd_hui.weekday()) % 7 + 7 * semaines)


def donnees_atelier(**kwargs) -> dict:
    donnees = {
        "titre": "Premiers pas sur ordinateur",
        "themes": ["prise_en_main", "navigation"],
        "niveau": "debutant",
        "format": "collectif",
        "duree_minutes": "120",
        "capacite": "10",
        "cheques_par_seance": "1",
        "dispositif": "",
        "description": "Allumer l’ordinateur, utiliser la souris.",
    }
    donnees.update(kwargs)
    return {k: v for k, v in donnees.items() if v is not None}


def donnees_seance(mediateurs, *, date=None, **kwargs) -> dict:
    donnees = {
        "date": prochain(1).isoformat() if date is None else str(date),
        "heure": "14:00",
        "duree_minutes": "120",
        "capacite": "8",
        "mediateurs": [str(m.user.pk) for m in mediateurs],
        "recurrence": "",
        "nombre": "",
        "jusqu_au": "",
        "adresse": "",
        "commune": "",
        "commune_texte": "",
    }
    donnees.update(kwargs)
    return {k: v for k, v in donnees.items() if v is not None}
