"""A handful of real communes for tests (Creuse around Guéret, the Saint-Étienne family, Paris and
one arrondissement, Corsica, La Réunion, a commune nouvelle), written by scripts/build_communes.py
in the same format as the shipped files.

Other apps' tests: `from territoires.tests.jeu_de_test import charger_jeu_de_test`.
"""

from pathlib import Path

DOSSIER = Path(__file__).resolve().parent / "data"


def charger_jeu_de_test() -> None:
    from territoires.services import charger_referentiel

    charger_referentiel(dossier=DOSSIER)
