import pytest

from .jeu_de_test import charger_jeu_de_test


@pytest.fixture
def communes(db):
    """The small reference set of territoires/tests/data/, loaded."""
    charger_jeu_de_test()
