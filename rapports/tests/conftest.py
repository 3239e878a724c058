"""Fixtures shared by the report request and production tests."""

import pytest

from .factories_demandes import accelerer, creer_equipe


@pytest.fixture
def equipe(db):
    """A département's team (coordinatrice, lecteur) and its dispositif, with a foreign one."""
    return creer_equipe()


@pytest.fixture
def rapide(monkeypatch):
    """Minimal content and writers: for the tests of the request flow, not of the figures."""
    accelerer(monkeypatch)
