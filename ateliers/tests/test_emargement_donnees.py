"""Shared test data for registrations and the roll-call (no test here).

`monde()`: a dispositif of Creuse, a qualified place (« Médiathèque de Guéret ») with a
responsable and a médiateur, another place of the département and one of Haute-Vienne (each
with a médiateur and a session), the département's coordinator and lecteur, a prescriber's
référent and agent, a workshop accepting the Pass numérique and today's session at 14 h.
`m.personne()` gives a person the place sees, holding a handed-out booklet (`m.cheques[p.pk]`).
"""

from dataclasses import dataclass, field

from comptes.models import Role
from comptes.tests.factories import (
    DepartementFactory,
    EquipeDepartementaleFactory,
    LieuFactory,
    OrganismePrescripteurFactory,
    make_member,
)
from pass_numerique.tests.factories import DispositifFactory, cheques_remis, lieu_qualifie

from .factories import AtelierFactory, inscrire, personne_du_lieu, seance


@dataclass
class Monde:
    dispositif: object
    lieu: object
    organisme: object
    atelier: object
    seance: object
    autre_seance: object
    seance_etrangere: object
    membres: dict
    cheques: dict = field(default_factory=dict)

    def __getattr__(self, role):
        if role == "membres":
            raise AttributeError(role)
        try:
            return self.membres[role]
        except KeyError:
            raise AttributeError(role) from None

    def personne(self, *, cheques: int = 5, **kwargs):
        p = personne_du_lieu(self.lieu, organisme=self.organisme, **kwargs)
        if cheques:
            remis = cheques_remis(self.dispositif, taille=cheques, beneficiaire=p, organisme=self.organisme)
            self.cheques[p.pk] = remis
        return p

    def inscrite(self, s=None, **kwargs):
        """A person registered to `s` (today's session by default)."""
        return inscrire(s or self.seance, self.personne(**kwargs))

    def code(self, personne, i: int = 0) -> str:
        return self.cheques[personne.pk][i].code


def monde(*, capacite: int = 8, cheques_par_seance: int = 1, dans_jours: int = 0) -> Monde:
    d = DispositifFactory()
    lieu = lieu_qualifie(d, nom="Médiathèque de Guéret")
    voisin = LieuFactory(departement=d.departement, nom="Tiers-lieu de Bourganeuf")
    etranger = LieuFactory(departement=DepartementFactory(code="87"), nom="Espace numérique de Limoges")
    organisme = OrganismePrescripteurFactory(departement=d.departement, nom="CCAS de Guéret")
    equipe = EquipeDepartementaleFactory(departement=d.departement)
    atelier = AtelierFactory(
        lieu=lieu,
        titre="Premiers pas sur smartphone",
        accepte_pass=True,
        capacite=capacite,
        cheques_par_seance=cheques_par_seance,
    )
    membres = {
        "responsable": make_member(Role.RESPONSABLE, organisation=lieu),
        "mediateur": make_member(Role.MEDIATEUR, organisation=lieu),
        "voisin": make_member(Role.MEDIATEUR, organisation=voisin),
        "etranger": make_member(Role.MEDIATEUR, organisation=etranger),
        "coordinateur": make_member(Role.COORDINATEUR, organisation=equipe),
        "lecteur": make_member(Role.LECTEUR, organisation=equipe),
        "referent": make_member(Role.REFERENT, organisation=organisme),
        "agent": make_member(Role.AGENT, organisation=organisme),
    }
    return Monde(
        dispositif=d,
        lieu=lieu,
        organisme=organisme,
        atelier=atelier,
        seance=seance(atelier, dans_jours=dans_jours, heure=14, mediateurs=[membres["mediateur"].user]),
        autre_seance=seance(lieu=voisin, dans_jours=dans_jours),
        seance_etrangere=seance(lieu=etranger, dans_jours=dans_jours),
        membres=membres,
    )
