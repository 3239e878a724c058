from .accueil import Accueil
from .beneficiaire import Beneficiaire, Public, Suivi
from .orientation import Orientation

__all__ = ["Accueil", "Beneficiaire", "Orientation", "Public", "Suivi"]
