from .cheques import Carnet, Cheque, CompteurDepartement, Derogation, Encaissement
from .dispositifs import Dispositif, Financeur, Participation, Qualification
from .jetons import JetonAPI
from .remboursements import Bordereau, CoordonneesBancaires, LigneBordereau

__all__ = [
    "Bordereau",
    "Carnet",
    "Cheque",
    "CompteurDepartement",
    "CoordonneesBancaires",
    "Derogation",
    "Dispositif",
    "Encaissement",
    "Financeur",
    "JetonAPI",
    "LigneBordereau",
    "Participation",
    "Qualification",
]
