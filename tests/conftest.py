"""Fixtures shared by the browser tests of this folder (helpers in tests/navigateur.py)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

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


# --- A real Celery worker (tests/test_celery_worker.py, tests/test_celery_rapports.py) ----------

BASE_DIR = Path(settings.BASE_DIR)


def _database_url() -> str:
    """URL of the database this test runs in (pytest-django's test database, e.g. test_einclusion_gw0)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def _celery_executable() -> str:
    candidate = Path(sys.executable).with_name("celery")
    return str(candidate) if candidate.exists() else "celery"


@pytest.fixture
def worker(tmp_path):
    """A `celery worker` subprocess on the real broker and the test database; always terminated."""
    broker = settings.CELERY_REAL_BROKER_URL
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "einclusion.settings_test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                _celery_executable(),
                "-A",
                "einclusion",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                "celery",
                f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Same process group as pytest: a Ctrl-C or a CI timeout that kills the test run
            # reaches the worker too, even if this fixture never gets to its teardown.
        )
        try:
            yield process, log_path
        finally:
            if process.poll() is None:
                process.terminate()  # warm shutdown (--pool=solo: no child processes)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
