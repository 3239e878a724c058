from .beneficiaire import Beneficiaire, Public, Suivi
from .orientation import Orientation

__all__ = ["Beneficiaire", "Orientation", "Public", "Suivi"]
