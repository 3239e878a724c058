"""Figures of the home-page dashboards, per role, scoped to the current membership.

- département (coordinateur, lecteur): `tableau_departement(par)`;
- prescriber (référent, agent): `tableau_prescripteur(par)`;
- place (responsable, médiateur): `tableau_lieu(par)`.

Definitions (the same words as the financing reports, ADR 0011): a cheque is *handed out* in
the month its booklet was handed to a person (`carnet.remis_le`), *redeemed* in the month of
`encaisse_le` when its state is still encaissé or remboursé (an undone redemption does not
count). « Cette année » and « ce mois-ci » are the calendar year and month in Europe/Paris.

Every figure is an aggregate query: the number of queries of a dashboard does not grow with
the data (a dozen at most).
"""

from .departement import TableauDepartement, comme_la_coordination, tableau_departement
from .lieu import TableauLieu, tableau_lieu
from .periodes import Reperes, reperes
from .prescripteur import TableauPrescripteur, statuts_de_parcours, tableau_prescripteur

__all__ = [
    "Reperes",
    "TableauDepartement",
    "TableauLieu",
    "TableauPrescripteur",
    "comme_la_coordination",
    "reperes",
    "statuts_de_parcours",
    "tableau_departement",
    "tableau_lieu",
    "tableau_prescripteur",
]
