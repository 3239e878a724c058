"""The funding reports of the demo: the other costs of the demo dispositif (coordination,
engineering), so that its report shows a co-funding split with cost lines. Idempotent: a line is
added once (by its label), through the service (journalled)."""

import datetime
from decimal import Decimal

from comptes.models import Membership, Role
from rapports.models import LigneCout
from rapports.services.couts import ajouter_ligne_cout

LIGNES = (
    ("Coordination du dispositif (0,2 ETP)", Decimal("6400.00"), (3, 31)),
    ("Ingénierie pédagogique des ateliers", Decimal("2850.50"), (2, 15)),
)


def seed_rapports(comptes: dict[str, list[Membership]], pass_numerique: dict) -> list[LigneCout]:
    coordinatrice = next(m for m in comptes["coordinatrice"] if m.role == Role.COORDINATEUR)
    dispositif = pass_numerique["dispositif"]
    lignes = []
    for libelle, montant, (mois, jour) in LIGNES:
        ligne = LigneCout.objects.filter(dispositif=dispositif, libelle=libelle).first()
        if ligne is None:
            ligne = ajouter_ligne_cout(
                par=coordinatrice,
                dispositif=dispositif,
                libelle=libelle,
                montant=montant,
                date=datetime.date(dispositif.debut.year, mois, jour),
            )
        lignes.append(ligne)
    return lignes
