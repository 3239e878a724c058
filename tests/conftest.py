"""Fixtures shared by the browser tests of this folder (helpers in tests/navigateur.py)."""

import pytest

from comptes.models import Role
from comptes.tests.factories import make_member
from structures.models import Lieu
from structures.services.edition import modifier_lieu
from structures.tests.test_gestion_services import charger_departement, equipe, nouveau_lieu
from tests.navigateur import COORDINATRICE_LIEUX, TELEPHONE, surveiller


@pytest.fixture
def csp_errors(page):
    """The page with axe-core injected; the console messages about the Content-Security-Policy,
    collected for the whole test."""
    return surveiller(page)


@pytest.fixture
def telephone(browser):
    """A page in a phone-sized browser context (360 × 740, touch, French)."""
    contexte = browser.new_context(viewport=TELEPHONE, is_mobile=True, has_touch=True, locale="fr-FR")
    page = contexte.new_page()
    yield page
    contexte.close()


@pytest.fixture
def lieu(transactional_db) -> Lieu:
    """A place of the Creuse with one change in its history (so that the history page shows a
    table of changed fields), a closed place, and their coordinatrice (COORDINATRICE_LIEUX)."""
    creuse = charger_departement("23")
    coordinatrice = make_member(Role.COORDINATEUR, organisation=equipe(creuse), email=COORDINATRICE_LIEUX)
    lieu = nouveau_lieu(creuse, nom="Tiers-lieu La Quincaillerie")
    nouveau_lieu(creuse, nom="Ancien espace numérique", est_actif=False, ferme_le=lieu.date_maj)
    modifier_lieu(
        par=coordinatrice,
        lieu=lieu,
        donnees={"telephone": "+33555123456", "horaires": "Mo-Fr 09:00-12:00"},
    )
    return lieu
