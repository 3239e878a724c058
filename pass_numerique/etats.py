"""The cheque's state machine. Services change a cheque's state only through transitions listed
here (and with a conditional UPDATE … WHERE statut = <avant>), so no illegal change can happen.

    généré ─► doté ─► remis ─► encaissé ─► remboursé
      ▲        │        │  ▲       │
      └────────┘        │  └───────┘ (encaissement annulé dans les 24 h)
    (retour de stock)   ├─► expiré
    généré, doté, remis ─► annulé (opposition)
"""

from .models import Carnet, Cheque

S = Cheque.Statut

TRANSITIONS: dict[str, frozenset[str]] = {
    S.GENERE: frozenset({S.DOTE, S.ANNULE}),
    S.DOTE: frozenset({S.GENERE, S.DOTE, S.REMIS, S.ANNULE}),
    S.REMIS: frozenset({S.ENCAISSE, S.ANNULE, S.EXPIRE}),
    S.ENCAISSE: frozenset({S.REMIS, S.REMBOURSE}),
    S.REMBOURSE: frozenset(),
    S.ANNULE: frozenset(),
    S.EXPIRE: frozenset(),
}

C = Carnet.Statut
TRANSITIONS_CARNET: dict[str, frozenset[str]] = {
    C.GENERE: frozenset({C.DOTE, C.ANNULE}),
    C.DOTE: frozenset({C.GENERE, C.DOTE, C.REMIS, C.ANNULE}),
    C.REMIS: frozenset({C.ANNULE}),
    C.ANNULE: frozenset(),
}

# States a cheque may be cancelled from (opposition), and those that still hold value.
ANNULABLES = frozenset({S.GENERE, S.DOTE, S.REMIS})
TERMINAUX = frozenset(s for s, suivants in TRANSITIONS.items() if not suivants)


class TransitionInterdite(Exception):
    def __init__(self, avant: str, apres: str):
        super().__init__(f"Passage interdit de « {S(avant).label} » à « {S(apres).label} ».")
        self.avant, self.apres = avant, apres


def peut_passer(avant: str, apres: str) -> bool:
    return apres in TRANSITIONS.get(avant, frozenset())


def verifier(avant: str, apres: str) -> None:
    if not peut_passer(avant, apres):
        raise TransitionInterdite(avant, apres)


def depuis(apres: str) -> list[str]:
    """The states from which `apres` may be reached (for conditional updates)."""
    return [avant for avant, suivants in TRANSITIONS.items() if apres in suivants]
