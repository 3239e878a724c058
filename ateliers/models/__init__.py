from .ateliers import Atelier, Seance
from .feuilles import FeuilleEmargement
from .presences import Inscription, PresenceCheque

__all__ = ["Atelier", "FeuilleEmargement", "Inscription", "PresenceCheque", "Seance"]
